/**
 * True for URLs a reader can follow: absolute http(s) only (no javascript:, data:, relative or
 * protocol-relative), and nothing that would end an attribute or a markdown link. References that fail
 * are shown as text, the same way on the markdown and the HTML pages.
 */
export function isWebUrl(text: string): boolean {
  return /^https?:\/\/[^\s"'<>]+$/i.test(text.trim());
}

import path from 'node:path';

/**
 * A build that cannot or must not write its output folder: `atc build` prints the message as one line
 * (no stack trace) and exits with `exitCode`: 2 when the folder is refused before anything is written
 * (it is an input, holds files atc did not write, ...), 1 when writing failed or another build holds it.
 */
export class OutputFolderError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'OutputFolderError';
  }
}

/** A folder as messages show it: relative to the working directory when inside it, absolute otherwise. */
export function displayPath(folder: string): string {
  const relative = path.relative(process.cwd(), folder);
  if (relative === '') return '.';
  return relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative) ? path.resolve(folder) : relative;
}

/** Error codes that mean the disk refused the write (read-only, permissions, full), not a bug. */
const DISK_ERROR_CODES = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'EDQUOT', 'EFBIG', 'EIO']);

/**
 * The file-system error behind `error`, if the disk refused a write. Eleventy wraps the errors of its
 * writes (`originalError`), other code uses `cause`, so both chains are followed.
 */
export function diskErrorOf(error: unknown): NodeJS.ErrnoException | undefined {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current instanceof Error && !seen.has(current)) {
    seen.add(current);
    const code = (current as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && DISK_ERROR_CODES.has(code)) return current as NodeJS.ErrnoException;
    current = (current as { originalError?: unknown }).originalError ?? current.cause;
  }
  return undefined;
}

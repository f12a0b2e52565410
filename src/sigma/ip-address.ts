/**
 * IP addresses and networks as Python's `ipaddress` module reads and writes them, because pySigma's
 * `cidr` modifier and its EQL backend's address test go through it: the canonical spelling of a
 * network (IPv6 compressed per RFC 5952, lower case) appears verbatim in the queries.
 */

export interface Network {
  readonly address: string;
  readonly prefix: number;
  readonly version: 4 | 6;
}

function parseIPv4(text: string): number[] | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const octets: number[] = [];
  for (const part of parts) {
    // Python 3.9.5+ refuses leading zeros (ambiguous octal).
    if (!/^\d{1,3}$/.test(part) || (part.length > 1 && part.startsWith('0'))) return undefined;
    const value = Number(part);
    if (value > 255) return undefined;
    octets.push(value);
  }
  return octets;
}

/** Eight 16-bit groups, or undefined. An embedded IPv4 tail (`::ffff:1.2.3.4`) is accepted. */
function parseIPv6(text: string): number[] | undefined {
  let body = text;
  const scope = body.indexOf('%');
  if (scope >= 0) {
    if (scope === body.length - 1) return undefined;
    body = body.slice(0, scope);
  }
  const lastColon = body.lastIndexOf(':');
  if (lastColon >= 0 && body.slice(lastColon + 1).includes('.')) {
    const v4 = parseIPv4(body.slice(lastColon + 1));
    if (!v4) return undefined;
    body = `${body.slice(0, lastColon + 1)}${((v4[0]! << 8) | v4[1]!).toString(16)}:${((v4[2]! << 8) | v4[3]!).toString(16)}`;
  }
  const halves = body.split('::');
  if (halves.length > 2) return undefined;
  const parseGroups = (part: string): number[] | undefined => {
    if (part === '') return [];
    const groups: number[] = [];
    for (const group of part.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return undefined;
      groups.push(Number.parseInt(group, 16));
    }
    return groups;
  };
  const head = parseGroups(halves[0]!);
  if (!head) return undefined;
  if (halves.length === 1) {
    return head.length === 8 ? head : undefined;
  }
  const rest = parseGroups(halves[1]!);
  if (!rest) return undefined;
  const known = head.length + rest.length;
  if (known > 7) return undefined;
  return [...head, ...new Array<number>(8 - known).fill(0), ...rest];
}

/** Python's IPv6Address.__str__: the longest run (>= 2) of zero groups becomes `::`, first one on ties. */
function formatIPv6(groups: readonly number[]): string {
  let bestStart = -1;
  let bestLength = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((group) => group.toString(16));
  if (bestLength < 2) return hex.join(':');
  const head = hex.slice(0, bestStart).join(':');
  const tail = hex.slice(bestStart + bestLength).join(':');
  return `${head}::${tail}`;
}

/** `ipaddress.ip_address(text)` succeeds. */
export function isIpAddress(text: string): boolean {
  return parseIPv4(text) !== undefined || (text.includes(':') && parseIPv6(text) !== undefined);
}

/**
 * `ipaddress.ip_network(text)` (strict): an address with an optional `/prefix` (IPv4 also takes a
 * netmask). Returns the network or Python's error message.
 */
export function parseNetwork(text: string): Network | string {
  const slash = text.indexOf('/');
  const addressText = slash >= 0 ? text.slice(0, slash) : text;
  const prefixText = slash >= 0 ? text.slice(slash + 1) : undefined;
  const v4 = parseIPv4(addressText);
  if (v4) {
    let prefix = 32;
    if (prefixText !== undefined) {
      if (/^\d{1,2}$/.test(prefixText) && Number(prefixText) <= 32) prefix = Number(prefixText);
      else {
        const mask = parseIPv4(prefixText);
        const bits = mask ? ((mask[0]! << 24) | (mask[1]! << 16) | (mask[2]! << 8) | mask[3]!) >>> 0 : -1;
        const ones = bits >= 0 ? bitCount(bits) : -1;
        if (ones < 0 || (ones > 0 && bits !== ((0xffffffff << (32 - ones)) >>> 0)) || (ones === 0 && bits !== 0)) return `'${prefixText}' is not a valid netmask`;
        prefix = ones;
      }
    }
    const value = ((v4[0]! << 24) | (v4[1]! << 16) | (v4[2]! << 8) | v4[3]!) >>> 0;
    const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
    if ((value & ~mask) >>> 0 !== 0) return `${text} has host bits set`;
    return { address: v4.join('.'), prefix, version: 4 };
  }
  const v6 = addressText.includes(':') ? parseIPv6(addressText) : undefined;
  if (v6) {
    let prefix = 128;
    if (prefixText !== undefined) {
      if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > 128) return `'${prefixText}' is not a valid netmask`;
      prefix = Number(prefixText);
    }
    for (let bit = prefix; bit < 128; bit++) {
      if ((v6[bit >> 4]! >> (15 - (bit & 15))) & 1) return `${text} has host bits set`;
    }
    return { address: formatIPv6(v6), prefix, version: 6 };
  }
  return `'${text}' does not appear to be an IPv4 or IPv6 network`;
}

function bitCount(value: number): number {
  let count = 0;
  for (let v = value; v; v >>>= 1) count += v & 1;
  return count;
}

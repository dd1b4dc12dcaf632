/**
 * IPv4 and IPv6 addresses and CIDR blocks for IpAddress / NotIpAddress (RFC 4632 for IPv4,
 * RFC 4291 for IPv6), as bytes.
 */
export interface Cidr {
  bytes: Uint8Array;
  prefix: number;
}

export function parseIp(text: string): Uint8Array | null {
  return text.includes(':') ? parseV6(text) : parseV4(text);
}

/** `203.0.113.0/24`, `2001:db8::/32`, or a single address (a /32 or /128). */
export function parseCidr(text: string): Cidr | null {
  const slash = text.indexOf('/');
  const bytes = parseIp(slash === -1 ? text : text.slice(0, slash));
  if (bytes === null) return null;
  const max = bytes.length * 8;
  if (slash === -1) return { bytes, prefix: max };
  const p = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(p) || Number(p) > max) return null;
  return { bytes, prefix: Number(p) };
}

export function cidrContains(c: Cidr, ip: Uint8Array): boolean {
  if (c.bytes.length !== ip.length) return false;
  let bits = c.prefix;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((c.bytes[i] & mask) !== (ip[i] & mask)) return false;
  }
  return true;
}

/** Four dot-separated decimal bytes of one to three digits each, read without splitting. */
function parseV4(text: string): Uint8Array | null {
  const out = new Uint8Array(4);
  let part = 0;
  let count = 0;
  let value = 0;
  for (let i = 0; i <= text.length; i++) {
    // The end of the text closes the last byte as a dot would.
    const c = i < text.length ? text.charCodeAt(i) : 0x2e;
    if (c === 0x2e) {
      if (count === 0 || value > 255 || part === 4) return null;
      out[part++] = value;
      count = 0;
      value = 0;
    } else if (c >= 0x30 && c <= 0x39 && count < 3) {
      value = value * 10 + c - 0x30;
      count++;
    } else {
      return null;
    }
  }
  return part === 4 ? out : null;
}

function parseV6(text: string): Uint8Array | null {
  let s = text;
  const zone = s.indexOf('%');
  if (zone !== -1) s = s.slice(0, zone);
  let tail: Uint8Array | null = null;
  const lastColon = s.lastIndexOf(':');
  if (s.slice(lastColon + 1).includes('.')) {
    tail = parseV4(s.slice(lastColon + 1));
    if (tail === null) return null;
    s = s.slice(0, lastColon + 1) + '0:0';
  }
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const head = halves[0] === '' ? [] : halves[0].split(':');
  const rest = halves.length === 2 ? (halves[1] === '' ? [] : halves[1].split(':')) : [];
  const groups = halves.length === 2 ? 8 - head.length - rest.length : 0;
  if (halves.length === 2 ? groups < 1 : head.length !== 8) return null;
  const words = [...head, ...Array<string>(groups).fill('0'), ...rest];
  const out = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    const w = words[i];
    if (!/^[0-9a-f]{1,4}$/i.test(w)) return null;
    const n = parseInt(w, 16);
    out[i * 2] = n >> 8;
    out[i * 2 + 1] = n & 0xff;
  }
  if (tail !== null) out.set(tail, 12);
  return out;
}

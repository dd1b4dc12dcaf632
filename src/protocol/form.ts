import { Errors } from './errors.ts';

/**
 * Name/value pairs of `application/x-www-form-urlencoded` text (a URL's query or a query-protocol
 * body), decoded as the WHATWG URL standard's urlencoded parser does: `&` separates pairs, the
 * first `=` splits one, `+` is a space, `%XY` is a byte, and a `%` not followed by two hex digits
 * stays as it is. The decoded bytes must be UTF-8: anything else is refused, never replaced.
 *
 * This is the one reader of request parameters: the operation reads these pairs and SigV4's
 * canonical query string is built from the very same pairs, so a signature covers exactly what the
 * handler reads (two spellings that decode differently never share a signature).
 */
export function formPairs(text: string): [string, string][] {
  const out: [string, string][] = [];
  if (text === '') return out;
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    out.push(
      eq < 0
        ? [formDecode(pair), '']
        : [formDecode(pair.slice(0, eq)), formDecode(pair.slice(eq + 1))],
    );
  }
  return out;
}

const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  const lower = code | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}

function formDecode(raw: string): string {
  const text = raw.includes('+') ? raw.replaceAll('+', ' ') : raw;
  if (!text.includes('%')) return text;
  const source = utf8.encode(text);
  const bytes = new Uint8Array(source.length);
  let n = 0;
  for (let i = 0; i < source.length; i++) {
    const b = source[i];
    if (b === 0x25 && i + 2 < source.length) {
      const hi = hexValue(source[i + 1]);
      const lo = hexValue(source[i + 2]);
      if (hi >= 0 && lo >= 0) {
        bytes[n++] = (hi << 4) | lo;
        i += 2;
        continue;
      }
    }
    bytes[n++] = b;
  }
  try {
    return strictUtf8.decode(bytes.subarray(0, n));
  } catch {
    throw Errors.malformedQueryString(
      'A request parameter is not valid UTF-8 once percent-decoded.',
    );
  }
}

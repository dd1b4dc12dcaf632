/**
 * Typed readings of condition values. Numbers: integers and decimals, given as JSON numbers or
 * strings (Numeric condition operators). Dates: ISO 8601 or epoch seconds (Date condition
 * operators: "a date in W3C implementation of ISO 8601 ... or epoch (UNIX) time").
 */
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const EPOCH = /^[+-]?\d+(?:\.\d+)?$/;
const ISO_DATE =
  /^\d{4}-\d{2}-\d{2}(?:[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:[Zz]|[+-]\d{2}:?\d{2})?)?$/;
const COMPACT = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

export function parseNumber(text: string): number | null {
  const t = text.trim();
  if (!NUMBER.test(t)) return null;
  return Number(t);
}

/** Milliseconds since the epoch, or null when the text is not a date IAM understands. */
export function parseDate(text: string): number | null {
  const t = text.trim();
  if (EPOCH.test(t)) return Number(t) * 1000;
  const c = COMPACT.exec(t);
  if (c !== null) return Date.UTC(+c[1], +c[2] - 1, +c[3], +c[4], +c[5], +c[6]);
  if (!ISO_DATE.test(t)) return null;
  let iso = t.replace(' ', 'T');
  // A date-time without an offset is UTC in IAM, not the host's local time.
  if (iso.includes('T') && !/(?:[Zz]|[+-]\d{2}:?\d{2})$/.test(iso)) iso += 'Z';
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : ms;
}

/** Decoded bytes of base64 text (BinaryEquals), or null when it is not base64. */
export function decodeBase64(text: string): string | null {
  const t = text.trim();
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(t) || t.length % 4 === 1) return null;
  try {
    return atob(t);
  } catch {
    return null;
  }
}

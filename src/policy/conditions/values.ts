/**
 * Typed readings of condition values. Numbers: integers and decimals, given as JSON numbers or
 * strings (Numeric condition operators). Dates: ISO 8601 or epoch seconds (Date condition
 * operators: "one of the W3C implementations of the ISO 8601 date formats ... or in epoch (UNIX)
 * time"). The W3C profile's forms are YYYY-MM, YYYY-MM-DD and a date with hh:mm, hh:mm:ss or
 * hh:mm:ss.s; a bare YYYY reads as epoch seconds, as every other string of digits does.
 */
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const EPOCH = /^[+-]?\d+(?:\.\d+)?$/;
const ISO_DATE =
  /^\d{4}-\d{2}-\d{2}(?:[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:[Zz]|[+-]\d{2}:?\d{2})?)?$/;
const YEAR_MONTH = /^(\d{4})-(\d{2})$/;
const COMPACT = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

export function parseNumber(text: string): number | null {
  const t = text.trim();
  if (!NUMBER.test(t)) return null;
  return Number(t);
}

/** Milliseconds since the epoch, or null when the text is not a date IAM understands. */
export function parseDate(text: string): number | null {
  const t = text.trim();
  const utc = parseUtcSeconds(t);
  if (utc !== null) return utc;
  if (EPOCH.test(t)) return Number(t) * 1000;
  const c = COMPACT.exec(t);
  if (c !== null) return Date.UTC(+c[1], +c[2] - 1, +c[3], +c[4], +c[5], +c[6]);
  const month = YEAR_MONTH.exec(t);
  if (month !== null) {
    const m = Number(month[2]);
    return m >= 1 && m <= 12 ? Date.UTC(Number(month[1]), m - 1, 1) : null;
  }
  if (!ISO_DATE.test(t)) return null;
  let iso = t.replace(' ', 'T');
  // A date-time without an offset is UTC in IAM, not the host's local time.
  if (iso.includes('T') && !/(?:[Zz]|[+-]\d{2}:?\d{2})$/.test(iso)) iso += 'Z';
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : ms;
}

/**
 * `YYYY-MM-DDThh:mm:ssZ`, the form aws:CurrentTime takes, read digit by digit since a decision
 * may compare it many times. Null for any other form, and for fields (years before 1000, days
 * past the 28th) whose reading is left to the general path.
 */
function parseUtcSeconds(t: string): number | null {
  if (
    t.length !== 20 ||
    t.charCodeAt(4) !== 0x2d ||
    t.charCodeAt(7) !== 0x2d ||
    t.charCodeAt(10) !== 0x54 ||
    t.charCodeAt(13) !== 0x3a ||
    t.charCodeAt(16) !== 0x3a ||
    t.charCodeAt(19) !== 0x5a
  ) {
    return null;
  }
  const year = digits(t, 0, 4);
  const month = digits(t, 5, 2);
  const day = digits(t, 8, 2);
  const hour = digits(t, 11, 2);
  const minute = digits(t, 14, 2);
  const second = digits(t, 17, 2);
  if (
    year < 1000 ||
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > 28 ||
    hour < 0 ||
    hour > 23 ||
    minute < 0 ||
    minute > 59 ||
    second < 0 ||
    second > 59
  ) {
    return null;
  }
  return Date.UTC(year, month - 1, day, hour, minute, second);
}

/** The number written by `count` ASCII digits at `at`, or -1. */
function digits(t: string, at: number, count: number): number {
  let n = 0;
  for (let i = at; i < at + count; i++) {
    const c = t.charCodeAt(i) - 0x30;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
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

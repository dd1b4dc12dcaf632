/**
 * Wildcard matching for Action, Resource, StringLike and ArnLike: `*` is any run of characters
 * (empty included) and `?` exactly one (IAM JSON policy elements: Action / Resource; String
 * condition operators). Compiled once: most patterns are exact, prefix or suffix tests.
 */
export type Glob = (s: string) => boolean;

const cache = new Map<string, Glob>();

export function compileGlob(pattern: string): Glob {
  let g = cache.get(pattern);
  if (g === undefined) {
    g = build(pattern);
    if (cache.size > 10_000) cache.clear();
    cache.set(pattern, g);
  }
  return g;
}

function build(p: string): Glob {
  if (p === '*') return () => true;
  const star = p.indexOf('*');
  const q = p.indexOf('?');
  if (star === -1 && q === -1) return (s) => s === p;
  if (q === -1) {
    const last = p.lastIndexOf('*');
    if (star === last) {
      if (star === p.length - 1) {
        const prefix = p.slice(0, -1);
        return (s) => s.startsWith(prefix);
      }
      if (star === 0) {
        const suffix = p.slice(1);
        return (s) => s.endsWith(suffix);
      }
      const prefix = p.slice(0, star);
      const suffix = p.slice(star + 1);
      const min = prefix.length + suffix.length;
      return (s) => s.length >= min && s.startsWith(prefix) && s.endsWith(suffix);
    }
  }
  if (q === -1) return chunks(p.split('*'));
  return (s) => matchWild(p, null, s);
}

/**
 * Star-only patterns as literal chunks: the first is a prefix, the last a suffix, and the middle
 * ones are found left to right (the leftmost occurrence never rules out a match).
 */
function chunks(parts: string[]): Glob {
  const first = parts[0];
  const last = parts[parts.length - 1];
  const middle = parts.slice(1, -1).filter((c) => c !== '');
  const min = parts.reduce((n, c) => n + c.length, 0);
  return (s) => {
    if (s.length < min || !s.startsWith(first) || !s.endsWith(last)) return false;
    let at = first.length;
    const end = s.length - last.length;
    for (const c of middle) {
      const i = s.indexOf(c, at);
      if (i === -1 || i + c.length > end) return false;
      at = i + c.length;
    }
    return true;
  };
}

/**
 * Greedy matcher with backtracking to the last star. `literal`, when given, marks characters of
 * `p` that are literal even if they are `*` or `?` (text substituted from policy variables).
 */
export function matchWild(p: string, literal: Uint8Array | null, s: string): boolean {
  let pi = 0;
  let si = 0;
  let starP = -1;
  let starS = 0;
  const pn = p.length;
  const sn = s.length;
  while (si < sn) {
    if (pi < pn) {
      const c = p.charCodeAt(pi);
      const lit = literal !== null && literal[pi] === 1;
      if (c === 0x2a && !lit) {
        starP = pi++;
        starS = si;
        continue;
      }
      if ((c === 0x3f && !lit) || c === s.charCodeAt(si)) {
        pi++;
        si++;
        continue;
      }
    }
    if (starP !== -1) {
      pi = starP + 1;
      si = ++starS;
      continue;
    }
    return false;
  }
  while (pi < pn && p.charCodeAt(pi) === 0x2a && (literal === null || literal[pi] !== 1)) pi++;
  return pi === pn;
}

import { charge } from './budget.ts';
import { ByteBoundedCache } from './byte-cache.ts';

/**
 * Wildcard matching for Action, Resource, StringLike and ArnLike: `*` is any run of characters
 * (empty included) and `?` exactly one (IAM JSON policy elements: Action / Resource; String
 * condition operators). Compiled once: most patterns are exact, prefix or suffix tests.
 */
export type Glob = (s: string) => boolean;

/*
 * Every match charges the running request's WorkBudget (budget.ts) for the work it does: about one
 * unit per character compared, per backtracking step, or per word of the bit-parallel matcher, and
 * at least one per call, so neither long operands nor many short pairs escape the bound.
 */

/**
 * Compiled patterns, shared by every policy set of the isolate, bounded in bytes (the pattern text
 * the closure keeps, twice over for its slices, and a closure's overhead): requests cannot grow it
 * past GLOB_CACHE_BYTES whatever their patterns (docs/security.md).
 */
export const GLOB_CACHE_BYTES = 2 * 1024 * 1024;
const cache = new ByteBoundedCache<Glob>(GLOB_CACHE_BYTES);

export function compileGlob(pattern: string): Glob {
  let g = cache.peek(pattern);
  if (g === undefined) {
    g = build(pattern);
    cache.set(pattern, g, pattern.length * 4 + 128);
  }
  return g;
}

function build(p: string): Glob {
  if (p === '*') {
    return () => {
      charge(1);
      return true;
    };
  }
  const star = p.indexOf('*');
  const q = p.indexOf('?');
  const cost = 4 + (p.length >> 4);
  if (star === -1 && q === -1) {
    return (s) => {
      charge(cost);
      return s === p;
    };
  }
  if (q === -1) {
    const last = p.lastIndexOf('*');
    if (star === last) {
      if (star === p.length - 1) {
        const prefix = p.slice(0, -1);
        return (s) => {
          charge(cost);
          return s.startsWith(prefix);
        };
      }
      if (star === 0) {
        const suffix = p.slice(1);
        return (s) => {
          charge(cost);
          return s.endsWith(suffix);
        };
      }
      const prefix = p.slice(0, star);
      const suffix = p.slice(star + 1);
      const min = prefix.length + suffix.length;
      return (s) => {
        charge(cost);
        return s.length >= min && s.startsWith(prefix) && s.endsWith(suffix);
      };
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
  const cost = 4 + (min >> 4);
  return (s) => {
    // indexOf scans the text once per middle chunk, at worst.
    charge(cost + ((s.length * middle.length) >> 2));
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
  // Backtracking costs up to pattern x text steps on hostile input (`*?aaaa...b`): long pairs go to
  // the bit-parallel matcher, whose cost is bounded by (pattern / 32) x text.
  if (p.length * s.length > BACKTRACK_LIMIT) return matchBits(p, literal, s);
  const matched = backtrack(p, literal, s);
  // A backtracking step costs about four units; a call, eight.
  charge(8 + 4 * matched.steps);
  return matched.ok;
}

const result = { ok: false, steps: 0 };

/** The backtracking matcher proper; `steps` counts its iterations (at most pattern x text). */
function backtrack(p: string, literal: Uint8Array | null, s: string): typeof result {
  let steps = 1;
  let pi = 0;
  let si = 0;
  let starP = -1;
  let starS = 0;
  const pn = p.length;
  const sn = s.length;
  while (si < sn) {
    steps++;
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
    result.ok = false;
    result.steps = steps;
    return result;
  }
  while (pi < pn && p.charCodeAt(pi) === 0x2a && (literal === null || literal[pi] !== 1)) pi++;
  result.ok = pi === pn;
  result.steps = steps + (pn - pi);
  return result;
}

const BACKTRACK_LIMIT = 1 << 14;
const STAR = -1;
const ANY = -2;

/**
 * The same language as matchWild, as a bit-parallel NFA: state i means "the first i pattern items
 * are matched"; a character advances the states whose item accepts it and keeps the states sitting
 * on a star; a star also lets the state after it hold at once (it may match nothing).
 */
function matchBits(p: string, literal: Uint8Array | null, s: string): boolean {
  const items: number[] = [];
  for (let i = 0; i < p.length; i++) {
    const c = p.charCodeAt(i);
    const lit = literal !== null && literal[i] === 1;
    if (c === 0x2a && !lit) {
      if (items[items.length - 1] !== STAR) items.push(STAR);
    } else items.push(c === 0x3f && !lit ? ANY : c);
  }
  const m = items.length;
  const words = (m >> 5) + 1;
  // Per text character: a mask lookup (a Map probe) and a pass over the state words.
  charge(p.length + s.length * (16 + 4 * words));
  const star = new Uint32Array(words);
  const single = new Uint32Array(words);
  for (let i = 0; i < m; i++) {
    if (items[i] === STAR) star[i >> 5] |= 1 << (i & 31);
    else if (items[i] === ANY) single[i >> 5] |= 1 << (i & 31);
  }
  const masks = new Map<number, Uint32Array>();
  const maskFor = (c: number): Uint32Array => {
    let mask = masks.get(c);
    if (mask === undefined) {
      charge(2 * m);
      mask = single.slice();
      for (let i = 0; i < m; i++) if (items[i] === c) mask[i >> 5] |= 1 << (i & 31);
      masks.set(c, mask);
    }
    return mask;
  };
  const close = (v: Uint32Array): void => {
    let carry = 0;
    for (let w = 0; w < words; w++) {
      const on = v[w] & star[w];
      v[w] |= (on << 1) | carry;
      carry = on >>> 31;
    }
  };
  let state = new Uint32Array(words);
  let next = new Uint32Array(words);
  state[0] = 1;
  close(state);
  for (let j = 0; j < s.length; j++) {
    const mask = maskFor(s.charCodeAt(j));
    let carry = 0;
    let alive = 0;
    for (let w = 0; w < words; w++) {
      const advance = state[w] & mask[w];
      next[w] = (advance << 1) | carry | (state[w] & star[w]);
      carry = advance >>> 31;
      alive |= next[w];
    }
    if (alive === 0) return false;
    close(next);
    const t = state;
    state = next;
    next = t;
  }
  return (state[m >> 5] & (1 << (m & 31))) !== 0;
}

import { describe, expect, it } from 'vitest';
import { compileGlob, matchWild } from '../../../src/policy/wildcard.ts';

describe('wildcards (* any run, ? one character)', () => {
  it.each([
    ['abc', 'abc', true],
    ['abc', 'abd', false],
    ['*', '', true],
    ['a*', 'a', true],
    ['a*', 'ba', false],
    ['*c', 'abc', true],
    ['a*c', 'ac', true],
    ['a*c', 'abcd', false],
    ['a*b*c', 'axxbyyc', true],
    ['a*b*c', 'axxcyyb', false],
    ['a*a', 'a', false],
    ['?', '', false],
    ['a?c', 'abc', true],
    ['a?c', 'ac', false],
    ['*?', 'x', true],
    ['a*?d', 'abcd', true],
    ['*/2026/*', 'logs/2026/x', true],
    ['*/2026/*', 'logs/2025/x', false],
  ])('%s against %s is %s', (pattern, text, want) => {
    expect(compileGlob(pattern)(text)).toBe(want);
    expect(matchWild(pattern, null, text)).toBe(want);
  });

  it('treats characters flagged literal as plain text', () => {
    const literal = Uint8Array.from([0, 1]);
    expect(matchWild('a*', literal, 'a*')).toBe(true);
    expect(matchWild('a*', literal, 'ab')).toBe(false);
  });
});

/** Dynamic programming over pattern x text: slow, obviously right, the reference for the matchers. */
function reference(p: string, s: string): boolean {
  let dp = Array.from({ length: s.length + 1 }, (_, j) => j === 0);
  for (const c of p) {
    const next = new Array<boolean>(s.length + 1).fill(false);
    if (c === '*') {
      let seen = false;
      for (let j = 0; j <= s.length; j++) next[j] = seen ||= dp[j];
    } else {
      for (let j = 1; j <= s.length; j++) next[j] = dp[j - 1] && (c === '?' || s[j - 1] === c);
    }
    dp = next;
  }
  return dp[s.length];
}

describe('wildcards on long and hostile input', () => {
  it('agrees with the reference on 3000 random long pattern/text pairs', () => {
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    for (let t = 0; t < 3000; t++) {
      const p = Array.from(
        { length: 1 + Math.floor(rnd() * 80) },
        () => 'ab*?'[Math.floor(rnd() * 4)],
      ).join('');
      const s = Array.from(
        { length: Math.floor(rnd() * 500) },
        () => 'ab'[Math.floor(rnd() * 2)],
      ).join('');
      expect(matchWild(p, null, s), `${p} / ${s.length}`).toBe(reference(p, s));
    }
  });

  it('matches a pathological pattern in bounded time (no pattern x text backtracking)', () => {
    const start = performance.now();
    expect(matchWild('*?' + 'a'.repeat(9000) + 'b', null, 'a'.repeat(100_000))).toBe(false);
    expect(matchWild('*' + 'a'.repeat(4000) + '?b', null, 'a'.repeat(4094) + 'xb')).toBe(true);
    expect(performance.now() - start).toBeLessThan(2000);
  });
});

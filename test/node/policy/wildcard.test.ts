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

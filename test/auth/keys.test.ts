import { describe, expect, it } from 'vitest';
import {
  accountFromAccessKeyId,
  accountFromUniqueId,
  newAccessKeyId,
  newSecretAccessKey,
  newUniqueId,
  timingSafeEqual,
} from '../../src/auth/keys.ts';

function randomAccount(): string {
  const n = crypto.getRandomValues(new Uint32Array(2));
  return String((n[0] * 2 ** 32 + n[1]) % 1e12).padStart(12, '0');
}

describe('access key ids', () => {
  it('decode the account of a published AWS example key (ASIAQNZGKIQY56JQ7WML)', () => {
    expect(accountFromAccessKeyId('ASIAQNZGKIQY56JQ7WML')).toBe('029608264753');
  });

  it('carry the account they were made for, for many random accounts', () => {
    const accounts = ['000000000000', '000000000001', '123456789012', '999999999999'];
    for (let i = 0; i < 200; i++) accounts.push(randomAccount());
    for (const account of accounts) {
      for (const prefix of ['AKIA', 'ASIA'] as const) {
        const id = newAccessKeyId(prefix, account);
        expect(id).toMatch(new RegExp(`^${prefix}[Q-Z2-7][A-Z2-7]{15}$`));
        expect(accountFromAccessKeyId(id)).toBe(account);
      }
    }
  });

  it('are random beyond the account', () => {
    const ids = new Set(Array.from({ length: 50 }, () => newAccessKeyId('AKIA', '123456789012')));
    expect(ids.size).toBe(50);
  });

  it.each([
    ['the documented example key, which predates account encoding', 'AKIAIOSFODNN7EXAMPLE'],
    ['a lowercase id', 'akiaqnzgkiqy56jq7wml'],
    ['a wrong prefix', 'AIDAQNZGKIQY56JQ7WML'],
    ['a short id', 'ASIAQNZGKIQY56JQ7WM'],
    ['characters outside base32', 'ASIAQNZGKIQY56JQ7W01'],
  ])('give no account for %s', (_name, id) => {
    expect(accountFromAccessKeyId(id)).toBeNull();
  });

  it('reject an account id that is not 12 digits', () => {
    expect(() => newAccessKeyId('AKIA', '12345')).toThrow();
  });
});

describe('unique ids', () => {
  it.each(['AIDA', 'AROA', 'ANPA', 'AGPA'] as const)(
    '%s ids are the prefix + 17 characters and carry the account',
    (prefix) => {
      const account = randomAccount();
      const id = newUniqueId(prefix, account);
      expect(id).toMatch(new RegExp(`^${prefix}[A-Z2-7]{17}$`));
      expect(accountFromUniqueId(id)).toBe(account);
    },
  );
});

describe('secret access keys', () => {
  it('are 40 base64 characters and unique', () => {
    const keys = Array.from({ length: 50 }, newSecretAccessKey);
    for (const k of keys) expect(k).toMatch(/^[A-Za-z0-9+/]{40}$/);
    expect(new Set(keys).size).toBe(50);
  });
});

describe('timingSafeEqual', () => {
  it.each([
    ['abc', 'abc', true],
    ['abc', 'abd', false],
    ['abc', 'ab', false],
    ['', '', true],
    ['ä', 'a', false],
  ])('%s vs %s is %s', (a, b, equal) => {
    expect(timingSafeEqual(a, b)).toBe(equal);
  });
});

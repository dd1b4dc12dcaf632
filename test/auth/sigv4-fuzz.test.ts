import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { canonicalQuery } from '../../src/auth/canonical.ts';
import { formPairs } from '../../src/protocol/form.ts';
import { DEMO_ADMIN, presignedQuery, signerEncoded } from '../helpers/aws.ts';

/**
 * Requests signed with hostile header lists and query encodings. Whatever the shape, the answer is
 * never a 5xx; a request is accepted only when what was signed decodes to exactly what the
 * operation reads; two spellings share a canonical query string only if they decode alike.
 */

/** A small deterministic generator (mulberry32), so a failure names a reproducible seed. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)],
    chance: (p: number) => next() < p,
  };
}
type Rng = ReturnType<typeof rng>;

const ALPHABET = [
  'a',
  'Z',
  '0',
  '-',
  '_',
  '.',
  '~',
  ' ',
  '+',
  '%',
  '&',
  '=',
  '/',
  '?',
  '#',
  '*',
  "'",
  '(',
  '"',
  ';',
  ',',
  'é',
  'ß',
  '€',
  '😀',
  '\t',
  '\n',
];

function text(r: Rng, max = 8): string {
  let s = '';
  for (let i = r.int(max + 1); i > 0; i--) s += r.pick(ALPHABET);
  return s;
}

const hex = (b: number, lower: boolean) => {
  const h = b.toString(16).padStart(2, '0');
  return `%${lower ? h : h.toUpperCase()}`;
};

/** One of the many spellings of `s` in a query string: %XY in either case, `+` for a space, or literal where that is unambiguous. */
function spell(r: Rng, s: string): string {
  let out = '';
  for (const ch of s) {
    const bytes = new TextEncoder().encode(ch);
    const unreserved = /^[A-Za-z0-9\-_.~]$/.test(ch);
    if (ch === ' ' && r.chance(0.5)) out += '+';
    else if (unreserved && r.chance(0.7)) out += ch;
    else out += [...bytes].map((b) => hex(b, r.chance(0.3))).join('');
  }
  return out;
}

function encode(r: Rng, pairs: [string, string][]): string {
  return pairs.map(([k, v]) => `${spell(r, k)}=${spell(r, v)}`).join('&');
}

const sorted = (pairs: [string, string][]) =>
  JSON.stringify([...pairs].sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : 1)));

/** Edits a raw query the way someone holding a presigned URL might. */
function mutate(r: Rng, raw: string): string {
  const edits = [
    (s: string) => s.replace(/%2B/i, '+'),
    (s: string) => s.replace(/%20/i, '+'),
    (s: string) => s.replace('+', '%2B'),
    (s: string) => s.replace('+', '%20'),
    (s: string) => s.replace(/%([0-9A-F]{2})/, (_m, h: string) => `%${h.toLowerCase()}`),
    (s: string) => s.replace(/%2[56]/i, '%'),
    (s: string) => s.replace('=', '%3D'),
    (s: string) => s.replace('&', '%26'),
    (s: string) => `${s}&`,
    (s: string) => s.replace(/%41/i, 'A'),
    (s: string) => {
      const i = r.int(s.length + 1);
      return s.slice(0, i) + r.pick(['%', '+', '&', '=', '%2', '%zz', '%C3']) + s.slice(i);
    },
  ];
  return r.pick(edits)(raw);
}

function decodes(raw: string): [string, string][] | 'refused' {
  try {
    return formPairs(raw);
  } catch {
    return 'refused';
  }
}

describe('query encodings', () => {
  it('every spelling decodes to the signed parameters, and only equal decodings share a canonical query', () => {
    for (let seed = 1; seed <= 3000; seed++) {
      const r = rng(seed);
      const pairs: [string, string][] = Array.from({ length: 1 + r.int(4) }, () => [
        text(r, 5) || 'k',
        text(r),
      ]);
      const raw = encode(r, pairs);
      const decoded = formPairs(raw);
      expect(sorted(decoded), `seed ${seed}: ${raw}`).toBe(sorted(pairs));
      const canonical = canonicalQuery(decoded);
      const other = decodes(mutate(r, raw));
      if (other === 'refused') continue;
      if (canonicalQuery(other) === canonical) {
        expect(sorted(other), `seed ${seed}: ${raw}`).toBe(sorted(decoded));
      }
    }
  });
});

async function presigned(query: Record<string, string>): Promise<string> {
  return signerEncoded(await presignedQuery({ service: 'sts', query, expiresIn: 300 }));
}

describe('presigned URLs with hostile query encodings', () => {
  it('an edited URL is accepted only when it decodes to what was signed, and is never a 5xx', async () => {
    for (let seed = 1; seed <= 60; seed++) {
      const r = rng(seed);
      const extra = { [`X-Fuzz-${seed}`]: text(r) || 'v' };
      const raw = await presigned({ Action: 'GetCallerIdentity', Version: '2011-06-15', ...extra });
      const edited = mutate(r, raw);
      const res = await exports.default.fetch(`http://127.0.0.1:8787/?${edited}`);
      await res.text();
      const same = decodes(edited);
      const signed = formPairs(raw);
      const expected =
        same !== 'refused' && sorted(same) === sorted(signed)
          ? [200]
          : same === 'refused'
            ? [400]
            : [400, 403];
      expect(expected, `seed ${seed}: ${edited} -> ${res.status}`).toContain(res.status);
    }
  });
});

const REAL = ['content-type', 'host', 'x-amz-date', 'x-amz-content-sha256', 'x-custom'];
const BOGUS = [
  'bad name',
  'Host',
  'X-Amz-Date',
  ':authority',
  ':method',
  '',
  '{x}',
  'a\tb',
  'x-absent',
  'content-type,host',
  'x'.repeat(300),
  '(host)',
  'host ',
];

describe('hostile SignedHeaders lists', () => {
  it('any list, with a signature that cannot match, is a 4xx, never a 5xx', async () => {
    const amzDate = new Date()
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d{3}/, '');
    for (let seed = 1; seed <= 120; seed++) {
      const r = rng(seed);
      const names: string[] = [];
      for (let i = 1 + r.int(6); i > 0; i--) names.push(r.pick(r.chance(0.5) ? REAL : BOGUS));
      if (r.chance(0.7)) names.push('host');
      if (r.chance(0.5)) names.sort();
      const signedHeaders = names.join(';');
      const body = 'Action=GetCallerIdentity&Version=2011-06-15';
      const headers = new Headers({
        'content-type': 'application/x-www-form-urlencoded',
        'x-amz-date': amzDate,
        'x-custom': text(r).replace(/[^\x20-\x7e]/g, ' ') || 'c',
      });
      const scope = `${amzDate.slice(0, 8)}/us-east-1/sts/aws4_request`;
      const signature = r.chance(0.5) ? '0'.repeat(64) : 'f'.repeat(r.int(80));
      headers.set(
        'authorization',
        `AWS4-HMAC-SHA256 Credential=${DEMO_ADMIN.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
      );
      const res = await exports.default.fetch(
        new Request('http://127.0.0.1:8787/', { method: 'POST', headers, body }),
      );
      const answer = await res.text();
      expect(res.status, `seed ${seed}: ${JSON.stringify(signedHeaders)} ${answer}`).toBeLessThan(
        500,
      );
      expect(res.status).not.toBe(200);
    }
  });
});

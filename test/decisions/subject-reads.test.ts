import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluateAll, MAX_SUBJECTS } from '../../src/decisions/evaluate.ts';
import { authenticatePep } from '../../src/decisions/pep.ts';
import { parseEvaluations } from '../../src/decisions/request.ts';
import { KvIamStore } from '../../src/store/kv.ts';
import { newAccessKeyId } from '../../src/auth/keys.ts';
import { DEMO_ADMIN, signedPostHeaders } from '../helpers/aws.ts';
import { ACCOUNT } from '../iam/helpers.ts';
import { s3, seedDemo } from './helpers.ts';

beforeAll(seedDemo, 60_000);

/** The local KV binding, counting the reads made through it. */
function countingKv(kv: KVNamespace): { kv: KVNamespace; reads: () => number } {
  let reads = 0;
  const counted = new Proxy(kv, {
    get(target, prop) {
      const value = Reflect.get(target, prop) as unknown;
      if (typeof value !== 'function') return value;
      if (prop === 'get' || prop === 'getWithMetadata' || prop === 'list') {
        return (...args: unknown[]) => {
          reads++;
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      }
      return (value as (...a: unknown[]) => unknown).bind(target);
    },
  });
  return { kv: counted, reads: () => reads };
}

async function adminPep(store: KvIamStore) {
  const url = new URL('http://127.0.0.1:8787/access/v1/evaluations');
  const body = '{}';
  const headers = await signedPostHeaders({
    url,
    body,
    headers: { host: url.host, 'content-type': 'application/json' },
    credentials: DEMO_ADMIN,
    service: 'iam',
  });
  const now = Date.now();
  return authenticatePep(
    env,
    store,
    {
      method: 'POST',
      url: url.href,
      headers: new Headers(headers),
      body: new TextEncoder().encode(body),
    },
    { requestId: 'r', now, sourceIp: '127.0.0.1', secureTransport: false },
  );
}

const run = Date.now().toString(36);
/** The i-th subject nothing stores: users, roles, account roots and long-term keys in turn. */
const unknownSubject = (i: number) => {
  const id = String(i).padStart(4, '0');
  switch (i % 4) {
    case 0:
      return { type: 'iam_principal', id: `arn:aws:iam::${ACCOUNT}:user/nobody-${run}-${i}` };
    case 1:
      return { type: 'iam_principal', id: `arn:aws:iam::${ACCOUNT}:role/nobody-${run}-${i}` };
    case 2:
      return { type: 'iam_principal', id: `arn:aws:iam::99999999${id}:root` };
    default:
      return {
        type: 'access_key',
        id: `AKIAZZZZZZZZZZZZ${id.replace(/\d/g, (d) => 'ABCDEFGHIJ'[+d]!)}`,
      };
  }
};

/** The SESSIONS namespace, counting the session shards (Durable Objects) reached through it. */
function countingSessions<T extends object>(
  ns: T,
): {
  ns: T;
  stubs: () => number;
} {
  let stubs = 0;
  const counted = new Proxy(ns, {
    get(target, prop) {
      const value = Reflect.get(target, prop) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (prop === 'get' || prop === 'getByName') stubs++;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { ns: counted, stubs: () => stubs };
}

async function readsFor(subjects: Array<{ type: string; id: string }>, kinds: 'sigv4' | 'bearer') {
  const counting = countingKv(env.IAM);
  const sessions = countingSessions(env.SESSIONS);
  const store = new KvIamStore(counting.kv);
  const pep =
    kinds === 'bearer' ? ({ kind: 'bearer', account: ACCOUNT } as const) : await adminPep(store);
  const request = parseEvaluations(
    {
      action: { name: 's3:GetObject' },
      resource: s3('x'),
      evaluations: subjects.map((subject) => ({ subject })),
    },
    true,
  );
  const before = counting.reads();
  const { answers } = await evaluateAll(
    { ...env, SESSIONS: sessions.ns },
    store,
    pep,
    request,
    Date.now(),
  );
  return { reads: counting.reads() - before, shards: sessions.stubs(), answers };
}

/**
 * A batch names at most MAX_SUBJECTS distinct subjects and resolves each once, so 500 items naming
 * subjects nothing stores (each read misses, and misses are not cached across requests) cost at most
 * one read per distinct subject, never one per item.
 */
describe('storage reads of one AuthZEN batch', () => {
  it.each(['sigv4', 'bearer'] as const)('%s: 500 distinct unknown subjects', async (kind) => {
    const { reads, answers } = await readsFor(
      Array.from({ length: 500 }, (_, i) => unknownSubject(i)),
      kind,
    );
    expect(answers).toHaveLength(500);
    expect(reads).toBeLessThanOrEqual(MAX_SUBJECTS);
    expect(reads).toBeGreaterThan(0);
  });
  it.each(['sigv4', 'bearer'] as const)('%s: one unknown subject in 500 items', async (kind) => {
    const one = unknownSubject(0);
    const { reads, answers } = await readsFor(
      Array.from({ length: 500 }, () => one),
      kind,
    );
    expect(answers).toHaveLength(500);
    expect(reads).toBe(1);
  });

  // Refused whatever they name, so nothing is read for them: before, each was looked up first (a
  // KV read, or a call waking a session shard of the other account) and then refused.
  it.each(['sigv4', 'bearer'] as const)('%s: subjects of other accounts', async (kind) => {
    const other = (i: number) => `21098765${String(4000 + i)}`;
    const subjects = Array.from({ length: 24 }, (_, i) => {
      switch (i % 4) {
        case 0:
          return { type: 'iam_principal', id: `arn:aws:iam::${other(i)}:user/u${run}` };
        case 1:
          return { type: 'iam_principal', id: `arn:aws:iam::${other(i)}:role/r${run}` };
        case 2:
          return { type: 'iam_principal', id: `arn:aws:iam::${other(i)}:root` };
        default:
          return { type: 'access_key', id: newAccessKeyId('ASIA', other(i)) };
      }
    });
    const { reads, shards, answers } = await readsFor(subjects, kind);
    expect(answers.map((a) => a.context.error?.status)).toEqual(subjects.map(() => 403));
    expect(answers[0]!.context.error?.message).toMatch(
      /^The subject belongs to account 2109876540/,
    );
    expect({ reads, shards }).toEqual({ reads: 0, shards: 0 });
  });
});

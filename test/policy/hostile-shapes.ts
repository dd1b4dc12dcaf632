/**
 * POST /v1/simulate bodies built to cost the evaluator as much CPU as the body limit allows, one
 * per way of multiplying work (patterns x values, many keys, long resources, CIDR lists, policy
 * variables, ARN patterns). Each fits in SIMULATE_BODY_LIMIT. Shared by the CPU-bound test
 * (test/node/policy/cpu-bound.test.ts) and the benchmark (test/bench/hostile.ts).
 */
import type { ContextValue, DecisionRequest, PolicySet } from '../../src/policy/index.ts';

export interface HostileShape {
  name: string;
  body: { request: DecisionRequest; policies: PolicySet };
}

const LIMIT = 128 * 1024;
const PRINCIPAL = 'arn:aws:iam::111122223333:user/alice';

/** Per-document size the evaluator accepts for an identity policy (PolicySize, whitespace aside). */
const DOC = 10000;

/** One identity policy per chunk of condition values, each document within the PolicySize quota. */
function identity(
  values: string[],
  statement: (chunk: string[], doc: number) => object,
): PolicySet {
  const docs: object[] = [];
  let chunk: string[] = [];
  let size = 0;
  for (const v of values) {
    if (size + v.length + 3 > DOC - 300 && chunk.length > 0) {
      docs.push({ Version: '2012-10-17', Statement: [statement(chunk, docs.length)] });
      chunk = [];
      size = 0;
    }
    chunk.push(v);
    size += JSON.stringify(v).length + 1;
  }
  if (chunk.length > 0) {
    docs.push({ Version: '2012-10-17', Statement: [statement(chunk, docs.length)] });
  }
  return { identity: docs };
}

const allow = (condition?: object, resource: string | string[] = '*') => ({
  Effect: 'Allow',
  Action: 's3:GetObject',
  Resource: resource,
  ...(condition ? { Condition: condition } : {}),
});

/** n copies of f(i) such that their JSON stays within `bytes`. */
function fill<T>(bytes: number, f: (i: number) => T): T[] {
  const out: T[] = [];
  let used = 2;
  for (let i = 0; ; i++) {
    const item = f(i);
    const size = JSON.stringify(item).length + 1;
    if (used + size > bytes) return out;
    used += size;
    out.push(item);
  }
}

const request = (context?: Record<string, ContextValue>, resource = 'arn:aws:s3:::b/k') => ({
  principal: PRINCIPAL,
  action: 's3:GetObject',
  resource,
  ...(context ? { context } : {}),
});

/** Values no pattern below matches, so every pattern is tried against every value to its end. */
const value = (n: number) => 'b'.repeat(n);
const HALF = LIMIT / 2 - 2048;

export function hostileShapes(): HostileShape[] {
  const shapes: HostileShape[] = [];
  // Patterns x values: many short patterns, each scanned over every long value.
  shapes.push({
    name: 'many short StringLike patterns x long values',
    body: {
      request: request({ 's3:prefix': fill(HALF, () => value(4000)) }),
      policies: identity(
        fill(HALF, (i) => `*?${i}a`),
        (c) => allow({ StringLike: { 's3:prefix': c } }),
      ),
    },
  });
  // Long patterns (the bit-parallel path): a few long patterns with ? against long values.
  shapes.push({
    name: 'long StringLike patterns x long values',
    body: {
      request: request({ 's3:prefix': fill(HALF, () => value(4000)) }),
      policies: identity(
        fill(HALF, (i) => `*${'?*'.repeat(1000)}${i}a`),
        (c) => allow({ StringLike: { 's3:prefix': c } }),
      ),
    },
  });
  // The same through many keys: one condition per key, one long value per key.
  {
    const keys = Array.from({ length: 30 }, (_, i) => `k:key${i}`);
    const context: Record<string, ContextValue> = {};
    for (const k of keys) context[k] = value(Math.floor(HALF / keys.length) - 20);
    const patterns = fill(HALF, (i) => `*?${i}a`);
    shapes.push({
      name: 'many keys, each patterns x value',
      body: {
        request: request(context),
        policies: identity(patterns, (c, d) => allow({ StringLike: { [keys[d]]: c } })),
      },
    });
  }
  // Resource patterns against a long resource ARN.
  shapes.push({
    name: 'many Resource patterns x a long resource',
    body: {
      // The longest resource the evaluator accepts (2048 characters, as IAM's ResourceArns).
      request: request(undefined, `arn:aws:s3:::${value(2048 - 13)}`),
      policies: identity(
        fill(HALF, (i) => `arn:aws:s3:::*?${i}a`),
        (c) => allow(undefined, c),
      ),
    },
  });
  // ArnLike patterns against many long ARN values.
  shapes.push({
    name: 'ArnLike patterns x long ARN values',
    body: {
      request: request({ 'aws:SourceArn': fill(HALF, () => `arn:aws:s3:::${value(3900)}`) }),
      policies: identity(
        fill(HALF, (i) => `arn:aws:s3:::*?${i}a`),
        (c) => allow({ ArnLike: { 'aws:SourceArn': c } }),
      ),
    },
  });
  // Policy variables: every pattern holds a variable whose long value is substituted per request.
  shapes.push({
    name: 'StringLike with policy variables x long values',
    body: {
      request: request({
        'aws:PrincipalTag/t': value(4000),
        's3:prefix': fill(HALF - 8192, () => value(4000)),
      }),
      policies: identity(
        fill(HALF, (i) => `*?\${aws:PrincipalTag/t}${i}`),
        (c) => allow({ StringLike: { 's3:prefix': c } }),
      ),
    },
  });
  // One pattern made of a thousand variables, each substituted with a 4,000-character value: the
  // substituted text (4 MB per pattern) is charged before it is built, never after.
  const repeated = '${aws:PrincipalTag/t}'.repeat(450);
  const longTag = { 'aws:PrincipalTag/t': value(4000) };
  shapes.push({
    name: 'a variable repeated in StringLike patterns',
    body: {
      request: request({ ...longTag, 's3:prefix': value(4000) }),
      policies: identity(
        Array.from({ length: 12 }, () => repeated),
        (c) => allow({ StringLike: { 's3:prefix': c } }),
      ),
    },
  });
  shapes.push({
    name: 'a variable repeated in Resource patterns',
    body: {
      request: request(longTag),
      policies: identity(
        Array.from({ length: 12 }, (_, i) => `arn:aws:s3:::${i}${repeated}`),
        (c) => allow(undefined, c),
      ),
    },
  });
  shapes.push({
    name: 'a variable repeated in StringEquals values',
    body: {
      request: request({ ...longTag, 's3:prefix': value(4000) }),
      policies: identity(
        Array.from({ length: 12 }, () => repeated),
        (c) => allow({ StringEquals: { 's3:prefix': c } }),
      ),
    },
  });
  // `${` that no `}` closes, in Resource and StringLike: finding the variables of a text must be one
  // pass, not a search that starts again at every `${` and scans to the end (quadratic: 12
  // documents of 5,000 took a second of CPU in Node).
  const unclosed = '${'.repeat(4800);
  shapes.push({
    name: 'policy variables never closed',
    body: {
      request: request({ 's3:prefix': value(100) }),
      policies: identity(
        Array.from({ length: 12 }, (_, i) => `arn:aws:s3:::b/${i}${unclosed}`),
        (c, d) => (d % 2 === 0 ? allow(undefined, c) : allow({ StringLike: { 's3:prefix': c } })),
      ),
    },
  });
  // CIDR lists against many addresses: cheap pairs, but many of them.
  shapes.push({
    name: 'IpAddress CIDRs x many addresses',
    body: {
      request: request({
        'aws:SourceIp': fill(HALF, (i) => `10.${(i >> 8) & 255}.${i & 255}.1`).slice(0, 256),
      }),
      policies: identity(
        fill(HALF * 2 - 8192, (i) => `192.0.${i & 255}.0/24`),
        (c) => allow({ IpAddress: { 'aws:SourceIp': c } }),
      ),
    },
  });
  // Many statements, each with its own small condition, all evaluated.
  {
    const statements = fill(LIMIT - 24576, (i) =>
      allow({ StringLike: { 's3:prefix': [`*?${i}`] } }),
    );
    const docs: object[] = [];
    for (let i = 0; i < statements.length; i += 80) {
      docs.push({ Version: '2012-10-17', Statement: statements.slice(i, i + 80) });
    }
    shapes.push({
      name: 'many statements x values',
      body: {
        request: request({ 's3:prefix': fill(16384, () => value(60)) }),
        policies: { identity: docs },
      },
    });
  }
  return shapes;
}

export const BODY_LIMIT = LIMIT;

import type { ContextValue, DecisionRequest } from '../../src/policy/index.ts';
import type { Workload } from './workloads.ts';

/** Distinct requests per workload: a decision cached by request could not answer from memory. */
export const DISTINCT = 1000;

/** Actions a request may ask for instead of its own (the same service first). */
const SIBLINGS: Record<string, string[]> = {
  's3:GetObject': [
    's3:GetObject',
    's3:GetObject',
    's3:ListBucket',
    's3:PutObject',
    's3:DeleteObject',
  ],
};

function variantResource(resource: string, i: number): string {
  const s3 = /^arn:aws:s3:::([^/]+)\/(.*)$/.exec(resource);
  if (s3 === null) return `${resource}-${i}`;
  const [, bucket, key] = s3;
  const dir = key!.includes('/') ? key!.slice(0, key!.lastIndexOf('/')) : key!;
  // Every fifth request names another bucket (most policies do not cover it).
  return i % 5 === 4
    ? `arn:aws:s3:::other-${bucket}-${i % 17}/${dir}/${i}.csv`
    : `arn:aws:s3:::${bucket}/${dir}/${i}.csv`;
}

/** Bucket-level actions name the bucket, not an object (Service Authorization Reference, S3). */
function onBucket(action: string, resource: string): string {
  return action === 's3:ListBucket'
    ? resource.replace(/^(arn:aws:s3:::[^/]+)\/.*$/, '$1')
    : resource;
}

function variantValue(key: string, value: ContextValue, i: number): ContextValue {
  if (typeof value !== 'string') return value;
  if (/^\d+\.\d+\.\d+\.\d+$/.test(value)) {
    // Inside the original /24 mostly, outside every seventh time.
    const [a, b, c] = value.split('.');
    return i % 7 === 6 ? `198.51.${i % 256}.${(i * 7) % 256}` : `${a}.${b}.${c}.${i % 256}`;
  }
  if (/^\d{4}-\d\d-\d\dT/.test(value)) {
    const t = Date.parse(value) + (i % 500) * 60_000;
    // Every eleventh request is a year later (past DateLessThan bounds).
    return new Date(i % 11 === 10 ? t + 365 * 86_400_000 : t)
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z');
  }
  if (/^\d+$/.test(value)) return String(Number(value) + (i % 13) * 300);
  if (value === 'true' || value === 'false') return i % 9 === 8 ? 'false' : value;
  // Tag-like strings: kept, extended, or replaced.
  return i % 13 === 12 ? `other-${i % 29}` : i % 2 === 0 ? value : `${value}-${i % 31}`;
}

/** DISTINCT requests derived from the workload's first: principals, actions, resources and context vary. */
export function distinctRequests(w: Workload, n = DISTINCT): DecisionRequest[] {
  const base = w.requests[0]!;
  const out: DecisionRequest[] = [];
  const seen = new Set<string>();
  for (let i = 0; out.length < n; i++) {
    const account = base.principal.split(':')[4];
    const actions = SIBLINGS[base.action] ?? [base.action];
    const context: Record<string, ContextValue> = {};
    for (const [k, v] of Object.entries(base.context ?? {})) context[k] = variantValue(k, v, i);
    const request: DecisionRequest = {
      ...base,
      principal: `arn:aws:iam::${account}:user/user-${i % 41}`,
      action: actions[i % actions.length]!,
      resource: onBucket(actions[i % actions.length]!, variantResource(base.resource, i)),
      ...(base.context === undefined ? {} : { context }),
    };
    const key = JSON.stringify(request);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(request);
  }
  return out;
}

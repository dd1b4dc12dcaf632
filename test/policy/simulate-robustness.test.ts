import { exports } from 'cloudflare:workers';
import { expect, it } from 'vitest';

/** Deterministic pseudo-random JSON, biased towards the shapes a policy document has. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const WORDS = [
  'Allow',
  'Deny',
  '*',
  's3:GetObject',
  's3:*',
  'arn:aws:s3:::b/*',
  '2012-10-17',
  '2008-10-17',
  'aws:SourceIp',
  'StringEquals',
  'ForAllValues:StringLike',
  'DateLessThan',
  'IpAddress',
  'Null',
  'Bool',
  'NumericLessThan',
  '10.0.0.0/8',
  '::1/128',
  'not-a-date',
  '${aws:username}',
  '${',
  'Principal',
  'Statement',
  'Effect',
  'Action',
  'Resource',
  'NotAction',
  'NotResource',
  'Condition',
  'Sid',
  'Version',
  'AWS',
  'Service',
  'Federated',
  'arn:aws:iam::111122223333:root',
  '111122223333',
  '',
  'ArnLike',
  'BinaryEquals',
  'StringNotEqualsIfExists',
];

function value(r: () => number, depth: number): unknown {
  const k = r();
  if (depth <= 0 || k < 0.35) {
    const t = r();
    if (t < 0.6) return WORDS[Math.floor(r() * WORDS.length)];
    if (t < 0.75) return Math.floor(r() * 2000) - 1000;
    if (t < 0.85) return r() < 0.5;
    return null;
  }
  if (k < 0.6) return Array.from({ length: Math.floor(r() * 4) }, () => value(r, depth - 1));
  const o: Record<string, unknown> = {};
  for (let i = Math.floor(r() * 5); i > 0; i--)
    o[WORDS[Math.floor(r() * WORDS.length)]!] = value(r, depth - 1);
  return o;
}

function statementish(r: () => number): unknown {
  const st: Record<string, unknown> = {
    Effect: r() < 0.5 ? 'Allow' : 'Deny',
    Action: value(r, 1),
    Resource: value(r, 1),
  };
  if (r() < 0.6) st.Condition = { [WORDS[9 + Math.floor(r() * 8)]!]: { [WORDS[8]!]: value(r, 1) } };
  if (r() < 0.2) st.Principal = value(r, 2);
  return st;
}

it('POST /v1/simulate answers 200 or a 4xx JSON error for 400 random documents, never a 500', async () => {
  const r = rng(20261128);
  for (let i = 0; i < 400; i++) {
    const doc =
      r() < 0.7
        ? { Version: '2012-10-17', Statement: [statementish(r), statementish(r)] }
        : value(r, 4);
    const body = {
      request:
        r() < 0.9
          ? {
              principal: 'arn:aws:iam::111122223333:user/alice',
              action: 's3:GetObject',
              resource: 'arn:aws:s3:::b/k',
              context: r() < 0.5 ? value(r, 2) : { 'aws:SourceIp': '10.1.2.3' },
            }
          : value(r, 3),
      policies:
        r() < 0.85
          ? {
              identity: [doc],
              resource: r() < 0.3 ? doc : undefined,
              scp: r() < 0.2 ? [doc] : undefined,
            }
          : value(r, 3),
    };
    const res = await exports.default.fetch('http://x/v1/simulate', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    expect(res.status, `${JSON.stringify(body).slice(0, 400)}\n${text}`).toBeLessThan(500);
    const json = JSON.parse(text) as { decision?: string; error?: { code: string } };
    if (res.status === 200)
      expect(['allowed', 'explicitDeny', 'implicitDeny']).toContain(json.decision);
    else expect(json.error?.code).toBeTruthy();
  }
});

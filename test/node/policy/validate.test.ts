import { describe, expect, it } from 'vitest';
import { PolicyError, policySize, validatePolicy } from '../../../src/policy/index.ts';
import type { PolicyKind } from '../../../src/policy/index.ts';

const allow = { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' };
const trust = {
  Effect: 'Allow',
  Principal: { Service: 'ec2.amazonaws.com' },
  Action: 'sts:AssumeRole',
};
const doc = (...Statement: object[]) => ({ Version: '2012-10-17', Statement });

function errorOf(fn: () => unknown): PolicyError {
  try {
    fn();
  } catch (e) {
    if (e instanceof PolicyError) return e;
    throw e;
  }
  throw new Error('no error');
}

describe('validatePolicy per kind, worded like IAM', () => {
  it.each<[string, object | string, PolicyKind, string]>([
    [
      'principal in identity',
      doc({ ...allow, Principal: '*' }),
      'identity',
      'Policy document should not specify a principal.',
    ],
    [
      'principal in a boundary',
      doc({ ...allow, Principal: '*' }),
      'boundary',
      'Policy document should not specify a principal.',
    ],
    [
      'principal in a session policy',
      doc({ ...allow, Principal: '*' }),
      'session',
      'Policy document should not specify a principal.',
    ],
    [
      'principal in an SCP',
      doc({ ...allow, Principal: '*' }),
      'scp',
      'Policy document should not specify a principal.',
    ],
    [
      'no principal in a trust policy',
      doc({ Effect: 'Allow', Action: 'sts:AssumeRole' }),
      'trust',
      'Missing required field Principal',
    ],
    [
      'Resource in a trust policy',
      doc({ ...trust, Resource: '*' }),
      'trust',
      'Has prohibited field Resource',
    ],
    [
      'no principal in a resource policy',
      doc(allow),
      'resource',
      'Missing required field Principal',
    ],
    [
      'bad version',
      { Version: '2020-01-01', Statement: [allow] },
      'identity',
      'The policy must contain a valid version string',
    ],
    [
      'no actions',
      doc({ Effect: 'Allow', Resource: '*' }),
      'identity',
      'Policy statement must contain actions.',
    ],
    [
      'no resources',
      doc({ Effect: 'Allow', Action: 's3:*' }),
      'identity',
      'Policy statement must contain resources.',
    ],
    [
      'sid with a dash',
      doc({ ...allow, Sid: 'a-b' }),
      'identity',
      'Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*',
    ],
    [
      'duplicate sid',
      doc({ ...allow, Sid: 'A' }, { ...allow, Sid: 'A' }),
      'identity',
      'Statement IDs (SID) in a single policy must be unique.',
    ],
    [
      'vendorless action',
      doc({ ...allow, Action: 'GetObject' }),
      'identity',
      'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.',
    ],
    [
      'two colons',
      doc({ ...allow, Action: 's3:a:b' }),
      'identity',
      'Actions/Condition can contain only one colon.',
    ],
    [
      'wildcard vendor',
      doc({ ...allow, Action: '*:GetObject' }),
      'identity',
      'Action vendors (e.g., aws, ec2, etc.) must not contain wildcards.',
    ],
    [
      'bad principal',
      doc({ ...trust, Principal: { AWS: 'arn:aws:iam::111122223333:user/*' } }),
      'trust',
      'Invalid principal in policy: "AWS":"arn:aws:iam::111122223333:user/*"',
    ],
    [
      'bad condition operator',
      doc({ ...allow, Condition: { StringEqual: { 'aws:username': 'a' } } }),
      'identity',
      'Invalid Condition type : StringEqual',
    ],
    [
      'duplicate keys',
      '{"Statement":[{"Effect":"Allow","Action":"s3:*","Action":"ec2:*","Resource":"*"}]}',
      'identity',
      'Syntax errors in policy.',
    ],
  ])('%s', (_name, input, kind, message) => {
    const e = errorOf(() => validatePolicy(input, kind));
    expect(e.code).toBe('MalformedPolicyDocument');
    expect(e.message).toBe(message);
  });

  it('accepts each kind in its own grammar and normalizes single values to arrays', () => {
    expect(validatePolicy(doc(allow), 'identity').Statement[0].Action).toEqual(['s3:GetObject']);
    expect(validatePolicy(doc(trust), 'trust').Statement[0].Principal).toEqual({
      Service: ['ec2.amazonaws.com'],
    });
    expect(
      validatePolicy(doc({ ...allow, Principal: { AWS: '111122223333' } }), 'resource').Statement[0]
        .Principal,
    ).toEqual({ AWS: ['111122223333'] });
  });

  it('applies size limits per kind with LimitExceeded, not counting whitespace', () => {
    const resources = Array.from({ length: 80 }, (_, i) => `arn:aws:s3:::bucket-${i}/*`);
    const big = doc({ ...allow, Resource: resources });
    expect(validatePolicy(big, 'identity').Statement[0].Resource).toEqual(resources);
    const e = errorOf(() => validatePolicy(big, 'session'));
    expect(e.code).toBe('LimitExceeded');
    expect(e.message).toBe('Cannot exceed quota for PolicySize: 2048');
    expect(errorOf(() => validatePolicy(doc(trust), 'trust', { sizeLimit: 50 })).code).toBe(
      'LimitExceeded',
    );
    const spaced = JSON.stringify(big, null, 8);
    expect(policySize(spaced)).toBe(policySize(JSON.stringify(big)));
  });

  it('counts whitespace inside strings', () => {
    expect(policySize('{ "a" : "x y" }')).toBe('{"a":"x y"}'.length);
  });
});

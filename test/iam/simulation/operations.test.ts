import { describe, expect, it } from 'vitest';
import { ACCOUNT, doc, fails, ok, TRUST_EC2, unique, xmlAll, xmlText } from '../helpers.ts';

const members = (xml: string) =>
  xmlText(xml, 'EvaluationResults')!.split('</member><member><EvalActionName>');
/** The answer without its ResourceSpecificResults sections: the EvaluationResults' own elements. */
const topLevel = (xml: string) =>
  xml.replace(/<ResourceSpecificResults>.*?<\/ResourceSpecificResults>/gs, '');

describe('SimulateCustomPolicy', () => {
  const policy = doc([
    {
      Sid: 'ReadReports',
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: 'arn:aws:s3:::reports/*',
    },
    { Effect: 'Deny', Action: 's3:DeleteObject', Resource: '*' },
  ]);

  const cases: Array<[string, string, string]> = [
    ['s3:GetObject', 'arn:aws:s3:::reports/q3.csv', 'allowed'],
    ['s3:GetObject', 'arn:aws:s3:::other/q3.csv', 'implicitDeny'],
    ['s3:DeleteObject', 'arn:aws:s3:::reports/q3.csv', 'explicitDeny'],
  ];
  it.each(cases)('%s on %s is %s', async (action, resource, decision) => {
    const body = await ok({
      Action: 'SimulateCustomPolicy',
      'PolicyInputList.member.1': policy,
      'ActionNames.member.1': action,
      'ResourceArns.member.1': resource,
    });
    expect(xmlText(body, 'EvalActionName')).toBe(action);
    expect(xmlText(body, 'EvalResourceName')).toBe(resource);
    expect(xmlText(body, 'EvalDecision')).toBe(decision);
    if (decision !== 'implicitDeny') {
      expect(xmlText(body, 'SourcePolicyId')).toBe('PolicyInputList.1');
      // Policies passed in the request have no PolicySourceType (API Reference example).
      expect(body).not.toContain('<SourcePolicyType>');
      expect(xmlText(body, 'StartPosition')).toMatch(/^<Line>1<\/Line><Column>\d+<\/Column>$/);
    } else {
      expect(body).not.toContain('<SourcePolicyId>');
    }
  });

  it('evaluates every action against every resource (default resource *)', async () => {
    const body = await ok({
      Action: 'SimulateCustomPolicy',
      'PolicyInputList.member.1': doc({ Effect: 'Allow', Action: 'ec2:*', Resource: '*' }),
      'ActionNames.member.1': 'ec2:RunInstances',
      'ActionNames.member.2': 's3:ListBucket',
    });
    expect(xmlAll(body, 'EvalDecision')).toEqual(['allowed', 'implicitDeny']);
    expect(xmlAll(body, 'EvalResourceName')).toEqual(['*', '*']);
    expect(members(body)).toHaveLength(2);
  });

  it('uses ContextEntries and reports missing context keys', async () => {
    const conditional = doc({
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: '*',
      Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } },
    });
    const missing = await ok({
      Action: 'SimulateCustomPolicy',
      'PolicyInputList.member.1': conditional,
      'ActionNames.member.1': 's3:GetObject',
    });
    expect(xmlText(missing, 'EvalDecision')).toBe('implicitDeny');
    expect(xmlText(missing, 'MissingContextValues')).toContain('aws:SourceIp');
    const given = await ok({
      Action: 'SimulateCustomPolicy',
      'PolicyInputList.member.1': conditional,
      'ActionNames.member.1': 's3:GetObject',
      'ContextEntries.member.1.ContextKeyName': 'aws:SourceIp',
      'ContextEntries.member.1.ContextKeyType': 'ip',
      'ContextEntries.member.1.ContextKeyValues.member.1': '203.0.113.9',
    });
    expect(xmlText(given, 'EvalDecision')).toBe('allowed');
  });

  it('a named resource: missing keys and its decision under ResourceSpecificResults, empty EvalDecisionDetails', async () => {
    // IAM API Reference, EvaluationResult: MissingContextValues "is used when the resource in a
    // simulation is *"; with a list of resources they are "instead included under the
    // ResourceSpecificResults section", and EvalDecisionDetails "is present but the response is
    // empty" within one account (not returned for *).
    const conditional = doc({
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: '*',
      Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } },
    });
    const body = await ok({
      Action: 'SimulateCustomPolicy',
      'PolicyInputList.member.1': conditional,
      'ActionNames.member.1': 's3:GetObject',
      'ResourceArns.member.1': 'arn:aws:s3:::b/k',
    });
    expect(xmlText(topLevel(body), 'MissingContextValues')).toBe('');
    expect(xmlText(topLevel(body), 'EvalDecisionDetails')).toBe('');
    const specific = xmlText(body, 'ResourceSpecificResults')!;
    expect(xmlText(specific, 'EvalResourceName')).toBe('arn:aws:s3:::b/k');
    expect(xmlText(specific, 'EvalResourceDecision')).toBe('implicitDeny');
    expect(xmlText(specific, 'MissingContextValues')).toBe('<member>aws:SourceIp</member>');
    const all = await ok({
      Action: 'SimulateCustomPolicy',
      'PolicyInputList.member.1': conditional,
      'ActionNames.member.1': 's3:GetObject',
    });
    expect(all).not.toContain('<EvalDecisionDetails>');
    expect(all).not.toContain('<ResourceSpecificResults>');
  });

  it('a permissions boundary without the action gives implicitDeny', async () => {
    const body = await ok({
      Action: 'SimulateCustomPolicy',
      'PolicyInputList.member.1': doc({ Effect: 'Allow', Action: '*', Resource: '*' }),
      'PermissionsBoundaryPolicyInputList.member.1': doc({
        Effect: 'Allow',
        Action: 's3:*',
        Resource: '*',
      }),
      'ActionNames.member.1': 'iam:CreateUser',
      'ActionNames.member.2': 's3:PutObject',
    });
    expect(xmlAll(body, 'EvalDecision')).toEqual(['implicitDeny', 'allowed']);
    expect(xmlAll(body, 'AllowedByPermissionsBoundary')).toEqual(['false', 'true']);
  });

  it('a resource policy alone can allow a same-account caller', async () => {
    const body = await ok({
      Action: 'SimulateCustomPolicy',
      'PolicyInputList.member.1': doc({ Effect: 'Allow', Action: 'ec2:*', Resource: '*' }),
      ResourcePolicy: doc({
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/bob` },
        Action: 's3:GetObject',
        Resource: 'arn:aws:s3:::b/*',
      }),
      CallerArn: `arn:aws:iam::${ACCOUNT}:user/bob`,
      ResourceOwner: `arn:aws:iam::${ACCOUNT}:root`,
      'ActionNames.member.1': 's3:GetObject',
      'ResourceArns.member.1': 'arn:aws:s3:::b/k',
    });
    expect(xmlText(body, 'EvalDecision')).toBe('allowed');
    expect(xmlText(body, 'SourcePolicyId')).toBe('ResourcePolicy');
  });

  it('refuses a ResourcePolicy without CallerArn, and a CallerArn that is not a user', async () => {
    // "CallerArn is required if you include a ResourcePolicy"; "You can specify only the ARN of an
    // IAM user" (IAM API Reference, SimulateCustomPolicy).
    const base = {
      Action: 'SimulateCustomPolicy',
      'PolicyInputList.member.1': doc({ Effect: 'Allow', Action: 's3:*', Resource: '*' }),
      'ActionNames.member.1': 's3:GetObject',
    };
    const bucket = doc({
      Effect: 'Allow',
      Principal: { AWS: ACCOUNT },
      Action: 's3:GetObject',
      Resource: 'arn:aws:s3:::b/*',
    });
    await fails({ ...base, ResourcePolicy: bucket }, 400, 'InvalidInput');
    for (const arn of [
      `arn:aws:iam::${ACCOUNT}:role/ops`,
      `arn:aws:sts::${ACCOUNT}:assumed-role/ops/s`,
      `arn:aws:sts::${ACCOUNT}:federated-user/bob`,
    ]) {
      await fails({ ...base, CallerArn: arn }, 400, 'InvalidInput');
    }
    const body = await ok({
      ...base,
      ResourcePolicy: bucket,
      CallerArn: `arn:aws:iam::${ACCOUNT}:user/bob`,
      'ResourceArns.member.1': 'arn:aws:s3:::b/k',
    });
    expect(xmlText(body, 'EvalDecision')).toBe('allowed');
  });

  it('refuses a malformed input policy and a missing ActionNames', async () => {
    await fails(
      {
        Action: 'SimulateCustomPolicy',
        'PolicyInputList.member.1': '{bad',
        'ActionNames.member.1': 's3:GetObject',
      },
      400,
      'InvalidInput',
    );
    await fails(
      {
        Action: 'SimulateCustomPolicy',
        'PolicyInputList.member.1': doc({ Effect: 'Allow', Action: '*', Resource: '*' }),
      },
      400,
      'ValidationError',
    );
  });
});

describe('EvaluationResults are paginated (MaxItems, default 100; Marker; IsTruncated)', () => {
  const ALLOW_S3 = doc({ Effect: 'Allow', Action: 's3:*', Resource: '*' });
  const many = (name: string, values: string[]) =>
    Object.fromEntries(values.map((v, i) => [`${name}.member.${i + 1}`, v]));

  it('pages action-by-resource results in order and resumes at the marker', async () => {
    const actions = ['s3:GetObject', 'ec2:RunInstances', 's3:PutObject'];
    const resources = ['arn:aws:s3:::a/1', 'arn:aws:s3:::b/2'];
    const request = {
      Action: 'SimulateCustomPolicy',
      'PolicyInputList.member.1': ALLOW_S3,
      ...many('ActionNames', actions),
      ...many('ResourceArns', resources),
      MaxItems: '4',
    };
    const first = await ok(request);
    expect(xmlText(first, 'IsTruncated')).toBe('true');
    const second = await ok({ ...request, Marker: xmlText(first, 'Marker')! });
    expect(xmlText(second, 'IsTruncated')).toBe('false');
    expect(second).not.toContain('<Marker>');
    const pairs = (xml: string) =>
      xmlAll(xml, 'EvalActionName').map(
        (a, i) => `${a} ${xmlAll(topLevel(xml), 'EvalResourceName')[i]}`,
      );
    expect([...pairs(first), ...pairs(second)]).toEqual(
      actions.flatMap((a) => resources.map((r) => `${a} ${r}`)),
    );
    expect([...xmlAll(first, 'EvalDecision'), ...xmlAll(second, 'EvalDecision')]).toEqual([
      'allowed',
      'allowed',
      'implicitDeny',
      'implicitDeny',
      'allowed',
      'allowed',
    ]);
  });

  it('refuses a marker it did not issue', async () => {
    await fails(
      {
        Action: 'SimulateCustomPolicy',
        'PolicyInputList.member.1': ALLOW_S3,
        'ActionNames.member.1': 's3:GetObject',
        Marker: 'bm90LWEtbnVtYmVy',
      },
      400,
      'ValidationError',
    );
  });

  it('1,200 actions x 1,200 resources answer one page of 100 (default) promptly', async () => {
    const actions = Array.from({ length: 1200 }, (_, i) => `s3:Action${i}`);
    const resources = Array.from({ length: 1200 }, (_, i) => `arn:aws:s3:::bucket/key-${i}`);
    const started = Date.now();
    const body = await ok({
      Action: 'SimulateCustomPolicy',
      'PolicyInputList.member.1': ALLOW_S3,
      ...many('ActionNames', actions),
      ...many('ResourceArns', resources),
    });
    const elapsed = Date.now() - started;
    expect(xmlAll(body, 'EvalDecision')).toEqual(Array(100).fill('allowed'));
    expect(xmlAll(topLevel(body), 'EvalResourceName')).toEqual(resources.slice(0, 100));
    expect(xmlText(body, 'IsTruncated')).toBe('true');
    // Deciding 1.44 million pairs took 15 s; one page is a few milliseconds of evaluation.
    expect(elapsed).toBeLessThan(5000);
  });
});

describe('SimulatePrincipalPolicy', () => {
  it("evaluates a stored role's inline and attached policies", async () => {
    const role = unique('sim');
    await ok({ Action: 'CreateRole', RoleName: role, AssumeRolePolicyDocument: TRUST_EC2 });
    await ok({
      Action: 'PutRolePolicy',
      RoleName: role,
      PolicyName: 'deny-delete',
      PolicyDocument: doc({ Effect: 'Deny', Action: 's3:DeleteObject', Resource: '*' }),
    });
    await ok({
      Action: 'AttachRolePolicy',
      RoleName: role,
      PolicyArn: 'arn:aws:iam::aws:policy/AmazonS3FullAccess',
    });
    const body = await ok({
      Action: 'SimulatePrincipalPolicy',
      PolicySourceArn: `arn:aws:iam::${ACCOUNT}:role/${role}`,
      'ActionNames.member.1': 's3:GetObject',
      'ActionNames.member.2': 's3:DeleteObject',
      'ActionNames.member.3': 'ec2:RunInstances',
    });
    expect(xmlAll(body, 'EvalDecision')).toEqual(['allowed', 'explicitDeny', 'implicitDeny']);
    expect(xmlAll(body, 'SourcePolicyId')).toEqual(['AmazonS3FullAccess', 'deny-delete']);
    expect(xmlAll(body, 'SourcePolicyType')).toEqual(['aws-managed', 'role']);
  });

  it('needs CallerArn with a ResourcePolicy for a role, not for a user', async () => {
    const role = unique('simrp');
    await ok({ Action: 'CreateRole', RoleName: role, AssumeRolePolicyDocument: TRUST_EC2 });
    const bucket = doc({
      Effect: 'Allow',
      Principal: { AWS: ACCOUNT },
      Action: 's3:GetObject',
      Resource: 'arn:aws:s3:::b/*',
    });
    const ask = {
      Action: 'SimulatePrincipalPolicy',
      'ActionNames.member.1': 's3:GetObject',
      'ResourceArns.member.1': 'arn:aws:s3:::b/k',
      ResourcePolicy: bucket,
    };
    await fails(
      { ...ask, PolicySourceArn: `arn:aws:iam::${ACCOUNT}:role/${role}` },
      400,
      'InvalidInput',
    );
    const user = unique('simrpu');
    await ok({ Action: 'CreateUser', UserName: user });
    const body = await ok({ ...ask, PolicySourceArn: `arn:aws:iam::${ACCOUNT}:user/${user}` });
    expect(xmlText(body, 'EvalDecision')).toBe('implicitDeny');
  });

  it('answers NoSuchEntity for an unknown principal', async () => {
    await fails(
      {
        Action: 'SimulatePrincipalPolicy',
        PolicySourceArn: `arn:aws:iam::${ACCOUNT}:user/nobody-here`,
        'ActionNames.member.1': 's3:GetObject',
      },
      404,
      'NoSuchEntity',
    );
  });
});

import { describe, expect, it } from 'vitest';
import {
  compile,
  PolicyError,
  simulate,
  type DecisionRequest,
  type DecisionTrace,
  type PolicySet,
  type StatementTrace,
} from '../../../src/policy/index.ts';
import { allCases } from '../../policy/cases.ts';

const ACCT = '111122223333';
const ALICE = `arn:aws:iam::${ACCT}:user/alice`;
const doc = (...Statement: object[]) => ({ Version: '2012-10-17', Statement });

function traced(policies: PolicySet, request: Partial<DecisionRequest> = {}): DecisionTrace {
  const d = simulate(
    {
      request: {
        principal: ALICE,
        action: 's3:GetObject',
        resource: 'arn:aws:s3:::reports/q3.csv',
        ...request,
      },
      policies,
    },
    { trace: true },
  );
  expect(d.trace).toBeDefined();
  return d.trace!;
}

const statement = (t: DecisionTrace, label: string, index: number): StatementTrace =>
  t.policies.find((p) => p.label === label)!.statements[index]!;

describe('the evaluator trace', () => {
  it('lists policy kinds in AWS evaluation order', () => {
    const allow = doc({ Effect: 'Allow', Action: '*', Resource: '*' });
    const t = traced({
      identity: [allow, allow],
      resource: doc({ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' }),
      permissionsBoundary: allow,
      session: [allow],
      scp: [allow, [allow, allow]],
    });
    expect(t.policies.map((p) => [p.kind, p.label, p.level])).toEqual([
      ['scp', 'scp[0][0]', 0],
      ['scp', 'scp[1][0]', 1],
      ['scp', 'scp[1][1]', 1],
      ['resource', 'resource', undefined],
      ['identity', 'identity[0]', undefined],
      ['identity', 'identity[1]', undefined],
      ['permissionsBoundary', 'permissionsBoundary', undefined],
      ['session', 'session[0]', undefined],
    ]);
    expect(t.decision).toBe('allowed');
    expect(t.request).toMatchObject({
      principal: ALICE,
      principalKind: 'user',
      principalAccount: ACCT,
      evaluation: 'sameAccount',
    });
  });

  it('lists RCP levels first, and only for the services RCPs govern', () => {
    const allow = doc({ Effect: 'Allow', Action: '*', Resource: '*' });
    const full = doc({ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' });
    const deny = doc({ Effect: 'Deny', Principal: '*', Action: '*', Resource: '*' });
    const policies = { identity: [allow], scp: [allow], rcp: [full, [full, deny]] };
    const t = traced(policies);
    expect(t.policies.map((p) => [p.kind, p.label, p.level, p.outcome])).toEqual([
      ['rcp', 'rcp[0][0]', 0, 'allow'],
      ['rcp', 'rcp[1][0]', 1, 'allow'],
      ['rcp', 'rcp[1][1]', 1, 'deny'],
      ['scp', 'scp[0][0]', 0, 'allow'],
      ['identity', 'identity[0]', undefined, 'allow'],
    ]);
    expect(t.decision).toBe('explicitDeny');
    const ec2 = traced(policies, { action: 'ec2:StartInstances', resource: '*' });
    expect(ec2.policies.map((p) => p.kind)).toEqual(['scp', 'identity']);
    expect(ec2.decision).toBe('allowed');
  });

  it('says which part of each statement did not match: action, resource, condition', () => {
    const t = traced(
      {
        identity: [
          doc(
            { Sid: 'Other', Effect: 'Allow', Action: 'ec2:*', Resource: '*' },
            {
              Sid: 'Elsewhere',
              Effect: 'Allow',
              Action: 's3:*',
              NotResource: 'arn:aws:s3:::reports/*',
            },
            {
              Sid: 'FromOffice',
              Effect: 'Allow',
              Action: ['s3:Get*'],
              Resource: '*',
              Condition: {
                IpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '192.168.0.0/16'] },
                StringEquals: { 'aws:PrincipalTag/team': 'blue' },
              },
            },
            { Sid: 'NotDelete', Effect: 'Allow', NotAction: 's3:Delete*', Resource: '*' },
          ),
        ],
      },
      { context: { 'aws:SourceIp': '203.0.113.9' } },
    );
    const other = statement(t, 'identity[0]', 0);
    expect(other).toMatchObject({
      sid: 'Other',
      applies: false,
      notApplied: 'action',
      action: { element: 'Action', values: ['ec2:*'], matched: false },
      resource: { element: 'Resource', values: ['*'], matched: true },
    });
    expect(statement(t, 'identity[0]', 1)).toMatchObject({
      notApplied: 'resource',
      resource: { element: 'NotResource', values: ['arn:aws:s3:::reports/*'], matched: false },
    });
    const office = statement(t, 'identity[0]', 2);
    expect(office.notApplied).toBe('condition');
    expect(office.conditions).toEqual([
      {
        operator: 'IpAddress',
        key: 'aws:SourceIp',
        policyValues: ['10.0.0.0/8', '192.168.0.0/16'],
        requestValues: ['203.0.113.9'],
        result: false,
      },
      {
        operator: 'StringEquals',
        key: 'aws:PrincipalTag/team',
        policyValues: ['blue'],
        requestValues: null,
        result: false,
      },
    ]);
    expect(statement(t, 'identity[0]', 3)).toMatchObject({
      applies: true,
      action: { element: 'NotAction', values: ['s3:Delete*'], matched: true },
    });
    expect(t.policies[0]!.outcome).toBe('allow');
  });

  it('shows how a Principal named the caller, and a NotPrincipal exemption', () => {
    const t = traced(
      {
        resource: doc(
          { Effect: 'Allow', Principal: { AWS: ALICE }, Action: 's3:GetObject', Resource: '*' },
          {
            Effect: 'Allow',
            Principal: { AWS: `arn:aws:iam::${ACCT}:user/bob` },
            Action: '*',
            Resource: '*',
          },
          {
            Effect: 'Deny',
            NotPrincipal: { AWS: [ALICE, `arn:aws:iam::${ACCT}:root`] },
            Action: '*',
            Resource: '*',
          },
        ),
      },
      { resourceAccount: '999988887777' },
    );
    expect(statement(t, 'resource', 0).principal).toEqual({
      element: 'Principal',
      value: { AWS: [ALICE] },
      matched: true,
      as: 'user',
    });
    expect(statement(t, 'resource', 1)).toMatchObject({
      applies: false,
      notApplied: 'principal',
    });
    expect(statement(t, 'resource', 2)).toMatchObject({
      applies: false,
      principal: { element: 'NotPrincipal', matched: false },
    });
    expect(t.request.evaluation).toBe('crossAccount');
    expect(t.decision).toBe('implicitDeny');
  });

  it('marks a condition whose policy value cannot be read as an error', () => {
    const t = traced(
      {
        identity: [
          doc({
            Effect: 'Deny',
            Action: '*',
            Resource: '*',
            Condition: { DateGreaterThan: { 'aws:CurrentTime': 'not-a-date' } },
          }),
        ],
      },
      { context: { 'aws:CurrentTime': '2026-01-01T00:00:00Z' } },
    );
    const s = statement(t, 'identity[0]', 0);
    expect(s.notApplied).toBe('error');
    expect(s.conditions[0]).toMatchObject({
      result: 'error',
      requestValues: ['2026-01-01T00:00:00Z'],
    });
    expect(s.conditions[0]!.message).toMatch(/not a valid value/);
  });

  it('tells a role trust policy check apart', () => {
    const t = traced(
      { resource: doc({ Effect: 'Allow', Principal: { AWS: ALICE }, Action: 'sts:AssumeRole' }) },
      { action: 'sts:AssumeRole', resource: `arn:aws:iam::${ACCT}:role/ops` },
    );
    expect(t.request.evaluation).toBe('trustPolicy');
    expect(statement(t, 'resource', 0).resource).toBeUndefined();
    expect(t.decision).toBe('allowed');
  });

  it('is plain JSON, and absent unless asked for', () => {
    const policies = {
      identity: [
        doc({
          Effect: 'Allow',
          Action: 's3:*',
          Resource: '*',
          Condition: { Bool: { 'aws:SecureTransport': true } },
        }),
      ],
    };
    const request = {
      principal: ALICE,
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::a/b',
      context: { 'aws:SecureTransport': true },
    };
    const set = compile(policies);
    const plain = set.decide(request);
    const withTrace = set.decide(request, { trace: true });
    expect('trace' in plain).toBe(false);
    const { trace, ...rest } = withTrace;
    expect(rest).toEqual(plain);
    expect(JSON.parse(JSON.stringify(trace))).toEqual(trace);
  });

  // Every documented case again, with the trace: the statements it says applied are exactly the
  // decision's matchedStatements, and its verdict is the decision's.
  it.each(allCases())('agrees with the decision: %s', (_name, c) => {
    let d;
    try {
      d = simulate(c.input, { trace: true });
    } catch (e) {
      if (e instanceof PolicyError) return;
      throw e;
    }
    const applied = d.trace!.policies.flatMap((p) =>
      p.statements.filter((s) => s.applies).map((s) => `${p.label}#${s.index}`),
    );
    expect(new Set(applied)).toEqual(
      new Set(d.matchedStatements.map((m) => `${m.policy}#${m.statement}`)),
    );
    expect(d.trace!.decision).toBe(d.decision);
  });
});

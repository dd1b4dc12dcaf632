import type { DecisionRequest, PolicySet } from '../../src/policy/index.ts';

/** A named benchmark: one policy set compiled once, requests decided many times. */
export interface Workload {
  name: string;
  policies: PolicySet;
  requests: DecisionRequest[];
}

const ALICE = 'arn:aws:iam::111122223333:user/alice';

/**
 * small (issue 2): one identity policy with three statements, one request.
 */
export const small: Workload = {
  name: 'small',
  policies: {
    identity: [
      {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'ReadReports',
            Effect: 'Allow',
            Action: ['s3:GetObject', 's3:ListBucket'],
            Resource: 'arn:aws:s3:::reports-bucket/*',
          },
          { Sid: 'Describe', Effect: 'Allow', Action: 'ec2:Describe*', Resource: '*' },
          { Sid: 'NoDelete', Effect: 'Deny', Action: 's3:DeleteObject', Resource: '*' },
        ],
      },
    ],
  },
  requests: [
    {
      principal: ALICE,
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::reports-bucket/2026/q3.csv',
    },
  ],
};

const ACTIONS = ['s3:Get*', 's3:List*', 'ec2:Describe*', 'dynamodb:*'];
const RESOURCES = [
  'arn:aws:s3:::data-*/*',
  'arn:aws:s3:::logs-bucket/*/2026/*',
  'arn:aws:ec2:*:111122223333:instance/*',
  'arn:aws:dynamodb:*:111122223333:table/orders*',
];

/**
 * heavy (issue 2): 10 identity policies x 20 statements, every fifth a Deny, five conditions per
 * statement (StringLike, IpAddress, DateLessThan, Bool, StringEquals on aws:PrincipalTag/team);
 * only one statement's conditions all match the request. The StringLike key is one S3 sets for
 * GetObject (Service Authorization Reference: Amazon S3 condition keys); s3:prefix is only set
 * for ListBucket, so a simulator that drops keys the action cannot have would deny.
 */
function heavyPolicies(): PolicySet {
  const identity = [];
  for (let p = 0; p < 10; p++) {
    const Statement = [];
    for (let s = 0; s < 20; s++) {
      const n = p * 20 + s;
      const winner = n === 137;
      Statement.push({
        Sid: `P${p}S${s}`,
        Effect: s % 5 === 4 ? 'Deny' : 'Allow',
        Action: winner ? ['s3:Get*', 's3:List*'] : [ACTIONS[n % 4], ACTIONS[(n + 1) % 4]],
        Resource: winner
          ? [RESOURCES[0], RESOURCES[1]]
          : [RESOURCES[n % 4], RESOURCES[(n + 2) % 4]],
        Condition: {
          StringLike: {
            's3:ExistingObjectTag/project': winner ? 'reports/*' : `team-${n}/*`,
          },
          IpAddress: { 'aws:SourceIp': winner ? '203.0.113.0/24' : `10.${n % 256}.0.0/16` },
          DateLessThan: {
            'aws:CurrentTime': winner ? '2027-01-01T00:00:00Z' : '2020-01-01T00:00:00Z',
          },
          Bool: { 'aws:SecureTransport': 'true' },
          StringEquals: { 'aws:PrincipalTag/team': winner ? 'analytics' : `team${n}` },
        },
      });
    }
    identity.push({ Version: '2012-10-17', Statement });
  }
  return { identity };
}

export const heavy: Workload = {
  name: 'heavy',
  policies: heavyPolicies(),
  requests: [
    {
      principal: ALICE,
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::data-lake/reports/2026/q3.csv',
      context: {
        's3:ExistingObjectTag/project': 'reports/2026',
        'aws:SourceIp': '203.0.113.9',
        'aws:CurrentTime': '2026-11-28T12:00:00Z',
        'aws:SecureTransport': 'true',
        'aws:PrincipalTag/team': 'analytics',
      },
    },
  ],
};

/**
 * heavy-conditions (issue 10): 10 identity policies x 20 statements whose Action and Resource all
 * match the request, five conditions each on the same context keys (IpAddress, DateLessThan,
 * NumericLessThanEquals, StringLike, Bool); every statement's first four conditions hold, and only
 * statement 137's last one does, so one statement allows and every other (Allow or Deny) is
 * decided by its fifth condition. A decision that parsed the IP, date and number once per
 * statement would parse each 200 times.
 */
function heavyConditionPolicies(): PolicySet {
  const identity = [];
  for (let p = 0; p < 10; p++) {
    const Statement = [];
    for (let s = 0; s < 20; s++) {
      const n = p * 20 + s;
      const winner = n === 137;
      Statement.push({
        Sid: `C${p}S${s}`,
        Effect: !winner && s % 5 === 4 ? 'Deny' : 'Allow',
        Action: ['s3:GetObject', 's3:Get*'],
        Resource: ['arn:aws:s3:::data-lake/*', `arn:aws:s3:::data-${n}/*`],
        Condition: {
          IpAddress: { 'aws:SourceIp': ['203.0.113.0/24', `10.${n % 256}.0.0/16`] },
          DateLessThan: { 'aws:CurrentTime': '2027-01-01T00:00:00Z' },
          NumericLessThanEquals: { 'aws:MultiFactorAuthAge': String(3600 + n) },
          StringLike: { 'aws:PrincipalTag/project': ['reports*', `p${n}-*`] },
          Bool: { 'aws:SecureTransport': winner ? 'true' : 'false' },
        },
      });
    }
    identity.push({ Version: '2012-10-17', Statement });
  }
  return { identity };
}

export const heavyConditions: Workload = {
  name: 'heavy-conditions',
  policies: heavyConditionPolicies(),
  requests: [
    {
      principal: ALICE,
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::data-lake/reports/2026/q3.csv',
      context: {
        'aws:SourceIp': '203.0.113.9',
        'aws:CurrentTime': '2026-11-28T12:00:00Z',
        'aws:MultiFactorAuthAge': '300',
        'aws:PrincipalTag/project': 'reports-2026',
        'aws:SecureTransport': 'true',
      },
    },
  ],
};

export const workloads: Workload[] = [small, heavy, heavyConditions];

/**
 * The playground's whole setup: what the permalink encodes and what the examples fill in. Account
 * ids in policies are written as the placeholders `ACCOUNT` (your sandbox) and `PARTNER` (your
 * second account), so a permalink opened by someone else reads against their own sandbox.
 */
export type CallerId = 'admin' | 'alice' | 'partner' | 'service' | 'root' | 'chain' | 'github';

export interface Setup {
  roleName: string;
  trust: string;
  permissions: string;
  boundary: string;
  session: string;
  caller: CallerId;
  externalId: string;
  duration: number;
  action: string;
  resource: string;
  context: string;
}

export const pretty = (doc: unknown): string => JSON.stringify(doc, null, 2);

const SSM_PERMISSIONS = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Action: [
        'ssm:DescribeAssociation',
        'ssm:GetDeployablePatchSnapshotForInstance',
        'ssm:GetDocument',
        'ssm:DescribeDocument',
        'ssm:GetManifest',
        'ssm:GetParameters',
        'ssm:ListAssociations',
        'ssm:ListInstanceAssociations',
        'ssm:PutInventory',
        'ssm:PutComplianceItems',
        'ssm:PutConfigurePackageResult',
        'ssm:UpdateAssociationStatus',
        'ssm:UpdateInstanceAssociationStatus',
        'ssm:UpdateInstanceInformation',
      ],
      Resource: '*',
    },
    {
      Effect: 'Allow',
      Action: [
        'ssmmessages:CreateControlChannel',
        'ssmmessages:CreateDataChannel',
        'ssmmessages:OpenControlChannel',
        'ssmmessages:OpenDataChannel',
      ],
      Resource: '*',
    },
    {
      Effect: 'Allow',
      Action: [
        'ec2messages:AcknowledgeMessage',
        'ec2messages:DeleteMessage',
        'ec2messages:FailMessage',
        'ec2messages:GetEndpoint',
        'ec2messages:GetMessages',
        'ec2messages:SendReply',
      ],
      Resource: '*',
    },
    { Effect: 'Allow', Action: ['cloudwatch:PutMetricData'], Resource: '*' },
    { Effect: 'Allow', Action: ['ec2:DescribeInstanceStatus'], Resource: '*' },
    { Effect: 'Allow', Action: ['ds:CreateComputer', 'ds:DescribeDirectories'], Resource: '*' },
    {
      Effect: 'Allow',
      Action: [
        'logs:CreateLogGroup',
        'logs:CreateLogStream',
        'logs:DescribeLogGroups',
        'logs:DescribeLogStreams',
        'logs:PutLogEvents',
      ],
      Resource: '*',
    },
    {
      Effect: 'Allow',
      Action: [
        's3:GetBucketLocation',
        's3:PutObject',
        's3:GetObject',
        's3:GetEncryptionConfiguration',
        's3:AbortMultipartUpload',
        's3:ListMultipartUploadParts',
        's3:ListBucket',
        's3:ListBucketMultipartUploads',
      ],
      Resource: '*',
    },
  ],
};

/** The classic EC2 instance role for Systems Manager, as the sandbox's seed has it. */
export const CLASSIC: Setup = {
  roleName: 'ec2-ssm-instance-role',
  trust: pretty({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ],
  }),
  permissions: pretty(SSM_PERMISSIONS),
  boundary: '',
  session: '',
  caller: 'admin',
  externalId: '',
  duration: 3600,
  action: 'ssm:GetDocument',
  resource: 'arn:aws:ssm:us-east-1:ACCOUNT:document/AWS-RunShellScript',
  context: '',
};

export interface Example {
  id: string;
  title: string;
  note: string;
  setup: Setup;
}

const trustOf = (principal: object, extra: object = {}) =>
  pretty({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: principal, Action: 'sts:AssumeRole', ...extra }],
  });

const allow = (action: string | string[], resource: string | string[], sid?: string) => ({
  ...(sid ? { Sid: sid } : {}),
  Effect: 'Allow',
  Action: action,
  Resource: resource,
});

const REPORTS = pretty({
  Version: '2012-10-17',
  Statement: [
    allow(
      ['s3:GetObject', 's3:ListBucket'],
      ['arn:aws:s3:::reports', 'arn:aws:s3:::reports/*'],
      'ReadReports',
    ),
  ],
});

export const EXAMPLES: Example[] = [
  {
    id: 'classic',
    title: 'The EC2 instance role for Systems Manager',
    note: 'Only the EC2 service may assume it. Pick yourself as the caller and you are refused; add your user to the trust policy and try again.',
    setup: CLASSIC,
  },
  {
    id: 'cross-account',
    title: 'Cross-account access',
    note: 'The role trusts your second account. The partner user may assume it because its own policy allows sts:AssumeRole: cross-account access needs both sides.',
    setup: {
      ...CLASSIC,
      roleName: 'cross-account-reader',
      trust: trustOf({ AWS: 'arn:aws:iam::PARTNER:root' }),
      permissions: REPORTS,
      caller: 'partner',
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::reports/2026/q3.csv',
    },
  },
  {
    id: 'boundary',
    title: 'A permissions boundary',
    note: 'The permissions allow all of S3, the boundary only reading: the session gets the intersection. Ask for s3:PutObject and see the boundary refuse it.',
    setup: {
      ...CLASSIC,
      roleName: 'bounded-s3-role',
      trust: trustOf({ AWS: 'arn:aws:iam::ACCOUNT:user/admin' }),
      permissions: pretty({ Version: '2012-10-17', Statement: [allow('s3:*', '*', 'AllOfS3')] }),
      boundary: pretty({
        Version: '2012-10-17',
        Statement: [allow(['s3:GetObject', 's3:ListBucket'], '*', 'ReadOnlyCeiling')],
      }),
      action: 's3:PutObject',
      resource: 'arn:aws:s3:::reports/new.csv',
    },
  },
  {
    id: 'session-policy',
    title: 'A session policy',
    note: 'AssumeRole passes a session policy: this session may only read reports/2026/, whatever the role allows.',
    setup: {
      ...CLASSIC,
      roleName: 'reports-reader',
      trust: trustOf({ AWS: 'arn:aws:iam::ACCOUNT:user/admin' }),
      permissions: REPORTS,
      session: pretty({
        Version: '2012-10-17',
        Statement: [allow('s3:GetObject', 'arn:aws:s3:::reports/2026/*', 'OnlyThisYear')],
      }),
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::reports/2025/q4.csv',
    },
  },
  {
    id: 'chaining',
    title: 'Role chaining',
    note: 'The caller is a session of the demo-readonly role (assumed first with your admin key); this role trusts that role. Chained sessions last at most one hour.',
    setup: {
      ...CLASSIC,
      roleName: 'chained-auditor',
      trust: trustOf({ AWS: 'arn:aws:iam::ACCOUNT:role/demo-readonly' }),
      permissions: pretty({
        Version: '2012-10-17',
        Statement: [allow(['iam:Get*', 'iam:List*'], '*', 'ReadIam')],
      }),
      caller: 'chain',
      action: 'iam:ListRoles',
      resource: '*',
    },
  },
  {
    id: 'external-id',
    title: 'ExternalId for a third party',
    note: 'A vendor (your second account) may assume the role only with the agreed external id, which guards against the confused deputy. Clear the External ID field and see the condition fail.',
    setup: {
      ...CLASSIC,
      roleName: 'vendor-access',
      trust: trustOf(
        { AWS: 'arn:aws:iam::PARTNER:root' },
        { Condition: { StringEquals: { 'sts:ExternalId': 'vendor-7f3a' } } },
      ),
      permissions: pretty({
        Version: '2012-10-17',
        Statement: [allow('cloudwatch:GetMetricData', '*', 'ReadMetrics')],
      }),
      caller: 'partner',
      externalId: 'vendor-7f3a',
      action: 'cloudwatch:GetMetricData',
      resource: '*',
    },
  },
  {
    id: 'github-oidc',
    title: 'GitHub Actions OIDC trust',
    note: "Workflows of one repository's main branch may assume the role with their OIDC token. The page mints a real token with the claims of the context field (your sandbox's test issuer stands in for GitHub's): change the branch in sub and be refused.",
    setup: {
      ...CLASSIC,
      roleName: 'github-actions-deploy',
      trust: pretty({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: {
              Federated: 'arn:aws:iam::ACCOUNT:oidc-provider/token.actions.githubusercontent.com',
            },
            Action: 'sts:AssumeRoleWithWebIdentity',
            Condition: {
              StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
              StringLike: {
                'token.actions.githubusercontent.com:sub':
                  'repo:example-org/example-repo:ref:refs/heads/main',
              },
            },
          },
        ],
      }),
      permissions: pretty({
        Version: '2012-10-17',
        Statement: [allow('s3:PutObject', 'arn:aws:s3:::deploy-artifacts/*', 'Deploy')],
      }),
      caller: 'github',
      context: pretty({
        'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
        'token.actions.githubusercontent.com:sub':
          'repo:example-org/example-repo:ref:refs/heads/main',
      }),
      action: 's3:PutObject',
      resource: 'arn:aws:s3:::deploy-artifacts/site.zip',
    },
  },
  {
    id: 'deny-wins',
    title: 'A deny that wins',
    note: 'One statement allows all of S3, another denies deleting objects: an explicit Deny beats any Allow.',
    setup: {
      ...CLASSIC,
      roleName: 'no-deletes',
      trust: trustOf({ AWS: 'arn:aws:iam::ACCOUNT:user/admin' }),
      permissions: pretty({
        Version: '2012-10-17',
        Statement: [
          allow('s3:*', '*', 'AllOfS3'),
          { Sid: 'NeverDelete', Effect: 'Deny', Action: 's3:DeleteObject', Resource: '*' },
        ],
      }),
      action: 's3:DeleteObject',
      resource: 'arn:aws:s3:::reports/2026/q3.csv',
    },
  },
];

/** Placeholders in a setup's text replaced by the visitor's account ids, and back. */
export function localize(text: string, ids: { account: string; partner: string }): string {
  if (!ids.account) return text;
  return text
    .replace(/(?<=:)PARTNER(?=:)/g, ids.partner)
    .replace(/(?<=:)ACCOUNT(?=:)/g, ids.account);
}

export function generalize(text: string, ids: { account: string; partner: string }): string {
  if (!ids.account) return text;
  return text
    .replace(new RegExp(`(?<=:)${ids.account}(?=:)`, 'g'), 'ACCOUNT')
    .replace(new RegExp(`(?<=:)${ids.partner}(?=:)`, 'g'), 'PARTNER');
}

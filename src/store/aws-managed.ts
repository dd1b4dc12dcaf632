/**
 * A few AWS managed policies, so `arn:aws:iam::aws:policy/...` ARNs can be attached and passed as
 * session policies the way users do with AWS. Documents as AWS publishes them (the short ones), or
 * reduced to their documented intent where AWS's own is thousands of actions long (marked so).
 */
const ADMIN = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
};

export const AWS_MANAGED_POLICIES: Record<
  string,
  { path: string; document: object; description: string }
> = {
  AdministratorAccess: {
    path: '/',
    document: ADMIN,
    description: 'Provides full access to AWS services and resources.',
  },
  PowerUserAccess: {
    path: '/',
    description:
      'Provides full access to AWS services and resources, but does not allow management of Users and groups.',
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          NotAction: ['iam:*', 'organizations:*', 'account:*'],
          Resource: '*',
        },
        {
          Effect: 'Allow',
          Action: [
            'account:GetAccountInformation',
            'account:GetPrimaryEmail',
            'account:ListRegions',
            'iam:CreateServiceLinkedRole',
            'iam:DeleteServiceLinkedRole',
            'iam:ListRoles',
            'organizations:DescribeOrganization',
          ],
          Resource: '*',
        },
      ],
    },
  },
  IAMFullAccess: {
    path: '/',
    description: 'Provides full access to IAM via the AWS Management Console.',
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: [
            'iam:*',
            'organizations:DescribeAccount',
            'organizations:DescribeOrganization',
            'organizations:DescribeOrganizationalUnit',
            'organizations:DescribePolicy',
            'organizations:ListChildren',
            'organizations:ListParents',
            'organizations:ListPoliciesForTarget',
            'organizations:ListRoots',
            'organizations:ListPolicies',
            'organizations:ListTargetsForPolicy',
          ],
          Resource: '*',
        },
      ],
    },
  },
  IAMReadOnlyAccess: {
    path: '/',
    description: 'Provides read only access to IAM via the AWS Management Console.',
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: [
            'iam:GenerateCredentialReport',
            'iam:GenerateServiceLastAccessedDetails',
            'iam:Get*',
            'iam:List*',
            'iam:SimulateCustomPolicy',
            'iam:SimulatePrincipalPolicy',
          ],
          Resource: '*',
        },
      ],
    },
  },
  // AWS's ReadOnlyAccess enumerates thousands of actions over every service; this keeps its intent
  // (the read verbs) for the services people try first. IAM forbids wildcards in the service prefix.
  ReadOnlyAccess: {
    path: '/',
    description: 'Provides read-only access to AWS services and resources.',
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: [
            's3',
            'ec2',
            'iam',
            'sts',
            'dynamodb',
            'lambda',
            'logs',
            'cloudwatch',
            'sqs',
            'sns',
            'ssm',
            'kms',
            'rds',
            'ecr',
            'ecs',
            'eks',
            'cloudformation',
          ].flatMap((s) => [`${s}:Describe*`, `${s}:Get*`, `${s}:List*`]),
          Resource: '*',
        },
      ],
    },
  },
  AmazonS3ReadOnlyAccess: {
    path: '/',
    description: 'Provides read only access to all buckets via the AWS Management Console.',
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: [
            's3:Get*',
            's3:List*',
            's3:Describe*',
            's3-object-lambda:Get*',
            's3-object-lambda:List*',
          ],
          Resource: '*',
        },
      ],
    },
  },
  AmazonS3FullAccess: {
    path: '/',
    description: 'Provides full access to all buckets via the AWS Management Console.',
    document: {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: ['s3:*', 's3-object-lambda:*'], Resource: '*' }],
    },
  },
};

export function awsManagedPolicy(
  arn: string,
): { name: string; path: string; document: string; description: string } | null {
  const m = /^arn:aws:iam::aws:policy(\/(?:[^/]+\/)*)?([^/]+)$/.exec(arn);
  if (!m) return null;
  const entry = AWS_MANAGED_POLICIES[m[2]!];
  if (!entry || (m[1] ?? '/') !== entry.path) return null;
  let document = documents.get(entry);
  if (document === undefined) {
    document = JSON.stringify(entry.document);
    documents.set(entry, document);
  }
  return { name: m[2]!, path: entry.path, document, description: entry.description };
}

/** Each policy's document as JSON text, made once (decisions and authorizations read it per call). */
const documents = new Map<object, string>();

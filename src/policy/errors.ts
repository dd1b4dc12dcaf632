export type PolicyErrorCode = 'MalformedPolicyDocument' | 'LimitExceeded' | 'InvalidInput';

/** A policy IAM would refuse, or a request the simulator cannot evaluate. */
export class PolicyError extends Error {
  readonly code: PolicyErrorCode;
  /** Which document of the PolicySet: "identity[0]", "resource", "scp[1][0]", ... */
  policy?: string;

  constructor(code: PolicyErrorCode, message: string, policy?: string) {
    super(message);
    this.name = 'PolicyError';
    this.code = code;
    if (policy !== undefined) this.policy = policy;
  }
}

// Messages worded as IAM words them (seen in MalformedPolicyDocument responses), so users can search them.
export const MSG = {
  syntax: 'Syntax errors in policy.',
  version: 'The policy must contain a valid version string',
  principalForbidden: 'Policy document should not specify a principal.',
  principalMissing: 'Missing required field Principal',
  effectMissing: 'Missing required field Effect',
  statementMissing: 'Missing required field Statement',
  actionsMissing: 'Policy statement must contain actions.',
  resourcesMissing: 'Policy statement must contain resources.',
  sidFormat:
    'Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*',
  sidUnique: 'Statement IDs (SID) in a single policy must be unique.',
  vendorMissing: 'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.',
  oneColon: 'Actions/Condition can contain only one colon.',
  vendorWildcard: 'Action vendors (e.g., aws, ec2, etc.) must not contain wildcards.',
  prohibited: (field: string) => `Has prohibited field ${field}`,
  invalidPrincipal: (type: string, value: string) =>
    `Invalid principal in policy: "${type}":"${value}"`,
  invalidEffect: (value: string) => `Invalid effect: ${value}`,
  invalidVendor: (vendor: string) => `Vendor ${vendor} is not valid`,
  invalidCondition: (op: string) => `Invalid Condition type : ${op}`,
  resourceFormat: (r: string) => `Resource ${r} must be in ARN format or "*".`,
  notPrincipalAllow: 'NotPrincipal must be used with "Effect": "Deny".',
  rcpPrincipal: 'The Principal element of a resource control policy must be "*".',
  rcpAllow: 'The effect Allow is only supported for the RCPFullAWSAccess policy.',
  quota: (name: string, limit: number) => `Cannot exceed quota for ${name}: ${limit}`,
} as const;

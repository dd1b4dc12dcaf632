import { AwsError, Errors } from '../../protocol/errors.ts';

/**
 * IAM's error messages, worded as IAM words them (IAM API Reference, each action's "Errors", and the
 * messages IAM returns), so users can search for them.
 */
export const IamErrors = {
  noSuchRole: (name: string) => Errors.noSuchEntity(`The role with name ${name} cannot be found.`),
  noSuchUser: (name: string) => Errors.noSuchEntity(`The user with name ${name} cannot be found.`),
  noSuchGroup: (name: string) =>
    Errors.noSuchEntity(`The group with name ${name} cannot be found.`),
  noSuchRolePolicy: (role: string, name: string) =>
    Errors.noSuchEntity(`The role policy with name ${name} cannot be found.`),
  noSuchUserPolicy: (user: string, name: string) =>
    Errors.noSuchEntity(`The user policy with name ${name} cannot be found.`),
  noSuchGroupPolicy: (group: string, name: string) =>
    Errors.noSuchEntity(`The group policy with name ${name} cannot be found.`),
  noSuchPolicy: (arn: string) => Errors.noSuchEntity(`Policy ${arn} was not found.`),
  notAttachable: (arn: string) =>
    Errors.noSuchEntity(`Policy ${arn} does not exist or is not attachable.`),
  noSuchPolicyVersion: (arn: string, versionId: string) =>
    Errors.noSuchEntity(`Policy ${arn} version ${versionId} does not exist or is not attachable.`),
  noSuchAccessKey: (id: string) =>
    Errors.noSuchEntity(`The Access Key with id ${id} cannot be found`),
  noSuchOidcProvider: (arn: string) =>
    Errors.noSuchEntity(`OpenIDConnect Provider not found for arn ${arn}`),
  noSuchInstanceProfile: (name: string) =>
    Errors.noSuchEntity(`Instance Profile ${name} cannot be found.`),
  /** DeleteAccountAlias of an alias the account does not have. */
  noSuchAlias: (alias: string) =>
    Errors.noSuchEntity(`The account alias ${alias} cannot be found.`),
  noBoundary: (name: string) =>
    Errors.noSuchEntity(`The role with name ${name} does not have a permissions boundary.`),

  roleExists: (name: string) =>
    Errors.entityAlreadyExists(`Role with name ${name} already exists.`),
  userExists: (name: string) =>
    Errors.entityAlreadyExists(`User with name ${name} already exists.`),
  groupExists: (name: string) =>
    Errors.entityAlreadyExists(`Group with name ${name} already exists.`),
  policyExists: (name: string) =>
    Errors.entityAlreadyExists(
      `A policy called ${name} already exists. Duplicate names are not allowed.`,
    ),
  instanceProfileExists: (name: string) =>
    Errors.entityAlreadyExists(`Instance Profile ${name} already exists.`),
  /** An alias held by another account (aliases are unique across accounts). */
  aliasExists: (alias: string) =>
    Errors.entityAlreadyExists(`The account alias ${alias} already exists.`),
  oidcExists: (url: string) =>
    Errors.entityAlreadyExists(`Provider with url ${url} already exists.`),

  mustDeletePolicies: () =>
    Errors.deleteConflict('Cannot delete entity, must delete policies first.'),
  mustDetachPolicies: () =>
    Errors.deleteConflict('Cannot delete entity, must detach all policies first.'),
  mustDeleteKeys: () =>
    Errors.deleteConflict('Cannot delete entity, must delete access keys first.'),
  mustRemoveBoundary: () =>
    Errors.deleteConflict('Cannot delete entity, must remove the permissions boundary first.'),
  /** DeleteGroup with members, and DeleteUser for a member of a group: IAM words both the same way. */
  mustRemoveFromGroups: () =>
    Errors.deleteConflict('Cannot delete entity, must remove users from group first.'),
  /** DeleteInstanceProfile while it holds a role, and DeleteRole while a profile holds the role. */
  mustRemoveRoles: () =>
    Errors.deleteConflict('Cannot delete entity, must remove roles from instance profile first.'),
  policyAttached: () => Errors.deleteConflict('Cannot delete a policy attached to entities.'),
  policyHasVersions: () =>
    Errors.deleteConflict(
      "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.",
    ),
  defaultVersion: () => Errors.deleteConflict('Cannot delete the default version of a policy.'),

  /** "IAM and AWS STS quotas" names, as IAM prints them. */
  quota: (name: string, limit: number) =>
    Errors.limitExceeded(`Cannot exceed quota for ${name}: ${limit}`),
  tooManyVersions: () =>
    Errors.limitExceeded(
      'A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.',
    ),
  inlineAggregate: (kind: 'role' | 'user' | 'group', name: string, limit: number) =>
    Errors.limitExceeded(`Maximum policy size of ${limit} bytes exceeded for ${kind} ${name}`),

  invalidPrincipal: (type: string, value: string) =>
    Errors.malformedPolicy(`Invalid principal in policy: "${type}":"${value}"`),

  invalidInput: (message: string) => Errors.invalidInput(message),
  invalidArn: (arn: string) => Errors.invalidInput(`ARN ${arn} is not valid.`),
  duplicateTagKeys: () =>
    Errors.invalidInput(
      'Duplicate tag keys found. Please note that Tag keys are case insensitive.',
    ),
  awsTagPrefix: () =>
    Errors.invalidInput(
      "User-defined tag keys can't start with 'aws:'. This prefix is reserved for AWS tags.",
    ),
  needsUserName: () =>
    Errors.validation('Must specify userName when calling with non-User credentials'),

  /** EnableMFADevice / ResyncMFADevice with codes that do not hold (IAM API Reference: 403). */
  invalidAuthenticationCode: () =>
    new AwsError('InvalidAuthenticationCode', 'Authentication code for device is not valid.', 403),

  /** Outbound identity federation (IAM API Reference: FeatureEnabled 409, FeatureDisabled 404). */
  outboundEnabled: () =>
    new AwsError(
      'FeatureEnabled',
      'Outbound web identity federation is already enabled for this account.',
      409,
    ),
  outboundDisabled: () =>
    new AwsError(
      'FeatureDisabled',
      'Outbound web identity federation is not enabled for this account.',
      404,
    ),
} as const;

import { AwsError, Errors } from '../protocol/errors.ts';

/**
 * STS's error messages, worded as STS words them (STS API Reference, each action's "Errors"), so
 * users can search for them.
 */
export const StsErrors = {
  invalidParameterValue: (message: string) => new AwsError('InvalidParameterValue', message, 400),
  policyNotAttachable: (arn: string) =>
    StsErrors.invalidParameterValue(`Policy ${arn} does not exist or is not attachable.`),
  duplicateTagKeys: () =>
    StsErrors.invalidParameterValue(
      'Duplicate tag keys found. Please note that Tag keys are case insensitive.',
    ),
  transitiveKeyNotTagged: () =>
    StsErrors.invalidParameterValue(
      'The specified transitive tag key must be included in the requested tags.',
    ),
  transitiveKeyConflict: (key: string) =>
    StsErrors.invalidParameterValue(
      `One of the specified tag keys conflicts with a transitive tag key from the calling session: ${key}`,
    ),
  invalidAccessKeyId: (id: string) =>
    StsErrors.invalidParameterValue(`The access key ID ${id} is not valid.`),
  /** An action the session's kind may not call (GetFederationToken, GetSessionToken with temporary credentials). */
  sessionCredentials: (action: string) =>
    Errors.accessDenied(`Cannot call ${action} with session credentials`),
  onlyUsers: () => Errors.accessDenied('Only IAM users can call this action'),
} as const;

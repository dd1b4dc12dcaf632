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
  /** GetWebIdentityToken (STS API Reference, "Errors"). */
  outboundDisabled: (message: string) =>
    new AwsError('OutboundWebIdentityFederationDisabledException', message, 403),
  sessionDurationEscalation: () =>
    new AwsError(
      'SessionDurationEscalationException',
      'The requested token duration would extend the session beyond its original expiration time.',
      403,
    ),
  jwtPayloadTooLarge: (message: string) =>
    new AwsError('JWTPayloadSizeExceededException', message, 400),
  onlyUsers: () => Errors.accessDenied('Only IAM users can call this action'),
  /** A SerialNumber/TokenCode pair that does not hold (GetSessionToken, AssumeRole): no such device for the user. */
  mfaUnknownDevice: () =>
    Errors.accessDenied(
      'MultiFactorAuthentication failed, unable to validate MFA code.  Please verify your MFA serial number is valid and associated with this user.',
    ),
  /** ... or a code that is wrong or already used. */
  mfaInvalidCode: () =>
    Errors.accessDenied('MultiFactorAuthentication failed with invalid MFA one time pass code.'),
} as const;

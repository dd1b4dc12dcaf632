/**
 * The AWS error type. Domain code throws `AwsError` built by the builders below (and the services'
 * own error modules, such as iam/common/errors.ts); the route group's one renderer
 * (src/routes/errors.ts) turns it into AWS's XML envelope (query API) or `{ error: { code, message } }`
 * (JSON APIs). Codes and HTTP statuses follow the STS and IAM API references ("Common Errors" and
 * each action's "Errors" section).
 */
export type AwsErrorType = 'Sender' | 'Receiver';

export class AwsError extends Error {
  readonly code: string;
  readonly status: number;
  readonly type: AwsErrorType;
  /** Extra members of the JSON error object (the failing policy, seed issues); XML ignores them. */
  readonly details?: Readonly<Record<string, unknown>>;

  constructor(
    code: string,
    message: string,
    status = 400,
    type: AwsErrorType = 'Sender',
    details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'AwsError';
    this.code = code;
    this.status = status;
    this.type = type;
    if (details !== undefined) this.details = details;
  }
}

/** Builders for the errors whose wording users search for; keep messages exactly as AWS words them. */
export const Errors = {
  missingAuthenticationToken: () =>
    new AwsError('MissingAuthenticationToken', 'Request is missing Authentication Token', 403),
  incompleteSignature: (message: string) => new AwsError('IncompleteSignature', message, 400),
  invalidClientTokenId: () =>
    new AwsError(
      'InvalidClientTokenId',
      'The security token included in the request is invalid.',
      403,
    ),
  signatureDoesNotMatch: () =>
    new AwsError(
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
      403,
    ),
  /** SignatureDoesNotMatch with the specific reason AWS gives (scope, unsigned Host, ...). */
  invalidSignature: (message: string) => new AwsError('SignatureDoesNotMatch', message, 403),
  /** A signature scoped to another service than the one the endpoint serves. */
  wrongService: (service: string) =>
    Errors.invalidSignature(`Credential should be scoped to correct service: '${service}'. `),
  requestExpired: (message: string) => new AwsError('RequestExpired', message, 400),
  /** A signing date more than 15 minutes off: STS and IAM answer it as a signature mismatch. */
  signatureExpired: (message: string) => new AwsError('SignatureDoesNotMatch', message, 403),
  expiredToken: () =>
    new AwsError('ExpiredToken', 'The security token included in the request is expired', 403),
  accessDenied: (message: string) => new AwsError('AccessDenied', message, 403),
  notAuthorized: (callerArn: string, action: string, resource: string, why = '') =>
    new AwsError(
      'AccessDenied',
      `User: ${callerArn} is not authorized to perform: ${action} on resource: ${resource}${why}`,
      403,
    ),
  /** AWS's answer to a caller over its request rate (query APIs: HTTP 400, code Throttling). */
  throttling: () => new AwsError('Throttling', 'Rate exceeded', 400),
  validation: (message: string) => new AwsError('ValidationError', message, 400),
  /** A List* Marker this service did not issue (or one from another listing). */
  invalidMarker: () => new AwsError('ValidationError', 'Invalid Marker.', 400),
  /**
   * AWS's aggregated constraint message: "1 validation error detected: Value '...' at '...' failed
   * to satisfy constraint: ..."; a missing value is `Value null` (unquoted), as AWS writes it.
   */
  constraint: (violations: { value: string | null; member: string; constraint: string }[]) =>
    new AwsError(
      'ValidationError',
      `${violations.length} validation error${violations.length === 1 ? '' : 's'} detected: ` +
        violations
          .map(
            (v) =>
              `Value ${v.value === null ? 'null' : `'${v.value}'`} at '${v.member}' failed to satisfy constraint: ${v.constraint}`,
          )
          .join('; '),
      400,
    ),
  malformedPolicy: (message: string) => new AwsError('MalformedPolicyDocument', message, 400),
  packedPolicyTooLarge: (percent: number) =>
    new AwsError(
      'PackedPolicyTooLarge',
      `Packed policy consumes ${percent}% of allotted space`,
      400,
    ),
  packedTagsTooLarge: (percent: number) =>
    new AwsError(
      'PackedPolicyTooLarge',
      `Packed size of session tags consumes ${percent}% of allotted space.`,
      400,
    ),
  invalidAction: (action: string, version: string) =>
    new AwsError('InvalidAction', `Could not find operation ${action} for version ${version}`, 400),
  limitExceeded: (message: string) => new AwsError('LimitExceeded', message, 409),
  noSuchEntity: (message: string) => new AwsError('NoSuchEntity', message, 404),
  entityAlreadyExists: (message: string) => new AwsError('EntityAlreadyExists', message, 409),
  deleteConflict: (message: string) => new AwsError('DeleteConflict', message, 409),
  /** A query string or form body that cannot be read (bad UTF-8, a parameter given twice). */
  malformedQueryString: (message: string) => new AwsError('MalformedQueryString', message, 400),
  missingAction: () => new AwsError('MissingAction', 'Missing Action', 400),
  /** A body over the route's documented limit, refused before it is parsed. */
  requestTooLarge: (limit: number) =>
    new AwsError('RequestEntityTooLarge', `Request body exceeds ${limit} bytes`, 413),
  /**
   * A body that ended before its declared length or whose chunked framing is malformed (the code
   * and status S3 documents for a body shorter than its Content-Length).
   */
  incompleteBody: () =>
    new AwsError(
      'IncompleteBody',
      'The request body could not be read in full: it ended before its Content-Length, or its chunked framing is malformed.',
      400,
    ),
  /** A body that did not arrive in time (the code and status S3 documents for an idle upload). */
  requestTimeout: (ms: number) =>
    new AwsError(
      'RequestTimeout',
      `The request body did not arrive within ${ms / 1000} seconds.`,
      400,
    ),
  unsupportedMediaType: (message: string, status: 400 | 415 = 415) =>
    new AwsError('UnsupportedMediaType', message, status),
  /** A JSON API body that does not parse. */
  malformedRequest: (message = 'Request body is not valid JSON') =>
    new AwsError('MalformedRequest', message, 400),
  /** An admin API body that is not a JSON object. */
  invalidJson: (message: string) => new AwsError('InvalidJson', message, 400),
  /** A seed document that does not match the schema: the first issue, and all of them. */
  invalidSeed: (message: string, issues: { path: string; message: string }[]) =>
    new AwsError('InvalidSeed', message, 400, 'Sender', { issues }),
  /** An AuthZEN request that is not an evaluation request (the AuthZEN API's own code). */
  invalidRequest: (message: string) => new AwsError('InvalidRequest', message, 400),
  /** A JSON API input that parses but is not what the route takes (`details` names the part). */
  invalidInput: (message: string, details?: Record<string, unknown>) =>
    new AwsError('InvalidInput', message, 400, 'Sender', details),
  /** Input its parser refused with its own code (the evaluator's PolicyError, an AuthZEN item); `policy` names the policy at fault. */
  badInput: (code: string, message: string, policy?: string) =>
    new AwsError(code, message, 400, 'Sender', policy === undefined ? undefined : { policy }),
  routeNotFound: (method: string, path: string) =>
    new AwsError('NotFound', `No route for ${method} ${path}`, 404),
  /** A method a route does not take (the route sets Allow). */
  methodNotAllowed: (method: string, path: string, allow: string) =>
    new AwsError(
      'MethodNotAllowed',
      `${method} is not allowed on ${path} (allowed: ${allow})`,
      405,
    ),
  /** A JSON API refusing the request whatever the credentials (the demo's same-origin rule). */
  forbidden: (message: string) => new AwsError('Forbidden', message, 403),
  /** A JSON API over a per-client rate (HTTP 429; the route sets Retry-After). */
  tooManyRequests: (message: string) => new AwsError('ThrottlingException', message, 429),
  /** A feature this deployment has switched off. */
  disabled: (code: string, message: string) => new AwsError(code, message, 404),
  unauthorized: (message: string) => new AwsError('Unauthorized', message, 401),
  /** A bearer token that is not the deployment's (AuthZEN in bearer mode). */
  invalidBearerToken: () =>
    new AwsError('InvalidToken', 'The bearer token is not valid for this deployment.', 401),
  /**
   * A JSON API whose every authentication failure is HTTP 401 (AuthZEN's HTTPS binding), keeping
   * AWS's code and message (InvalidClientTokenId, SignatureDoesNotMatch, ...) so the cause is clear.
   */
  unauthenticated: (cause: AwsError) => new AwsError(cause.code, cause.message, 401),
  internalFailure: () =>
    new AwsError(
      'InternalFailure',
      'The request processing has failed because of an unknown error, exception or failure.',
      500,
      'Receiver',
    ),
} as const;

const VERIFICATION_KEY =
  "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements";

/**
 * AssumeRoleWithWebIdentity's errors (STS API Reference, "AssumeRoleWithWebIdentity" > Errors), worded
 * as STS words them: codes are the query-protocol codes of the STS service model.
 */
export const WebIdentityErrors = {
  notJwt: () =>
    new AwsError(
      'InvalidIdentityToken',
      'The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)',
      400,
    ),
  noProvider: (issuer: string) =>
    new AwsError(
      'InvalidIdentityToken',
      `No OpenIDConnect provider found in your account for ${issuer}`,
      400,
    ),
  audience: () => new AwsError('InvalidIdentityToken', 'Incorrect token audience', 400),
  missingClaim: (claim: string) =>
    new AwsError('InvalidIdentityToken', `Missing a required claim: ${claim}`, 400),
  /** Bad signature, unknown key id, refused algorithm, a claim that is not yet valid. */
  invalid: () =>
    new AwsError(
      'InvalidIdentityToken',
      'The web identity token that was passed could not be validated by AWS. Get a new identity token from the identity provider and then retry the request.',
      400,
    ),
  /** The provider's keys cannot be used (a JWKS without usable keys, a key of the wrong type). */
  unusableKeys: () => new AwsError('InvalidIdentityToken', VERIFICATION_KEY, 400),
  expired: (nowSeconds: number, expSeconds: number) =>
    new AwsError(
      'ExpiredTokenException',
      `Token expired: current date/time ${nowSeconds} must be before the expiration date/time ${expSeconds}`,
      400,
    ),
  /** The provider's discovery document or JWKS could not be fetched. */
  unreachable: () => new AwsError('IDPCommunicationError', VERIFICATION_KEY, 400),
  rejected: (message: string) => new AwsError('IDPRejectedClaim', message, 403),
  /** A claim AWS reads (session tags, source identity) that is not in the documented shape. */
  badClaim: (message: string) => new AwsError('InvalidIdentityToken', message, 400),
  denied: () =>
    new AwsError('AccessDenied', 'Not authorized to perform sts:AssumeRoleWithWebIdentity', 403),
} as const;

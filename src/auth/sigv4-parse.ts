/**
 * Reading SigV4 authentication from a request: the Authorization header ("Add the signature to the
 * HTTP request") or a presigned query string ("Authenticating requests: using query parameters").
 * Checks run in the order AWS's front end applies them, so the first error a client sees is the
 * one AWS would give; messages are AWS's wording.
 */
import { AwsError, Errors } from '../protocol/errors.ts';
import { formPairs } from '../protocol/form.ts';

export const SIGV4_ALGORITHM = 'AWS4-HMAC-SHA256';
/** Requests are accepted within 15 minutes either side of their timestamp (STS/IAM "Common Errors", RequestExpired). */
export const MAX_SKEW_MS = 15 * 60 * 1000;
/** A presigned URL lives at most 7 days ("Authenticating Requests: Using Query Parameters", X-Amz-Expires). */
export const MAX_PRESIGNED_EXPIRES_SECONDS = 604800;

export interface SigV4Input {
  method: string;
  url: string;
  headers: Headers;
  body: Uint8Array;
  /**
   * The URL's parameters exactly as the operation reads them (protocol/form.ts). The canonical
   * query string is built from these; when absent they are decoded from `url` the same way.
   */
  query?: [string, string][];
}

export interface SigV4Scope {
  date: string;
  region: string;
  service: string;
}

export interface SigV4Request {
  /** Where the signature came from. */
  kind: 'header' | 'presigned';
  accessKeyId: string;
  scope: SigV4Scope;
  /** `date/region/service/aws4_request`, as it goes into the string to sign. */
  credentialScope: string;
  /** The SignedHeaders list exactly as sent (`content-type;host;x-amz-date`). */
  signedHeaders: string;
  signature: string;
  /** The request timestamp in ISO 8601 basic format (`20150830T123600Z`). */
  amzDate: string;
  /** The same timestamp, epoch milliseconds. */
  signedAt: number;
  /** Presigned URLs only: X-Amz-Expires in seconds, when given. */
  expiresIn?: number;
  /** X-Amz-Security-Token (header, or query parameter of a presigned URL) for temporary credentials. */
  securityToken?: string;
  /** The request itself, needed to rebuild the canonical request. */
  request: SigV4Input;
  /** The URL's parameters, decoded once (protocol/form.ts), in their original order. */
  query: [string, string][];
}

export interface ParseOptions {
  /** When given, the 15-minute clock-skew and presigned-expiry checks run here, in AWS's order. */
  now?: Date;
  /** When given, the credential scope's service must be one of these. */
  services?: readonly string[];
}

const MAX_REGION_CHARS = 32;

const BASIC_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/** ISO 8601 basic format, the form of X-Amz-Date. */
export function formatAmzDate(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

function parseAmzDate(value: string): number | null {
  const m = BASIC_DATE.exec(value);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number);
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(ms);
  // Reject calendar overflow such as month 13 or 30 February.
  if (back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) {
    return null;
  }
  return ms;
}

function badDate(value: string): AwsError {
  return Errors.incompleteSignature(
    `Date must be in ISO-8601 'basic format'. Got '${value}'. See http://en.wikipedia.org/wiki/ISO_8601`,
  );
}

/** The request time from X-Amz-Date, or from an RFC 1123 `Date` header when X-Amz-Date is absent. */
function readDate(
  amzDate: string | null,
  httpDate: string | null,
): { amzDate: string; at: number } {
  if (amzDate !== null) {
    const at = parseAmzDate(amzDate);
    if (at === null) throw badDate(amzDate);
    return { amzDate, at };
  }
  const at = httpDate === null ? NaN : Date.parse(httpDate);
  if (Number.isNaN(at)) throw badDate(httpDate ?? '');
  return { amzDate: formatAmzDate(new Date(at)), at };
}

/**
 * A timestamp more than 15 minutes from `now` is SignatureDoesNotMatch (403) worded as STS and IAM
 * word it ("Signature expired: ... is now earlier than ...", "Signature not yet current: ..."); a
 * presigned URL past X-Amz-Expires is RequestExpired.
 */
export function checkFreshness(
  parsed: Pick<SigV4Request, 'amzDate' | 'signedAt' | 'expiresIn'>,
  now: Date,
): void {
  const nowMs = now.getTime();
  const stamp = (ms: number) => formatAmzDate(new Date(ms));
  if (parsed.signedAt < nowMs - MAX_SKEW_MS) {
    throw Errors.signatureExpired(
      `Signature expired: ${parsed.amzDate} is now earlier than ${stamp(nowMs - MAX_SKEW_MS)} (${stamp(nowMs)} - 15 min.)`,
    );
  }
  if (parsed.signedAt > nowMs + MAX_SKEW_MS) {
    throw Errors.signatureExpired(
      `Signature not yet current: ${parsed.amzDate} is still later than ${stamp(nowMs + MAX_SKEW_MS)} (${stamp(nowMs)} + 15 min.)`,
    );
  }
  if (parsed.expiresIn !== undefined && nowMs > parsed.signedAt + parsed.expiresIn * 1000) {
    throw Errors.requestExpired('Request has expired');
  }
}

/** SignedHeaders lists at most this long are read without counting the request's headers. */
const FEW_SIGNED_HEADERS = 16;

/**
 * A signer lists each header it signed once, and signs only headers it sends: a SignedHeaders list
 * naming more headers than the request carries (plus `host` and `:authority`, which a request
 * built without a Host header still has in its URL) repeats a name or names a header that is not
 * there, so no signature over it can match. Refused before the list is split or read: each name
 * costs a header lookup when the canonical request is built, and a 120 KB Authorization header
 * holds 60,000 names (`host;host;...`, 71 ms of CPU on the local server before this check).
 * Counts by scanning for `;`, and counts the request's headers only for a list longer than
 * FEW_SIGNED_HEADERS, so an ordinary request pays one short scan.
 */
function requirePlausibleSignedHeaders(signedHeaders: string, headers: Headers): void {
  let names = 1;
  let carried = -1;
  for (let i = signedHeaders.indexOf(';'); i >= 0; i = signedHeaders.indexOf(';', i + 1)) {
    if (++names <= FEW_SIGNED_HEADERS) continue;
    if (carried < 0) {
      carried = 2;
      for (const _ of headers.keys()) carried++;
    }
    if (names > carried) {
      throw Errors.invalidSignature(
        "'SignedHeaders' names more headers than the request carries: each signed header must be sent, and listed once.",
      );
    }
  }
}

function requireHostSigned(signedHeaders: string): void {
  const names = signedHeaders.toLowerCase().split(';');
  if (!names.includes('host') && !names.includes(':authority')) {
    throw Errors.invalidSignature(
      "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
    );
  }
}

function requireAlgorithm(algorithm: string): void {
  if (algorithm !== SIGV4_ALGORITHM) {
    throw Errors.incompleteSignature(
      `Unsupported AWS 'algorithm': '${algorithm}' (only AWS4-HMAC-SHA256 for now). `,
    );
  }
}

/**
 * Credential = AKID/YYYYMMDD/region/service/aws4_request ("Elements of an AWS API request
 * signature"). Trailing slashes are ignored; scope errors are reported together, as AWS does.
 */
function readCredential(
  credential: string,
  amzDate: string,
  services: readonly string[] | undefined,
): { accessKeyId: string; scope: SigV4Scope } {
  const parts = credential.replace(/\/+$/, '').split('/');
  if (parts.length !== 5) {
    throw Errors.incompleteSignature(
      `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${credential}'`,
    );
  }
  const [accessKeyId, date, region, service, terminator] = parts;
  let problems = '';
  // Region codes are short (us-east-1, ap-southeast-5, us-gov-west-1); a longer scope names no
  // Region, and would only grow the signing-key cache (auth/signing-key.ts) entry by entry.
  if (!/^[A-Za-z0-9-]+$/.test(region) || region.length > MAX_REGION_CHARS) {
    problems += `Credential should be scoped to a valid region, not '${region}'. `;
  }
  if (services && !services.includes(service)) {
    problems += `Credential should be scoped to correct service: '${services[0]}'. `;
  }
  if (terminator !== 'aws4_request') {
    problems += `Credential should be scoped with a valid terminator: 'aws4_request', not '${terminator}'. `;
  }
  if (date !== amzDate.slice(0, 8)) {
    problems += `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${date}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`;
  }
  if (problems) throw Errors.invalidSignature(problems.trimEnd());
  return { accessKeyId, scope: { date, region, service } };
}

/** `Credential=..., SignedHeaders=..., Signature=...` after the algorithm, as a map. */
function readAuthorizationParams(header: string): {
  algorithm: string;
  params: Map<string, string>;
} {
  const trimmed = header.trim();
  const space = trimmed.search(/\s/);
  const algorithm = space < 0 ? trimmed : trimmed.slice(0, space);
  const rest = space < 0 ? '' : trimmed.slice(space + 1);
  const params = new Map<string, string>();
  for (const raw of rest.split(',')) {
    const part = raw.trim();
    if (part === '') continue;
    const eq = part.indexOf('=');
    if (eq < 0) {
      throw Errors.incompleteSignature(
        `'${part}' not a valid key=value pair (missing equal-sign) in Authorization header: '${header}'.`,
      );
    }
    // Two Authorization headers arrive as one value joined by a comma (RFC 9110 section 5.3), so
    // the second one's parameters follow the first's, its algorithm glued to its first name
    // (`AWS4-HMAC-SHA256 Credential`). A request carries one signature: which of two was meant
    // cannot be known, and taking the Credential of one and the Signature of the other (as a
    // last-wins map would) is no signature at all. So a name seen twice, or a name with a space
    // in it, is refused, never resolved.
    const name = part.slice(0, eq).trim();
    const last = name.slice(name.search(/\S+$/));
    if (params.has(last)) {
      throw Errors.incompleteSignature(
        `Authorization header has a repeated '${last}' parameter (send one Authorization header). Authorization=${header}`,
      );
    }
    if (last !== name) {
      throw Errors.incompleteSignature(
        `'${name}' is not a valid parameter name in Authorization header: '${header}'.`,
      );
    }
    params.set(name, part.slice(eq + 1).trim());
  }
  return { algorithm, params };
}

function fromHeader(
  req: SigV4Input,
  header: string,
  query: [string, string][],
  opts: ParseOptions,
): SigV4Request {
  const { algorithm, params } = readAuthorizationParams(header);
  const credential = params.get('Credential');
  const signedHeaders = params.get('SignedHeaders');
  const signature = params.get('Signature');
  const amzDateHeader = req.headers.get('x-amz-date');
  // X-Amz-Date wins when both are sent (readDate): Date is read only without it.
  const httpDate = amzDateHeader === null ? req.headers.get('date') : null;

  let missing = '';
  if (credential === undefined) missing += "Authorization header requires 'Credential' parameter. ";
  if (signature === undefined) missing += "Authorization header requires 'Signature' parameter. ";
  if (signedHeaders === undefined) {
    missing += "Authorization header requires 'SignedHeaders' parameter. ";
  }
  if (amzDateHeader === null && httpDate === null) {
    missing +=
      "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ";
  }
  if (
    missing ||
    credential === undefined ||
    signature === undefined ||
    signedHeaders === undefined
  ) {
    throw Errors.incompleteSignature(`${missing}Authorization=${header}`);
  }

  const { amzDate, at } = readDate(amzDateHeader, httpDate);
  const securityToken =
    req.headers.get('x-amz-security-token') ??
    query.find(([k]) => k === 'X-Amz-Security-Token')?.[1];
  const draft = { kind: 'header', amzDate, signedAt: at, request: req, query } as const;
  return finish(draft, { algorithm, credential, signedHeaders, signature, securityToken }, opts);
}

function fromQuery(req: SigV4Input, query: [string, string][], opts: ParseOptions): SigV4Request {
  const get = (name: string) => query.find(([k]) => k === name)?.[1];
  const algorithm = get('X-Amz-Algorithm');
  const credential = get('X-Amz-Credential');
  const amzDateParam = get('X-Amz-Date');
  const signedHeaders = get('X-Amz-SignedHeaders');
  const signature = get('X-Amz-Signature');
  const expires = get('X-Amz-Expires');

  let missing = '';
  const required: [string, string | undefined][] = [
    ['X-Amz-Algorithm', algorithm],
    ['X-Amz-Credential', credential],
    ['X-Amz-Signature', signature],
    ['X-Amz-SignedHeaders', signedHeaders],
    ['X-Amz-Date', amzDateParam],
  ];
  for (const [name, value] of required) {
    if (value === undefined) missing += `AWS query-string parameters must include '${name}'. `;
  }
  if (
    missing ||
    algorithm === undefined ||
    credential === undefined ||
    signature === undefined ||
    signedHeaders === undefined ||
    amzDateParam === undefined
  ) {
    throw Errors.incompleteSignature(`${missing}Re-examine the query-string parameters.`);
  }

  const { amzDate, at } = readDate(amzDateParam, null);
  let expiresIn: number | undefined;
  if (expires !== undefined) {
    if (!/^\d{1,10}$/.test(expires)) {
      throw Errors.incompleteSignature(
        `X-Amz-Expires should be a number. Got '${expires}'. Re-examine the query-string parameters.`,
      );
    }
    expiresIn = Number(expires);
    if (expiresIn > MAX_PRESIGNED_EXPIRES_SECONDS) {
      throw Errors.incompleteSignature(
        'X-Amz-Expires must be less than a week (in seconds) that is 604800',
      );
    }
  }
  const securityToken =
    get('X-Amz-Security-Token') ?? req.headers.get('x-amz-security-token') ?? undefined;
  const draft = {
    kind: 'presigned',
    amzDate,
    signedAt: at,
    expiresIn,
    request: req,
    query,
  } as const;
  return finish(draft, { algorithm, credential, signedHeaders, signature, securityToken }, opts);
}

function finish(
  draft: Pick<SigV4Request, 'kind' | 'amzDate' | 'signedAt' | 'expiresIn' | 'request' | 'query'>,
  fields: {
    algorithm: string;
    credential: string;
    signedHeaders: string;
    signature: string;
    securityToken: string | undefined;
  },
  opts: ParseOptions,
): SigV4Request {
  if (opts.now) checkFreshness(draft, opts.now);
  requirePlausibleSignedHeaders(fields.signedHeaders, draft.request.headers);
  requireHostSigned(fields.signedHeaders);
  requireAlgorithm(fields.algorithm);
  const { accessKeyId, scope } = readCredential(fields.credential, draft.amzDate, opts.services);
  const parsed: SigV4Request = {
    ...draft,
    accessKeyId,
    scope,
    credentialScope: `${scope.date}/${scope.region}/${scope.service}/aws4_request`,
    signedHeaders: fields.signedHeaders,
    signature: fields.signature,
  };
  if (parsed.expiresIn === undefined) delete parsed.expiresIn;
  if (fields.securityToken !== undefined) parsed.securityToken = fields.securityToken;
  return parsed;
}

/**
 * The request's SigV4 authentication, or null when it carries none (no Authorization header and no
 * presigned X-Amz-* parameters): the caller then answers MissingAuthenticationToken, or serves an
 * operation that needs no signature (AssumeRoleWithWebIdentity). Throws AwsError for a malformed
 * signature (IncompleteSignature, SignatureDoesNotMatch for scope/host errors and, when `now`
 * is given, a signing date more than 15 minutes off; RequestExpired for an expired presigned URL).
 */
export function parseSigV4(req: SigV4Input, opts: ParseOptions = {}): SigV4Request | null {
  const query = req.query ?? formPairs(new URL(req.url).search.slice(1));
  const header = req.headers.get('authorization');
  if (header !== null && header.trim() !== '') return fromHeader(req, header, query, opts);
  const presigned = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature'];
  if (query.some(([k]) => presigned.includes(k))) return fromQuery(req, query, opts);
  return null;
}

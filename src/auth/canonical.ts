/**
 * The canonical request and string to sign of AWS Signature Version 4, as the IAM User Guide
 * describes them ("Create a canonical request for Signature Version 4", "Create a string to sign").
 */

/** SigV4's URI-encode: every byte except the unreserved `A-Za-z0-9-_.~` becomes `%XY` (uppercase hex). */
export function awsUriEncode(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function decodeLenient(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * CanonicalURI: the normalised absolute path (RFC 3986 dot segments resolved, empty segments
 * dropped), each segment URI-encoded. Services other than S3 normalise paths; STS and IAM use `/`.
 */
export function canonicalUri(rawPath: string): string {
  const segments: string[] = [];
  for (const raw of rawPath.split('/')) {
    const segment = decodeLenient(raw);
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  if (segments.length === 0) return '/';
  const trailing = rawPath.endsWith('/') ? '/' : '';
  return `/${segments.map(awsUriEncode).join('/')}${trailing}`;
}

/**
 * CanonicalQueryString: each name and value URI-encoded, sorted by encoded name then value; a name
 * without a value gets an empty value. `omit` drops X-Amz-Signature from presigned URLs.
 */
export function canonicalQuery(params: [string, string][], omit?: string): string {
  return params
    .filter(([name]) => name !== omit)
    .map(([name, value]) => [awsUriEncode(name), awsUriEncode(value)] as const)
    .sort(([an, av], [bn, bv]) => (an < bn ? -1 : an > bn ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

/** A header value trimmed, with sequential whitespace collapsed to one space. */
export function canonicalHeaderValue(value: string): string {
  return value.replace(/[ \t\r\n]+/g, ' ').trim();
}

/**
 * CanonicalHeaders for the signed header names (already lowercase and sorted). A missing header
 * canonicalises to an empty value, so the signature cannot match one that was signed with a value.
 */
export function canonicalHeaders(names: string[], get: (name: string) => string | null): string {
  return names.map((name) => `${name}:${canonicalHeaderValue(get(name) ?? '')}\n`).join('');
}

export interface CanonicalParts {
  method: string;
  uri: string;
  query: string;
  headers: string;
  signedHeaders: string;
  payloadHash: string;
}

export function canonicalRequest(p: CanonicalParts): string {
  return [p.method, p.uri, p.query, p.headers, p.signedHeaders, p.payloadHash].join('\n');
}

export function stringToSign(
  amzDate: string,
  credentialScope: string,
  canonicalRequestHash: string,
): string {
  return ['AWS4-HMAC-SHA256', amzDate, credentialScope, canonicalRequestHash].join('\n');
}

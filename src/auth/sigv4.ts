/**
 * AWS Signature Version 4 verification ("Signature Version 4 signing process", IAM User Guide):
 * rebuild the canonical request, the string to sign and the signing key from the secret the caller
 * looked up, and compare signatures in constant time.
 */
import { Errors } from '../protocol/errors.ts';
import {
  canonicalHeaders,
  canonicalQuery,
  canonicalRequest,
  canonicalUri,
  stringToSign,
} from './canonical.ts';
import { fromHex, utf8 } from './encoding.ts';
import { sha256Hex, signingKey } from './signing-key.ts';
import { checkFreshness, type SigV4Request } from './sigv4-parse.ts';

export {
  checkFreshness,
  formatAmzDate,
  parseSigV4,
  type ParseOptions,
  type SigV4Input,
  type SigV4Request,
  type SigV4Scope,
} from './sigv4-parse.ts';

const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
/**
 * An HTTP field name (RFC 9110 section 5.1, a token). The SignedHeaders list is the caller's text:
 * a name that no request can carry (`bad name`) names no header, so it canonicalises to an empty
 * value and the signature does not match, instead of making the header lookup throw.
 */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/**
 * The payload hashes a valid signature may have used. With the Authorization header it is the
 * SHA-256 of the body the server received (STS and IAM hash the body themselves; a signed
 * x-amz-content-sha256 header is covered as a header, so a different value fails). A presigned
 * URL without a body may also have been signed with UNSIGNED-PAYLOAD, as S3-style signers do.
 */
async function payloadHashes(parsed: SigV4Request): Promise<string[]> {
  const body = parsed.request.body;
  const hash = body.length === 0 ? EMPTY_SHA256 : await sha256Hex(new Uint8Array(body));
  return parsed.kind === 'presigned' && body.length === 0 ? [hash, UNSIGNED_PAYLOAD] : [hash];
}

/** The canonical request for one payload hash ("Create a canonical request for Signature Version 4"). */
export function buildCanonicalRequest(parsed: SigV4Request, payloadHash: string): string {
  const { request } = parsed;
  const url = new URL(request.url);
  const names = parsed.signedHeaders.split(';').map((n) => n.toLowerCase());
  // HTTP/2 clients may sign the :authority pseudo-header instead of Host; both carry the host.
  const header = (name: string): string | null =>
    name === 'host' || name === ':authority'
      ? (request.headers.get('host') ?? url.host)
      : HEADER_NAME.test(name)
        ? request.headers.get(name)
        : null;
  return canonicalRequest({
    method: request.method.toUpperCase(),
    uri: canonicalUri(url.pathname),
    query: canonicalQuery(
      parsed.query,
      parsed.kind === 'presigned' ? 'X-Amz-Signature' : undefined,
    ),
    headers: canonicalHeaders(names, header),
    signedHeaders: parsed.signedHeaders.toLowerCase(),
    payloadHash,
  });
}

/**
 * Verifies the signature with the secret access key behind `parsed.accessKeyId`. Throws
 * SignatureDoesNotMatch (a wrong signature, or more than 15 minutes of skew) or RequestExpired (a
 * presigned URL past X-Amz-Expires). Any region; the service is whatever the scope names (the caller checks it).
 */
export async function verifySigV4(
  parsed: SigV4Request,
  secretAccessKey: string,
  now: Date,
): Promise<void> {
  checkFreshness(parsed, now);
  const provided = fromHex(parsed.signature);
  if (provided === null || provided.length !== 32) throw Errors.signatureDoesNotMatch();
  const { date, region, service } = parsed.scope;
  const key = await signingKey(secretAccessKey, date, region, service);
  for (const payloadHash of await payloadHashes(parsed)) {
    const canonical = buildCanonicalRequest(parsed, payloadHash);
    const toSign = stringToSign(
      parsed.amzDate,
      parsed.credentialScope,
      await sha256Hex(utf8(canonical)),
    );
    // HMAC verify compares in constant time ("Calculate the signature", step 4).
    if (await crypto.subtle.verify('HMAC', key, provided, utf8(toSign))) return;
  }
  throw Errors.signatureDoesNotMatch();
}

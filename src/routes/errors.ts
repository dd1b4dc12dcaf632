import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { AwsError, Errors } from '../protocol/errors.ts';
import { renderError, type Service } from '../protocol/xml.ts';
import { requestIdFor } from './request-id.ts';

/**
 * The one error path (as Hono's errorHandler is): domain code throws AwsError, and each route group
 * picks one of the two renderers below once, with `routes.onError(...)`. Anything that is not an
 * AwsError is a bug: logged, answered InternalFailure 500, never with its details.
 */
export function asAwsError(err: unknown): AwsError {
  if (err instanceof AwsError) return err;
  console.error('unhandled error', err);
  return Errors.internalFailure();
}

const jsonBody = (error: AwsError) => ({
  error: { code: error.code, message: error.message, ...error.details },
});

/** `{ "error": { "code", "message", ...details } }` with the error's status: every JSON API. */
export function jsonError(c: Context, error: AwsError): Response {
  return c.json(jsonBody(error), error.status as 400);
}

/** The same JSON error outside a route (the rate limits, src/routes/limits.ts). */
export function jsonErrorResponse(error: AwsError, headers: Record<string, string>): Response {
  return Response.json(jsonBody(error), { status: error.status, headers });
}

/**
 * The service a query request is for, before its parameters are read: IAM when its SigV4 scope
 * (the Authorization header's, or a presigned URL's X-Amz-Credential) names `iam`, else STS.
 */
export function scopedService(request: Request): Service {
  const auth = request.headers.get('authorization') ?? request.url;
  return /(?:\/|%2F)iam(?:\/|%2F)aws4_request/i.test(auth) ? 'iam' : 'sts';
}

/** AWS's XML error envelope with a request id: the query API (STS and IAM). */
export function xmlError(c: Context, error: AwsError): Response {
  const requestId = (c.get('requestId') as string | undefined) ?? crypto.randomUUID();
  // An error before the route knew the service (a body it could not read or decode) is in the
  // namespace of the service the signature is scoped to, as IAM's own endpoint would answer it.
  const service = (c.get('service') as Service | undefined) ?? scopedService(c.req.raw);
  return c.body(renderError(service, error, requestId), error.status as 400, xmlHeaders(requestId));
}

/** The same XML error outside a route (the rate limits, src/routes/limits.ts). */
export function xmlErrorResponse(service: Service, error: AwsError, requestId: string): Response {
  return new Response(renderError(service, error, requestId), {
    status: error.status,
    headers: xmlHeaders(requestId),
  });
}

const xmlHeaders = (requestId: string) => ({
  'Content-Type': 'text/xml',
  'x-amzn-RequestId': requestId,
  // The server's clock, as AWS sends it: after a clock-skew error (SignatureDoesNotMatch
  // "Signature expired") the JS SDK corrects its offset from it and retries.
  Date: new Date().toUTCString(),
});

/**
 * A JSON API's throttled answer, to throw: 429 `ThrottlingException`, with Retry-After `seconds`
 * set on `c` (the route's error handler keeps it) and no caching.
 */
export function throttledError(
  c: Context,
  seconds: number,
  message = 'Too many requests from your network address; wait a few seconds.',
): AwsError {
  c.header('Retry-After', String(seconds));
  c.header('Cache-Control', 'no-store');
  return Errors.tooManyRequests(message);
}

export const jsonErrors: ErrorHandler = (err, c) => jsonError(c, asAwsError(err));
export const xmlErrors: ErrorHandler = (err, c) => xmlError(c, asAwsError(err));

/**
 * Any path no route takes: a JSON NotFound. Under /access (the AuthZEN APIs, whose answers all carry
 * X-Request-ID: docs/authzen.md) it echoes the request's id, or makes one.
 */
export const routeNotFound: NotFoundHandler = (c) => {
  const path = new URL(c.req.url).pathname;
  if (path.startsWith('/access/')) {
    c.header('X-Request-ID', requestIdFor(c.req.raw.headers));
  }
  return jsonError(c, Errors.routeNotFound(c.req.method, path));
};

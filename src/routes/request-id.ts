/**
 * The X-Request-ID of an AuthZEN answer: the request's own ("If the PEP specified a request
 * identifier in the request, the PDP MUST include the same identifier in the response", HTTPS
 * binding, Request Identification), else a fresh one. Ids are UUIDs or trace ids; one longer than
 * MAX_REQUEST_ID characters is not echoed (a header of tens of kilobytes sent back passes what HTTP
 * clients take in a response: Node's allows 16 KB of headers in all). The evaluation APIs refuse
 * it (400, `requireEchoableRequestId`); other answers carry a fresh id instead.
 */
export const MAX_REQUEST_ID = 1024;

export function requestIdFor(headers: Headers): string {
  const id = headers.get('x-request-id');
  return id !== null && id.length <= MAX_REQUEST_ID ? id : crypto.randomUUID();
}

/** Whether the request's X-Request-ID (if any) is one an answer can echo. */
export function echoableRequestId(headers: Headers): boolean {
  const id = headers.get('x-request-id');
  return id === null || id.length <= MAX_REQUEST_ID;
}

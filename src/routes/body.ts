import { Errors } from '../protocol/errors.ts';

/**
 * A request body read whole, or null past `limit` bytes. With a Content-Length the runtime frames
 * the body to exactly that many bytes, so it is read in one call once the length is known to fit;
 * without one (chunked) it is counted as it streams and abandoned past the limit. A body that cannot
 * be read in full (malformed chunked framing, a connection that ends before the declared length) is
 * the client's error: 400 IncompleteBody, never a 500. A body still arriving after `deadlineMs`
 * (a Content-Length larger than what is sent, a chunked body that never ends) is answered 400
 * RequestTimeout then, instead of holding the request for as long as the client keeps it open.
 */
export async function readBody(
  req: Request,
  limit: number,
  deadlineMs = BODY_DEADLINE_MS,
): Promise<Uint8Array | null> {
  const declared = req.headers.get('content-length');
  if (declared !== null && Number(declared) > limit) return null;
  const stream = req.body;
  if (!stream) return new Uint8Array(0);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(TIMED_OUT), deadlineMs);
  });
  try {
    return await Promise.race([read(req, stream, declared, limit), deadline]);
  } catch (e) {
    if (e === TIMED_OUT) {
      stream.cancel().catch(() => {});
      throw Errors.requestTimeout(deadlineMs);
    }
    throw Errors.incompleteBody();
  } finally {
    clearTimeout(timer);
  }
}

/** How long a body may take to arrive: 256 KiB in 10 s is 26 KB/s, a slow link's pace. */
export const BODY_DEADLINE_MS = 10_000;
const TIMED_OUT = Symbol('body deadline');

async function read(
  req: Request,
  stream: ReadableStream<Uint8Array>,
  declared: string | null,
  limit: number,
): Promise<Uint8Array | null> {
  if (declared !== null && /^\d+$/.test(declared)) {
    const bytes = new Uint8Array(await req.arrayBuffer());
    return bytes.byteLength > limit ? null : bytes;
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += chunk.byteLength;
    if (size > limit) return null;
    chunks.push(chunk);
  }
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

import { Errors } from '../protocol/errors.ts';

/**
 * A request body read whole, or null past `limit` bytes. With a Content-Length the runtime frames
 * the body to exactly that many bytes, so it is read in one call once the length is known to fit;
 * without one (chunked) it is counted as it streams and abandoned past the limit. A body that cannot
 * be read in full (malformed chunked framing, a connection that ends before the declared length) is
 * the client's error: 400 IncompleteBody, never a 500.
 */
export async function readBody(req: Request, limit: number): Promise<Uint8Array | null> {
  const declared = req.headers.get('content-length');
  if (declared !== null && Number(declared) > limit) return null;
  const stream = req.body;
  if (!stream) return new Uint8Array(0);
  try {
    return await read(req, stream, declared, limit);
  } catch {
    throw Errors.incompleteBody();
  }
}

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

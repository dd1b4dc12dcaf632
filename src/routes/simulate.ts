import { Hono } from 'hono';
import type { Context } from 'hono';
import { parseSimulateInput, PolicyError, simulate } from '../policy/index.ts';

/**
 * Bodies above this are refused before parsing. Compiling the policies of a body is linear in its
 * size; at 128 KiB it stays within the evaluator's per-request CPU bound (docs/security.md).
 */
export const SIMULATE_BODY_LIMIT = 128 * 1024;

type ErrorStatus = 400 | 413 | 415;

function error(c: Context, status: ErrorStatus, code: string, message: string, policy?: string) {
  const body: { code: string; message: string; policy?: string } = { code, message };
  if (policy !== undefined) body.policy = policy;
  return c.json({ error: body }, status);
}

/** POST /v1/simulate (CONTRACT.md section 3): one request against inline policies. */
export const simulateRoutes = new Hono();

simulateRoutes.post('/', async (c) => {
  const type = (c.req.header('content-type') ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/json' && !type.endsWith('+json')) {
    return error(c, 415, 'UnsupportedMediaType', 'Content-Type must be application/json');
  }
  const declared = Number(c.req.header('content-length') ?? '0');
  const tooLarge = () =>
    error(c, 413, 'RequestEntityTooLarge', `Request body exceeds ${SIMULATE_BODY_LIMIT} bytes`);
  if (declared > SIMULATE_BODY_LIMIT) return tooLarge();
  const bytes = await c.req.arrayBuffer();
  if (bytes.byteLength > SIMULATE_BODY_LIMIT) return tooLarge();
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return error(c, 400, 'MalformedRequest', 'Request body is not valid JSON');
  }
  try {
    return c.json(simulate(parseSimulateInput(value)));
  } catch (e) {
    if (e instanceof PolicyError) return error(c, 400, e.code, e.message, e.policy);
    throw e;
  }
});

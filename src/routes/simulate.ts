import { Hono } from 'hono/tiny';
import { parseSimulateInput, PolicyError, simulate } from '../policy/index.ts';
import { Errors } from '../protocol/errors.ts';
import { readBody } from './body.ts';
import { jsonErrors } from './errors.ts';

/**
 * Bodies above this are refused before parsing. Compiling the policies of a body is linear in its
 * size; at 128 KiB it stays within the evaluator's per-request CPU bound (docs/security.md).
 */
export const SIMULATE_BODY_LIMIT = 128 * 1024;

/** JSON bodies are UTF-8: invalid bytes are refused (MalformedRequest), never replaced. */
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** POST /v1/simulate (docs/simulate.md): one request against inline policies. */
export const simulateRoutes = new Hono();
simulateRoutes.onError(jsonErrors);

simulateRoutes.post('/', async (c) => {
  const type = (c.req.header('content-type') ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/json' && !type.endsWith('+json')) {
    throw Errors.unsupportedMediaType('Content-Type must be application/json');
  }
  // Counted as it streams: a chunked body past the limit is abandoned, never held whole.
  const bytes = await readBody(c.req.raw, SIMULATE_BODY_LIMIT);
  if (bytes === null) throw Errors.requestTooLarge(SIMULATE_BODY_LIMIT);
  let value: unknown;
  try {
    value = JSON.parse(utf8.decode(bytes));
  } catch {
    throw Errors.malformedRequest();
  }
  try {
    return c.json(simulate(parseSimulateInput(value)));
  } catch (e) {
    if (e instanceof PolicyError) throw Errors.badInput(e.code, e.message, e.policy);
    throw e;
  }
});

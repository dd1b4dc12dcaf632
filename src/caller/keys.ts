import { deriveKeys } from '../auth/token.ts';

type Keys = Awaited<ReturnType<typeof deriveKeys>>;
let cached: { secret: string; keys: Promise<Keys> } | undefined;

/** The seal and MAC keys derived from the SEAL_KEY secret, derived once per isolate. */
export function secretKeys(secret: string): Promise<Keys> {
  if (!secret) throw new Error('SEAL_KEY is not configured');
  if (cached?.secret !== secret) cached = { secret, keys: deriveKeys(secret) };
  return cached.keys;
}

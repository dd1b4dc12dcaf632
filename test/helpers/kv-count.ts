import { env } from 'cloudflare:workers';

/**
 * The IAM namespace wrapped to count KV operations: Cloudflare allows 1,000 per Worker invocation
 * and local workerd does not enforce it, so tests count them. `keysRead` lists every key asked of
 * `get` (one or a bulk read's many), in order. Every call reaches the real local binding (no mock).
 */
export function countingKv(): { kv: KVNamespace; ops: () => number; keysRead: string[] } {
  let ops = 0;
  const keysRead: string[] = [];
  const kv = new Proxy(env.IAM, {
    get(target, name) {
      const value = Reflect.get(target, name) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        ops++;
        if (name === 'get') keysRead.push(...[args[0]].flat().map(String));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { kv, ops: () => ops, keysRead };
}

/** The test env with its IAM namespace counting KV operations (countingKv). */
export function countingEnv(): { env: typeof env; ops: () => number } {
  const { kv, ops } = countingKv();
  return { env: { ...env, IAM: kv }, ops };
}

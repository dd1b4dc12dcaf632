import type { Env } from '../env.ts';
import type { IamStore } from '../store/types.ts';
import { applySeedInAccounts } from '../accounts/seed.ts';
import demo from './demo.json';
import { seedSchema } from './schema.ts';

export const DEMO_ACCOUNT = '123456789012';

// KV namespaces known to hold the demo account, so each isolate reads the marker once, not per request.
const seeded = new WeakSet<KVNamespace>();

/**
 * Seeds the demo account when KV lacks it (local development only: DEMO_SEED="true"), in the
 * account's object like any other write: concurrent first requests apply it one after the other
 * (the second changes nothing), and never between the read and the write of an API call.
 */
export async function ensureDemoSeed(env: Env, store: IamStore): Promise<void> {
  if (seeded.has(env.IAM)) return;
  if (!(await store.getAccount(DEMO_ACCOUNT))) {
    await applySeedInAccounts(env, seedSchema.parse(demo), Date.now());
  }
  seeded.add(env.IAM);
}

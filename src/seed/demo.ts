import type { Env } from '../env.ts';
import type { IamStore } from '../store/types.ts';
import { applySeed } from './apply.ts';
import demo from './demo.json';
import { seedSchema } from './schema.ts';

export const DEMO_ACCOUNT = '123456789012';

/** Seeds the demo account when KV lacks it (local development only: DEMO_SEED="true"). */
export async function ensureDemoSeed(env: Env, store: IamStore): Promise<void> {
  if (await store.getAccount(DEMO_ACCOUNT)) return;
  await applySeed(env, store, seedSchema.parse(demo), Date.now());
}

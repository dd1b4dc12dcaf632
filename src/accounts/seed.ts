import type { Env } from '../env.ts';
import type { SeedSummary } from '../seed/apply.ts';
import type { SeedDocument } from '../seed/schema.ts';
import type { AccountRecord } from '../store/types.ts';
import { AccountClient } from './client.ts';

/**
 * Applies a seed document inside the Worker: each account's part in that account's object, ordered
 * with its IAM writes (so a seed and an API write of one record cannot lose each other), then, for a
 * document of several accounts, the trust policies that name principals of other parts are bound
 * once every part exists. Used by POST /admin/v1/apply, the demo seed and sandbox creation.
 * `records`: account records each object writes before its part (a new sandbox's, with its expiry,
 * so the object's writes carry it without waiting for KV to show the record where the object runs).
 */
export async function applySeedInAccounts(
  env: Env,
  seed: SeedDocument,
  now: number,
  records: AccountRecord[] = [],
): Promise<SeedSummary> {
  const summary: SeedSummary = { accounts: 0, created: 0, updated: 0, unchanged: 0 };
  // An account listed twice is one object's work: it applies every part of that id, in order.
  const ids = [...new Set(seed.accounts.map((a) => a.id))];
  for (const id of ids) {
    const record = records.find((r) => r.id === id);
    const part = await AccountClient.of(env, id).applySeed(seed, now, record);
    summary.accounts += part.accounts;
    summary.created += part.created;
    summary.updated += part.updated;
    summary.unchanged += part.unchanged;
  }
  if (ids.length > 1) {
    for (const id of ids) await AccountClient.of(env, id).bindSeededTrust(seed);
  }
  return summary;
}

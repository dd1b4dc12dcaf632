import { setBounded } from './bounded-map.ts';
import { accountKeyExpiration } from './kv.ts';

/**
 * When an access key or a role was last used, and for what (GetAccessKeyLastUsed, GetRole's
 * RoleLastUsed). Key schema (also in docs/internals.md):
 *   acct/<account>/lastused/<id>   LastUse; <id> is the access key id (AKIA…) or the role's unique id (AROA…)
 *
 * Tracking is coarse, as IAM's own is ("Recent activity usually appears within four hours", IAM
 * API Reference, GenerateServiceLastAccessedDetails): an isolate records an id's use at most once per
 * RECORD_INTERVAL_MS, so a key signing thousands of requests costs one KV write per interval per
 * isolate, never a write per request; the hot path is one lookup in an in-memory map. The first use
 * an isolate sees is always recorded, at once, so "use a key, then ask when it was last used" answers
 * the use. Keyed by unique id, the record is never inherited by a namesake (a role or key recreated
 * under the same name has a new id), and it is written by the isolate that authenticated the request,
 * not by the account's Durable Object: it is no part of any IAM record, so it cannot undo an IAM
 * write, and concurrent recorders only race to write nearly the same instant. Each key expires after
 * IAM's tracking period (400 days), or with its account (demo sandboxes), so nothing sweeps them.
 */
export interface LastUse {
  /** Epoch ms. */
  date: number;
  /** The service namespace the request was for (`sts`, `iam`). */
  service: string;
  region: string;
}

export const RECORD_INTERVAL_MS = 5 * 60_000;
/** "Activity is only reported for the trailing 400 days" (IAM API Reference, RoleLastUsed). */
export const TRACKING_PERIOD_S = 400 * 86_400;
/** Ids whose last recording this isolate remembers (a few hundred KB at most). */
const MAX_REMEMBERED = 4096;

const recorded = new Map<string, number>();

const lastUsedKey = (account: string, id: string) => `acct/${account}/lastused/${id}`;

/**
 * Records a use of `id` unless this isolate recorded one within RECORD_INTERVAL_MS. A failed write
 * (KV's per-key write rate, an outage) is dropped: last-use tracking never fails the request.
 */
export async function recordUse(
  kv: KVNamespace,
  account: string,
  id: string,
  use: LastUse,
): Promise<void> {
  const last = recorded.get(id);
  if (last !== undefined && use.date >= last && use.date - last < RECORD_INTERVAL_MS) return;
  setBounded(recorded, id, use.date, MAX_REMEMBERED);
  try {
    const accountExpiry = await accountKeyExpiration(kv, account);
    const expiration = Math.min(
      accountExpiry ?? Infinity,
      Math.ceil(use.date / 1000) + TRACKING_PERIOD_S,
    );
    await kv.put(lastUsedKey(account, id), JSON.stringify(use), { expiration });
  } catch (e) {
    console.warn('last-use not recorded', id, e);
  }
}

/** The last recorded use of `id`, or null when none is (never used, or not within 400 days). */
export async function lastUse(
  kv: KVNamespace,
  account: string,
  id: string,
): Promise<LastUse | null> {
  return kv.get<LastUse>(lastUsedKey(account, id), 'json');
}

/**
 * The last recorded uses of many ids of one account, with KV bulk reads (100 keys each, one KV
 * operation per read): a report or a page of roles asks for hundreds at once, and a Worker
 * invocation may make at most 1,000 KV operations ("Workers KV limits", Cloudflare).
 */
export async function lastUses(
  kv: KVNamespace,
  account: string,
  ids: string[],
): Promise<Map<string, LastUse>> {
  const found = new Map<string, LastUse>();
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += 100) {
    const chunk = unique.slice(i, i + 100);
    const read = await kv.get<LastUse>(
      chunk.map((id) => lastUsedKey(account, id)),
      'json',
    );
    chunk.forEach((id) => {
      const use = read.get(lastUsedKey(account, id));
      if (use) found.set(id, use);
    });
  }
  return found;
}

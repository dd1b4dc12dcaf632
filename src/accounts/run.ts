import type { Env } from '../env.ts';
import { iamOperations } from '../iam/operations.ts';
import { checkMfaCode } from '../iam/mfa-devices/verify.ts';
import { IamErrors } from '../iam/common/errors.ts';
import type { OperationContext } from '../operation.ts';
import { QueryParams } from '../protocol/query.ts';
import { revokeRoleSessions } from '../iam/roles/revoke-sessions.ts';
import { applySeed, bindSeededTrust, type SeedSummary } from '../seed/apply.ts';
import type { SeedDocument } from '../seed/schema.ts';
import { KvIamStore } from '../store/kv.ts';
import type { AccountRecord } from '../store/types.ts';
import type {
  AccountState,
  DoneOutcome,
  MfaCheck,
  MfaOutcome,
  SeedOutcome,
  WriteOutcome,
  WriteRequest,
} from './types.ts';
import { toWire } from './wire-error.ts';

const OPERATIONS = new Map(Object.entries(iamOperations));

/**
 * Runs one IAM write inside the account's object, exactly as the route would have: the operation
 * validates, authorizes (the caller was authenticated by the Worker) and writes.
 */
export async function runWrite(input: {
  env: Env;
  state: AccountState;
  request: WriteRequest;
}): Promise<WriteOutcome> {
  const { env, state, request } = input;
  const operation = OPERATIONS.get(request.action);
  if (!operation || operation.auth !== 'sigv4')
    throw new Error(`not an IAM write: ${request.action}`);
  const ctx: OperationContext = {
    env,
    store: new KvIamStore(env.IAM, { journal: state }),
    params: new QueryParams(new Map(request.params)),
    info: request.info,
    account: state,
  };
  try {
    return { result: await operation.run(ctx, request.caller) };
  } catch (e) {
    return toWire(e);
  }
}

export async function verifyMfaCode(input: {
  env: Env;
  state: AccountState;
  check: MfaCheck;
}): Promise<MfaOutcome> {
  const { env, state, check } = input;
  try {
    await checkMfaCode({ env, store: new KvIamStore(env.IAM, { journal: state }), state, check });
    return { ok: true };
  } catch (e) {
    return toWire(e);
  }
}

/** Applies the part of a seed document that describes this object's account (src/seed/apply.ts). */
export async function runSeed(input: {
  env: Env;
  state: AccountState;
  seed: SeedDocument;
  account: string;
  now: number;
  /** The account record to write before the seed (a new sandbox's, with its expiry). */
  record?: AccountRecord;
}): Promise<SeedOutcome> {
  const { env, state, seed, account, now, record } = input;
  try {
    const store = new KvIamStore(env.IAM, { journal: state });
    if (record !== undefined) await store.putAccount(record);
    const summary: SeedSummary = await applySeed(env, store, seed, now, { account });
    return { summary };
  } catch (e) {
    return toWire(e);
  }
}

/** The last step of a seed of several accounts: this account's trust policies bound to them all. */
export async function runSeedBinding(input: {
  env: Env;
  state: AccountState;
  seed: SeedDocument;
  account: string;
}): Promise<DoneOutcome> {
  const { env, state, seed, account } = input;
  try {
    await bindSeededTrust(new KvIamStore(env.IAM, { journal: state }), seed, account);
    return { ok: true };
  } catch (e) {
    return toWire(e);
  }
}

/** The admin endpoint's "Revoke active sessions" of one of this account's roles. */
export async function runRevokeRoleSessions(input: {
  env: Env;
  state: AccountState;
  roleArn: string;
  before: number;
}): Promise<DoneOutcome> {
  const { env, state, roleArn, before } = input;
  try {
    await revokeRoleSessions(new KvIamStore(env.IAM, { journal: state }), roleArn, before);
    return { ok: true };
  } catch (e) {
    return toWire(e);
  }
}

/** One claim (or release) of an account alias, in the object named for the alias. */
export async function runAliasClaim(input: {
  env: Env;
  state: AccountState;
  alias: string;
  account: string;
  claimed: boolean;
}): Promise<DoneOutcome> {
  const { env, state, alias, account, claimed } = input;
  try {
    const store = new KvIamStore(env.IAM, { journal: state });
    const owner = await store.aliasOwner(alias);
    if (claimed) {
      if (owner !== null && owner !== account) throw IamErrors.aliasExists(alias);
      if (owner === null) await store.putAliasOwner(alias, account, true);
    } else if (owner === account) {
      await store.putAliasOwner(alias, account, false);
    }
    return { ok: true };
  } catch (e) {
    return toWire(e);
  }
}

import type { Caller, RequestInfo } from '../caller/types.ts';
import type { AwsErrorType } from '../protocol/errors.ts';
import type { XmlObject } from '../protocol/xml.ts';
import type { SeedSummary } from '../seed/apply.ts';
import type { WriteJournal } from '../store/write-journal.ts';

/** The per-device TOTP state kept in the account's Durable Object (strongly consistent). */
export interface MfaCounter {
  /** The last time step whose code was accepted: that code and earlier ones are spent. */
  lastStep: number;
  /** Steps the device's clock runs ahead (+) or behind (-), learned at enable and resync. */
  drift: number;
}

/** State that lives only in the account's Durable Object, handed to writes that run there. */
export interface AccountState extends WriteJournal {
  mfaCounter(serialNumber: string): MfaCounter | undefined;
  setMfaCounter(serialNumber: string, counter: MfaCounter): void;
  clearMfaCounter(serialNumber: string): void;
}

/** One IAM write, as the Worker hands it to the account's object: everything but the bindings. */
export interface WriteRequest {
  action: string;
  params: [string, string][];
  caller: Caller;
  info: RequestInfo;
}

/** An AwsError in a form that crosses RPC (custom error fields do not). */
export interface WireError {
  code: string;
  message: string;
  status: number;
  type: AwsErrorType;
}

export type WriteOutcome = { result: XmlObject | undefined } | { error: WireError };

/** A one-time code presented to STS (GetSessionToken, AssumeRole) by an IAM user. */
export interface MfaCheck {
  serialNumber: string;
  tokenCode: string;
  /** The account of the presenting user: its object checks the code. */
  account: string;
  /** The unique id (AIDA...) of the user presenting it: the device must be enabled for this user. */
  userId: string;
  now: number;
}

export type MfaOutcome = DoneOutcome;

export type SeedOutcome = { summary: SeedSummary } | { error: WireError };

/** The outcome of a write that answers nothing but success or an AwsError. */
export type DoneOutcome = { ok: true } | { error: WireError };

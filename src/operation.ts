import type { AccountState } from './accounts/types.ts';
import type { Caller, RequestInfo } from './caller/types.ts';
import type { Env } from './env.ts';
import type { QueryParams } from './protocol/query.ts';
import type { XmlObject } from './protocol/xml.ts';
import type { IamStore } from './store/types.ts';

export interface OperationContext {
  env: Env;
  store: IamStore;
  params: QueryParams;
  info: RequestInfo;
  /** Present when the operation runs in the account's Durable Object (every IAM write does). */
  account?: AccountState;
}

/** A query-protocol action. Signed actions get the authenticated caller; unsigned ones (web identity) do not. */
export type Operation =
  | {
      auth: 'sigv4';
      run: (ctx: OperationContext, caller: Caller) => Promise<XmlObject | undefined>;
    }
  | { auth: 'none'; run: (ctx: OperationContext) => Promise<XmlObject | undefined> };

export type OperationTable = Record<string, Operation>;

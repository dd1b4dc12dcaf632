import { arnAccount, arnValue } from './arn.ts';
import type { ArnValue } from './arn.ts';
import type { RequestPrincipal } from './request-principal.ts';
import type { ActionValue, Probe } from './compile-statement.ts';
import type { RequestContext } from './context.ts';

const NO_CONDITIONS = new Uint8Array(0);
const NO_LISTS: Array<Int32Array | null> = [];

const TRUST_ACTIONS = new Set([
  'assumerole',
  'assumerolewithwebidentity',
  'assumerolewithsaml',
  'tagsession',
  'setsourceidentity',
]);

/**
 * One request as the evaluator sees it. The split action and ARN are computed on first use: a
 * repeated action found in CompiledPolicy.byAction needs no split.
 */
export class EvalRequest {
  readonly caller: RequestPrincipal;
  readonly ctx: RequestContext;
  readonly rawAction: string;
  readonly rawResource: string;
  readonly givenResourceAccount: string | undefined;
  readonly probes: Probe[];
  /** The set's condition key names by id. */
  readonly keyNames: Array<[string, string]>;
  /** Per probe id: 0 not asked yet, 1 true, 2 false. */
  readonly memo: Uint8Array;
  /** Per condition slot (CompiledCondition.slot): 0 not tested yet, 1 holds, 2 does not. */
  conditionMemo: Uint8Array = NO_CONDITIONS;
  /** ProbeRegistry.lists of the set: the entries of Resource-list probes. */
  lists: Array<Int32Array | null> = NO_LISTS;
  private actionValue: ActionValue | null = null;
  private resourceValue: ArnValue | null = null;
  private trustValue: boolean | null = null;

  constructor(init: {
    caller: RequestPrincipal;
    ctx: RequestContext;
    action: string;
    resource: string;
    resourceAccount: string | undefined;
    probes: Probe[];
    keyNames: Array<[string, string]>;
    memo: Uint8Array;
  }) {
    this.caller = init.caller;
    this.ctx = init.ctx;
    this.rawAction = init.action;
    this.rawResource = init.resource;
    this.givenResourceAccount = init.resourceAccount;
    this.probes = init.probes;
    this.keyNames = init.keyNames;
    this.memo = init.memo;
  }

  get action(): ActionValue {
    if (this.actionValue === null) {
      const lower = this.rawAction.toLowerCase();
      const colon = lower.indexOf(':');
      this.actionValue =
        colon === -1
          ? { service: lower, name: '' }
          : { service: lower.slice(0, colon), name: lower.slice(colon + 1) };
    }
    return this.actionValue;
  }

  get resource(): ArnValue {
    if (this.resourceValue === null) this.resourceValue = arnValue(this.rawResource);
    return this.resourceValue;
  }

  /** The resource's account: given, else the ARN's account field (S3 ARNs have none). */
  get resourceAccount(): string | undefined {
    return this.givenResourceAccount ?? arnAccount(this.rawResource);
  }

  /** sts:AssumeRole (and friends) on a role ARN: policies.resource is the role's trust policy. */
  get trust(): boolean {
    this.trustValue ??= this.isTrust();
    return this.trustValue;
  }

  /**
   * An AWS KMS action on a KMS key: the key policy must allow it explicitly, as a role trust
   * policy must (IAM User Guide: Policy evaluation logic, "IAM role trust policies and KMS key
   * policies are exceptions ... they must explicitly allow access for principals").
   */
  get kmsKey(): boolean {
    const r = this.rawAction;
    if (
      r.length < 4 ||
      r.charCodeAt(3) !== 0x3a ||
      (r.charCodeAt(0) | 0x20) !== 0x6b ||
      (r.charCodeAt(1) | 0x20) !== 0x6d ||
      (r.charCodeAt(2) | 0x20) !== 0x73
    ) {
      return false;
    }
    const s = this.resource.segments;
    return s !== null && s[2] === 'kms' && s[5].startsWith('key/');
  }

  private isTrust(): boolean {
    // Most actions are not STS: tell from the first four characters, without copying them.
    const r = this.rawAction;
    if (
      r.length < 4 ||
      r.charCodeAt(3) !== 0x3a ||
      (r.charCodeAt(0) | 0x20) !== 0x73 ||
      (r.charCodeAt(1) | 0x20) !== 0x74 ||
      (r.charCodeAt(2) | 0x20) !== 0x73
    ) {
      return false;
    }
    const a = this.action;
    const s = this.resource.segments;
    return (
      a.service === 'sts' &&
      TRUST_ACTIONS.has(a.name) &&
      s !== null &&
      s[2] === 'iam' &&
      s[5].startsWith('role/')
    );
  }
}

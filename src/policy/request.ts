import { arnValue } from './arn.ts';
import type { ArnValue } from './arn.ts';
import type { Caller } from './caller.ts';
import type { ActionValue, Probe } from './compile-statement.ts';
import type { RequestContext } from './context.ts';

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
  readonly caller: Caller;
  readonly ctx: RequestContext;
  readonly rawAction: string;
  readonly rawResource: string;
  readonly givenResourceAccount: string | undefined;
  readonly probes: Probe[];
  /** The set's condition key names by id. */
  readonly keyNames: Array<[string, string]>;
  private actionValue: ActionValue | null = null;
  private resourceValue: ArnValue | null = null;
  private memoArray: Uint8Array | null = null;

  constructor(
    caller: Caller,
    ctx: RequestContext,
    action: string,
    resource: string,
    resourceAccount: string | undefined,
    probes: Probe[],
    keyNames: Array<[string, string]>,
  ) {
    this.caller = caller;
    this.ctx = ctx;
    this.rawAction = action;
    this.rawResource = resource;
    this.givenResourceAccount = resourceAccount;
    this.probes = probes;
    this.keyNames = keyNames;
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

  /** Per probe id: 0 not asked yet, 1 true, 2 false. */
  get memo(): Uint8Array {
    if (this.memoArray === null) this.memoArray = new Uint8Array(this.probes.length);
    return this.memoArray;
  }

  /** The resource's account: given, else the ARN's account field (S3 ARNs have none). */
  get resourceAccount(): string | undefined {
    if (this.givenResourceAccount !== undefined) return this.givenResourceAccount;
    const s = this.resource.segments;
    return s !== null && s[0] === 'arn' && /^\d{12}$/.test(s[4]) ? s[4] : undefined;
  }

  /** sts:AssumeRole (and friends) on a role ARN: policies.resource is the role's trust policy. */
  get trust(): boolean {
    if (this.rawAction.length < 4 || this.rawAction.slice(0, 4).toLowerCase() !== 'sts:')
      return false;
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

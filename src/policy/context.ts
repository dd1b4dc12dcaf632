import { ByteBoundedCache } from './byte-cache.ts';
import { nameRecord, setName } from './records.ts';
import { parsePrincipal } from './request-principal.ts';
import type { RequestPrincipal } from './request-principal.ts';
import { PolicyError } from './errors.ts';
import type { ContextValue } from './types.ts';
import type { VariableSource } from './variables.ts';

/**
 * Keys AWS puts in every request context for this caller (IAM User Guide: AWS global condition
 * context keys: aws:PrincipalArn, aws:PrincipalAccount, aws:PrincipalType, aws:userid,
 * aws:username, aws:PrincipalIsAWSService, aws:PrincipalServiceName).
 */
export function principalKeys(caller: RequestPrincipal): Record<string, string> {
  const out: Record<string, string> = {};
  if (caller.principalArn !== undefined) out['aws:PrincipalArn'] = caller.principalArn;
  if (caller.account !== undefined) out['aws:PrincipalAccount'] = caller.account;
  if (caller.principalType !== undefined) out['aws:PrincipalType'] = caller.principalType;
  switch (caller.kind) {
    case 'root':
      out['aws:userid'] = caller.account ?? '';
      break;
    case 'user':
      out['aws:username'] = caller.name ?? '';
      break;
    case 'federatedUser':
      out['aws:userid'] = `${caller.account}:${caller.name}`;
      break;
    case 'anonymous':
      out['aws:userid'] = 'anonymous';
      break;
    case 'service':
      out['aws:PrincipalServiceName'] = caller.text;
      break;
    case 'webIdentity':
      out['aws:FederatedProvider'] = caller.text;
      break;
    default:
      break;
  }
  out['aws:PrincipalIsAWSService'] = caller.kind === 'service' ? 'true' : 'false';
  return out;
}

/** The request context derived from a principal, merged under the given context (which wins). */
export function deriveContext(
  principal: string,
  context?: Record<string, ContextValue>,
): Record<string, ContextValue> {
  const derived: Record<string, ContextValue> = principalKeys(parsePrincipal(principal));
  if (context === undefined) return derived;
  const given = new Set(Object.keys(context).map((k) => k.toLowerCase()));
  const out = nameRecord<ContextValue>();
  for (const [k, v] of Object.entries(derived)) if (!given.has(k.toLowerCase())) setName(out, k, v);
  for (const [k, v] of Object.entries(context)) setName(out, k, v);
  return out;
}

export function lowerKeyMap(keys: Record<string, string>): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const [k, v] of Object.entries(keys)) m.set(k.toLowerCase(), [v]);
  return m;
}

/** Context values as text; condition keys are case-insensitive (Condition element). */
export function contextValues(value: ContextValue, key: string): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value === 'number' || typeof value === 'boolean') return [String(value)];
  if (Array.isArray(value)) {
    return value.map((v) => {
      if (typeof v === 'string') return v;
      if (typeof v === 'number' || typeof v === 'boolean') return String(v);
      throw new PolicyError('InvalidInput', `request.context.${key} must hold strings`);
    });
  }
  throw new PolicyError(
    'InvalidInput',
    `request.context.${key} must be a string, number, boolean or an array of them`,
  );
}

/** One request's context: given keys over derived keys, lower-cased once, built on first use. */
export class RequestContext implements VariableSource {
  private readonly derived: Map<string, string[]>;
  private readonly given: Record<string, ContextValue> | undefined;
  private overlay: Map<string, string[]> | null = null;
  /** Missing keys seen while resolving policy variables: lower -> as written. */
  missing: Map<string, string> | null = null;

  /** Values by condition key id (see KeyRegistry); null when missing, undefined before lookup. */
  private readonly ids: Array<string[] | null | undefined>;

  constructor(
    derived: Map<string, string[]>,
    given: Record<string, ContextValue> | undefined,
    keyCount = 0,
  ) {
    this.derived = derived;
    this.given = given;
    this.ids = new Array<string[] | null | undefined>(keyCount);
  }

  /** Typed readings of values (numbers, dates, IPs) by kind, then condition key id. */
  private typed: Array<Array<unknown[] | undefined> | undefined> | null = null;

  /**
   * A key's values read by `parse`, once per decision however many conditions compare them
   * (`kind` names the reading: one per parse function). Undefined when the key is missing.
   */
  typedById<T>(id: number, lower: string, kind: number, parse: (s: string) => T): T[] | undefined {
    this.typed ??= [];
    const byKind = (this.typed[kind] ??= new Array<unknown[] | undefined>(this.ids.length));
    let v = byKind[id] as T[] | undefined;
    if (v === undefined) {
      const raw = this.byId(id, lower);
      if (raw === undefined) return undefined;
      v = raw.map(parse);
      byKind[id] = v;
    }
    return v;
  }

  byId(id: number, lower: string): string[] | undefined {
    const v = this.ids[id];
    if (v !== undefined) return v ?? undefined;
    const got = this.get(lower);
    this.ids[id] = got ?? null;
    return got;
  }

  get(lower: string): string[] | undefined {
    if (this.overlay === null) this.overlay = this.build();
    return this.overlay.get(lower) ?? this.derived.get(lower);
  }

  single(lower: string, original: string): string | undefined {
    const v = this.get(lower);
    if (v === undefined) {
      this.missing ??= new Map();
      if (!this.missing.has(lower)) this.missing.set(lower, original);
      return undefined;
    }
    // A variable stands for one value; a multivalued key cannot fill it.
    return v.length === 1 ? v[0] : undefined;
  }

  private build(): Map<string, string[]> {
    const m = new Map<string, string[]>();
    if (this.given !== undefined) {
      for (const key of Object.keys(this.given)) {
        checkKeyName(key);
        m.set(lowerKey(key), contextValues(this.given[key], key));
      }
    }
    return m;
  }
}

/**
 * The longest condition key name IAM accepts (IAM API Reference: ContextEntry, ContextKeyName,
 * 5 to 256 characters). Longer names are refused, so no key a request names costs more to keep.
 */
export const MAX_CONTEXT_KEY_CHARS = 256;

function checkKeyName(key: string): void {
  if (key.length > MAX_CONTEXT_KEY_CHARS) {
    throw new PolicyError(
      'InvalidInput',
      `request.context has a key longer than ${MAX_CONTEXT_KEY_CHARS} characters (the IAM limit for a condition key name)`,
    );
  }
}

/** Lowered context keys kept for the isolate, bounded in bytes (docs/security.md). */
export const LOWERED_KEYS_BYTES = 256 * 1024;
const lowered = new ByteBoundedCache<string>(LOWERED_KEYS_BYTES);

/**
 * A context key lower-cased. Requests repeat a few keys, so each is lowered once and every
 * request then uses the same string, whose hash the key lookups already know.
 */
function lowerKey(key: string): string {
  let lower = lowered.peek(key);
  if (lower === undefined) {
    lower = key.toLowerCase();
    lowered.set(key, lower, key.length * 2 + 64);
  }
  return lower;
}

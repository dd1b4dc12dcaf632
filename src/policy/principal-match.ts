import type { RequestPrincipal } from './request-principal.ts';
import type { NormalizedPrincipal } from './types.ts';

/**
 * How a Principal entry named the caller. It decides how far a resource-based policy grant
 * reaches on its own (IAM User Guide: Policy evaluation logic > Processing the resource-based
 * policy): a user or session ARN, `*`, a service or a federated provider name the caller itself;
 * a role ARN names every session of the role; an account id or root ARN delegates to the
 * account's own identity-based policies.
 */
export type MatchKind =
  'wildcard' | 'user' | 'session' | 'role' | 'service' | 'federated' | 'canonical' | 'account';

type Entry =
  | { t: 'any' }
  | { t: 'account'; account: string }
  | { t: 'user'; account: string; path: string; name: string }
  | { t: 'role'; account: string; path: string; name: string }
  | { t: 'session'; account: string; role: string; session: string }
  | { t: 'fed'; account: string; name: string }
  | { t: 'service'; name: string }
  | { t: 'federated'; name: string }
  | { t: 'canonical'; id: string }
  | { t: 'none' };

export interface PrincipalMatcher {
  /** The strongest way an entry names the caller, or null. */
  match(caller: RequestPrincipal): MatchKind | null;
  /**
   * NotPrincipal: whether the caller is exempt from a Deny. Listing an account exempts only its
   * root; a user or role needs its own ARN and its account's ARN listed; a principal with a
   * permissions boundary is never exempt (IAM JSON policy elements: NotPrincipal, key points).
   */
  exempt(caller: RequestPrincipal, hasBoundary: boolean): boolean;
}

const AWS_ARN = /^arn:[a-z-]+:(iam|sts)::(\d{12}):(.+)$/;

function parseAws(value: string): Entry {
  if (value === '*') return { t: 'any' };
  if (/^\d{12}$/.test(value)) return { t: 'account', account: value };
  const m = AWS_ARN.exec(value);
  if (m === null) return { t: 'none' };
  const [, service, account, rest] = m;
  if (service === 'iam') {
    if (rest === 'root') return { t: 'account', account };
    // A user or role ARN names one principal: its path is part of it ("the entire ARN must be
    // specified"), and a user name is case-sensitive there (AWS JSON policy elements: Principal,
    // IAM user principals); role names are unique case-insensitively.
    const last = rest.lastIndexOf('/');
    const name = rest.slice(last + 1);
    const path = rest.slice(rest.indexOf('/'), last + 1);
    if (rest.startsWith('user/')) return { t: 'user', account, path, name };
    if (rest.startsWith('role/')) return { t: 'role', account, path, name: name.toLowerCase() };
    if (rest.startsWith('federated-user/')) return { t: 'fed', account, name: rest.slice(15) };
    return { t: 'none' };
  }
  const parts = rest.split('/');
  if (parts[0] === 'assumed-role' && parts.length === 3) {
    return { t: 'session', account, role: parts[1].toLowerCase(), session: parts[2] };
  }
  if (parts[0] === 'federated-user' && parts.length === 2)
    return { t: 'fed', account, name: parts[1] };
  return { t: 'none' };
}

export function compilePrincipal(p: NormalizedPrincipal): PrincipalMatcher {
  const entries: Entry[] = [];
  if (p === '*') entries.push({ t: 'any' });
  else {
    for (const v of p.AWS ?? []) entries.push(parseAws(v));
    for (const v of p.Service ?? []) entries.push({ t: 'service', name: v.toLowerCase() });
    for (const v of p.Federated ?? []) entries.push({ t: 'federated', name: v.toLowerCase() });
    for (const v of p.CanonicalUser ?? []) entries.push({ t: 'canonical', id: v.toLowerCase() });
  }
  const names = (caller: RequestPrincipal): Set<MatchKind> => {
    const out = new Set<MatchKind>();
    for (const e of entries) {
      const k = entryMatch(e, caller);
      if (k !== null) out.add(k);
    }
    return out;
  };
  return {
    match(caller) {
      let best: MatchKind | null = null;
      for (const e of entries) {
        const k = entryMatch(e, caller);
        if (k === null) continue;
        if (k !== 'account') return k;
        best = k;
      }
      return best;
    },
    exempt(caller, hasBoundary) {
      const kinds = names(caller);
      if (kinds.has('wildcard')) return true;
      const own = caller.kind === 'user' || caller.kind === 'role' || caller.kind === 'session';
      if (own && hasBoundary) return false;
      switch (caller.kind) {
        case 'root':
          return kinds.has('account');
        case 'user':
          return kinds.has('account') && kinds.has('user');
        case 'role':
          return kinds.has('account') && kinds.has('role');
        case 'session':
          return kinds.has('account') && (kinds.has('role') || kinds.has('session'));
        case 'federatedUser':
          return kinds.has('account') && kinds.has('session');
        case 'anonymous':
          return false;
        default:
          return kinds.size > 0;
      }
    },
  };
}

function entryMatch(e: Entry, c: RequestPrincipal): MatchKind | null {
  switch (e.t) {
    case 'any':
      return 'wildcard';
    case 'account':
      return c.account === e.account ? 'account' : null;
    case 'user':
      return c.kind === 'user' && c.account === e.account && c.name === e.name && c.path === e.path
        ? 'user'
        : null;
    case 'role':
      return (c.kind === 'role' || c.kind === 'session') &&
        c.account === e.account &&
        c.roleLower === e.name &&
        c.path === e.path
        ? 'role'
        : null;
    case 'session':
      return c.kind === 'session' &&
        c.account === e.account &&
        c.roleLower === e.role &&
        c.sessionName === e.session
        ? 'session'
        : null;
    case 'fed':
      return c.kind === 'federatedUser' && c.account === e.account && c.name === e.name
        ? 'session'
        : null;
    case 'service':
      return c.kind === 'service' && c.text.toLowerCase() === e.name ? 'service' : null;
    case 'federated':
      return c.kind === 'webIdentity' && c.text.toLowerCase() === e.name ? 'federated' : null;
    case 'canonical':
      return c.kind === 'canonical' && c.text.toLowerCase() === e.id ? 'canonical' : null;
    case 'none':
      return null;
  }
}

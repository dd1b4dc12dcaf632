import type { EntityKind, IamStore } from '../../store/types.ts';
import { IamErrors } from './errors.ts';

/**
 * Account-wide IAM quotas ("IAM and AWS STS quotas", IAM User Guide: IAM object quotas, the
 * defaults), by entity kind, with the names IAM's LimitExceeded message gives them. They bound what
 * one account can hold, and so the work of the actions that must see every entity of a kind (a
 * group's members, ListEntitiesForPolicy, ListOpenIDConnectProviders): a demo sandbox, whose keys
 * anyone gets, cannot grow without end.
 */
export const ACCOUNT_QUOTAS = {
  user: { name: 'UsersPerAccount', limit: 5000 },
  role: { name: 'RolesPerAccount', limit: 1000 },
  group: { name: 'GroupsPerAccount', limit: 300 },
  policy: { name: 'PoliciesPerAccount', limit: 1500 },
  oidc: { name: 'OpenIdConnectProvidersPerAccount', limit: 100 },
  instanceprofile: { name: 'InstanceProfilesPerAccount', limit: 1000 },
} as const satisfies Partial<Record<EntityKind, { name: string; limit: number }>>;

/**
 * LimitExceeded when the account already holds its quota of `kind` (a create adds one). Counted
 * from the store's listing of names (at most quota / 1,000 + 1 listings), in the account's object
 * where every create runs one at a time; KV listings may lag recent writes elsewhere, so in
 * production a burst of creates can pass the quota by the writes of that lag, never without end.
 */
export async function checkAccountQuota(
  store: IamStore,
  account: string,
  kind: keyof typeof ACCOUNT_QUOTAS,
): Promise<void> {
  const { name, limit } = ACCOUNT_QUOTAS[kind];
  if ((await store.count(account, kind, limit)) >= limit) throw IamErrors.quota(name, limit);
}

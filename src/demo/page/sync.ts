/**
 * Writes the playground's role to the sandbox through the public IAM API, signed with the
 * sandbox's admin key: its trust policy (creating the role if needed), its permissions policy and
 * its permissions boundary (a managed policy named by the boundary's hash).
 */
import { call, type ApiResult, type Keys } from './api.ts';
import type { Setup } from './setup.ts';

/** Names of the sandbox's roles and customer managed policies (one listing each, then kept). */
let inventory: { roles: Set<string>; policies: Set<string> } | null = null;

const names = (xml: Document, tag: string) =>
  new Set([...xml.getElementsByTagName(tag)].map((e) => (e.textContent ?? '').toLowerCase()));

async function sandboxInventory(admin: Keys): Promise<typeof inventory> {
  if (inventory) return inventory;
  const [roles, policies] = await Promise.all([
    call('iam', admin, { Action: 'ListRoles', MaxItems: '1000' }),
    call('iam', admin, { Action: 'ListPolicies', Scope: 'Local', MaxItems: '1000' }),
  ]);
  if (!roles.ok || !policies.ok) return null;
  inventory = {
    roles: names(roles.xml, 'RoleName'),
    policies: names(policies.xml, 'PolicyName'),
  };
  return inventory;
}

/** Whether the sandbox has a role of this name (as the page last listed its roles). */
export async function sandboxHasRole(admin: Keys, name: string): Promise<boolean> {
  return (await sandboxInventory(admin))?.roles.has(name.toLowerCase()) ?? false;
}

/** Forgets what the sandbox holds (another sandbox now). */
export function forgetInventory(): void {
  inventory = null;
}

/**
 * Writes the role as edited (trust, permissions, boundary) with the sandbox admin key, through the
 * public IAM API, every time: another tab, or the CLI commands, may have changed the role since.
 * Calls that are bound to fail (a role to update that does not exist, a policy to create that does)
 * are avoided by knowing the sandbox's roles and policies, so the page makes no failing requests of
 * its own; when the sandbox changed behind the page's back, the other call is made.
 */
export async function syncRole(options: {
  setup: Setup;
  admin: Keys;
  account: string;
  permissionsName: string;
}): Promise<Extract<ApiResult, { ok: false }> | null> {
  const { setup, admin, account, permissionsName } = options;
  const name = setup.roleName;
  const known = await sandboxInventory(admin);
  const exists = known?.roles.has(name.toLowerCase()) ?? false;
  const update = () =>
    call('iam', admin, {
      Action: 'UpdateAssumeRolePolicy',
      RoleName: name,
      PolicyDocument: setup.trust,
    });
  const create = () =>
    call('iam', admin, {
      Action: 'CreateRole',
      RoleName: name,
      AssumeRolePolicyDocument: setup.trust,
      MaxSessionDuration: '3600',
    });
  let r = exists ? await update() : await create();
  let existed = exists;
  if (!r.ok && r.code === (exists ? 'NoSuchEntity' : 'EntityAlreadyExists')) {
    r = exists ? await create() : await update();
    existed = !exists;
  }
  if (!r.ok) return r;
  known?.roles.add(name.toLowerCase());
  if (setup.permissions.trim()) {
    r = await call('iam', admin, {
      Action: 'PutRolePolicy',
      RoleName: name,
      PolicyName: permissionsName,
      PolicyDocument: setup.permissions,
    });
    if (!r.ok) return r;
  } else if (existed) {
    // No permissions policy: the one the page (this tab or another) put there goes, if it is there.
    const inline = await call('iam', admin, { Action: 'ListRolePolicies', RoleName: name });
    if (!inline.ok) return inline;
    if (names(inline.xml, 'member').has(permissionsName.toLowerCase())) {
      r = await call('iam', admin, {
        Action: 'DeleteRolePolicy',
        RoleName: name,
        PolicyName: permissionsName,
      });
      if (!r.ok) return r;
    }
  }
  if (setup.boundary.trim()) {
    const digest = new Uint8Array(
      await crypto.subtle.digest('SHA-256', new TextEncoder().encode(setup.boundary)),
    );
    const hex = [...digest.slice(0, 6)].map((b) => b.toString(16).padStart(2, '0')).join('');
    const policyName = `playground-boundary-${hex}`;
    if (!known?.policies.has(policyName)) {
      r = await call('iam', admin, {
        Action: 'CreatePolicy',
        PolicyName: policyName,
        PolicyDocument: setup.boundary,
      });
      if (!r.ok && r.code !== 'EntityAlreadyExists') return r;
      known?.policies.add(policyName);
    }
    r = await call('iam', admin, {
      Action: 'PutRolePermissionsBoundary',
      RoleName: name,
      PermissionsBoundary: `arn:aws:iam::${account}:policy/${policyName}`,
    });
    if (!r.ok) return r;
  } else if (existed) {
    // No boundary: one set before (by this tab, another, or the terminal) is removed.
    const role = await call('iam', admin, { Action: 'GetRole', RoleName: name });
    if (!role.ok) return role;
    if (role.xml.getElementsByTagName('PermissionsBoundary').length > 0) {
      r = await call('iam', admin, { Action: 'DeleteRolePermissionsBoundary', RoleName: name });
      if (!r.ok) return r;
    }
  }
  return null;
}

import type { ContextValue } from '../../policy/index.ts';
import type { EntityKind, EntityTypes } from '../../store/types.ts';

/**
 * The IAM actions whose authorization carries `iam:PermissionsBoundary` (Service Authorization
 * Reference, "Actions defined by AWS Identity and Access Management"). Creating an entity or
 * putting a boundary passes the requested boundary (the action sets it); every other action on a
 * role or user passes the boundary the entity has, which is what lets a delegated administrator be
 * limited to entities that keep a given boundary ("Permissions boundaries for IAM entities",
 * delegating responsibility).
 */
export const BOUNDARY_ACTIONS: ReadonlySet<string> = new Set([
  'iam:AttachRolePolicy',
  'iam:AttachUserPolicy',
  'iam:CreateRole',
  'iam:CreateUser',
  'iam:DeleteRole',
  'iam:DeleteRolePermissionsBoundary',
  'iam:DeleteRolePolicy',
  'iam:DeleteUserPermissionsBoundary',
  'iam:DeleteUserPolicy',
  'iam:DetachRolePolicy',
  'iam:DetachUserPolicy',
  'iam:GetRole',
  'iam:PutRolePermissionsBoundary',
  'iam:PutRolePolicy',
  'iam:PutUserPermissionsBoundary',
  'iam:PutUserPolicy',
  'iam:UpdateAssumeRolePolicy',
  'iam:UpdateRole',
  'iam:UpdateRoleDescription',
]);

/**
 * Condition keys that come from the resource itself (Service Authorization Reference, resource
 * types): a role's or user's tags as `iam:ResourceTag/<key>` and `aws:ResourceTag/<key>`, a managed
 * policy's or OIDC provider's tags as `aws:ResourceTag/<key>` (groups have no tags), and a role's or
 * user's boundary as `iam:PermissionsBoundary` for the actions that define it.
 */
export function resourceContext(
  action: string,
  kind: EntityKind,
  resource: EntityTypes[EntityKind] | null,
): Record<string, ContextValue> {
  const context: Record<string, ContextValue> = {};
  if (!resource || !('tags' in resource)) return context;
  const principal = kind === 'role' || kind === 'user';
  for (const t of resource.tags) {
    context[`aws:ResourceTag/${t.Key}`] = t.Value;
    if (principal) context[`iam:ResourceTag/${t.Key}`] = t.Value;
  }
  const boundary = 'permissionsBoundary' in resource ? resource.permissionsBoundary : undefined;
  if (principal && boundary && BOUNDARY_ACTIONS.has(action))
    context['iam:PermissionsBoundary'] = boundary;
  return context;
}

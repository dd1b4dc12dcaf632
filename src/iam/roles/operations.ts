import type { Caller } from '../../caller/types.ts';
import type { OperationContext } from '../../operation.ts';
import { Constraints } from '../../protocol/constraints.ts';
import { lastUse } from '../../store/last-used.ts';
import type { XmlObject } from '../../protocol/xml.ts';
import { authorizeCreate } from '../common/authorize.ts';
import { iamArn } from '../common/arns.ts';
import { checkDocumentText, checkRoleDescription } from '../common/constraints.ts';
import { checkDocument } from '../common/documents.ts';
import { authorizedIdentity, readIdentityName } from '../identities/authorized-identity.ts';
import { IamErrors } from '../common/errors.ts';
import { putIdentity } from '../identities/record.ts';
import { checkRoleContent, checkRoleSpec, roleRecord, roleXml, type RoleSpec } from './record.ts';
import { readTags } from '../common/tags.ts';
import {
  displayedTrustPolicy,
  resolveTrustPrincipals,
  storedPrincipal,
} from './trust-principals.ts';
import { adjustUsage, attachablePolicy } from '../managed-policies/attachment-counts.ts';
import { checkAccountQuota } from '../common/quotas.ts';
import { inInstanceProfile } from '../instance-profiles/operations.ts';

/** CreateRole: validate everything, authorize iam:CreateRole (and iam:TagRole with tags), then write once. */
export async function createRole(ctx: OperationContext, caller: Caller): Promise<XmlObject> {
  const { params, store } = ctx;
  const v = new Constraints();
  const spec: RoleSpec = {
    name: params.require('RoleName'),
    path: params.get('Path'),
    assumeRolePolicyDocument: params.require('AssumeRolePolicyDocument'),
    description: params.get('Description'),
    maxSessionDuration: params.integer('MaxSessionDuration'),
    permissionsBoundary: params.get('PermissionsBoundary'),
    tags: readTags(params),
  };
  checkRoleSpec(v, spec);
  v.check();
  const account = caller.account;
  const arn = iamArn(account, 'role', spec.path ?? '/', spec.name);
  await authorizeCreate(ctx, caller, { create: 'iam:CreateRole', tag: 'iam:TagRole' }, arn, {
    tags: spec.tags ?? [],
    permissionsBoundary: spec.permissionsBoundary,
  });

  checkRoleContent(spec);
  const trustPrincipalIds = await resolveTrustPrincipals(
    spec.assumeRolePolicyDocument,
    storedPrincipal(store, account),
  );
  if (spec.permissionsBoundary) await attachablePolicy(store, account, spec.permissionsBoundary);
  if (await store.get(account, 'role', spec.name)) throw IamErrors.roleExists(spec.name);
  await checkAccountQuota(store, account, 'role');

  const record = roleRecord(account, spec, null, ctx.info.now);
  record.trustPrincipalIds = trustPrincipalIds;
  await putIdentity(store, account, 'role', record);
  if (record.permissionsBoundary)
    await adjustUsage(store, account, record.permissionsBoundary, { boundaries: 1 });
  const { RoleLastUsed: _, ...role } = roleXml(record, true);
  return { Role: role };
}

export async function getRole(ctx: OperationContext, caller: Caller): Promise<XmlObject> {
  const v = new Constraints();
  const name = readIdentityName(ctx, 'role', v, { existing: true });
  v.check();
  const role = await authorizedIdentity(ctx, caller, 'role', name, 'iam:GetRole');
  const [trust, used] = await Promise.all([
    displayedTrustPolicy(ctx.store, role),
    lastUse(ctx.env.IAM, caller.account, role.id),
  ]);
  return { Role: roleXml(role, true, trust, used) };
}

/** UpdateRole: Description and MaxSessionDuration; answers an empty UpdateRoleResult. */
export async function updateRole(ctx: OperationContext, caller: Caller): Promise<XmlObject> {
  const v = new Constraints();
  const name = readIdentityName(ctx, 'role', v, { existing: true });
  const description = ctx.params.get('Description');
  const maxSessionDuration = ctx.params.integer('MaxSessionDuration');
  checkRoleDescription(v, description);
  v.range('maxSessionDuration', maxSessionDuration, 3600, 43200);
  v.check();
  const role = await authorizedIdentity(ctx, caller, 'role', name, 'iam:UpdateRole');
  if (description !== undefined) role.description = description;
  if (maxSessionDuration !== undefined) role.maxSessionDuration = maxSessionDuration;
  await putIdentity(ctx.store, caller.account, 'role', role);
  return {};
}

export async function updateRoleDescription(
  ctx: OperationContext,
  caller: Caller,
): Promise<XmlObject> {
  const v = new Constraints();
  const name = readIdentityName(ctx, 'role', v, { existing: true });
  const description = ctx.params.require('Description');
  checkRoleDescription(v, description);
  v.check();
  const role = await authorizedIdentity(ctx, caller, 'role', name, 'iam:UpdateRoleDescription');
  role.description = description;
  await putIdentity(ctx.store, caller.account, 'role', role);
  const shown = await displayedTrustPolicy(ctx.store, role);
  const { RoleLastUsed: _, ...out } = roleXml(role, true, shown);
  return { Role: out };
}

export async function updateAssumeRolePolicy(
  ctx: OperationContext,
  caller: Caller,
): Promise<undefined> {
  const v = new Constraints();
  const name = readIdentityName(ctx, 'role', v, { existing: true });
  const document = ctx.params.require('PolicyDocument');
  checkDocumentText(v, 'policyDocument', document);
  v.check();
  const role = await authorizedIdentity(ctx, caller, 'role', name, 'iam:UpdateAssumeRolePolicy');
  checkDocument(document, 'trust');
  const trustPrincipalIds = await resolveTrustPrincipals(
    document,
    storedPrincipal(ctx.store, caller.account),
  );
  role.assumeRolePolicyDocument = document;
  role.trustPrincipalIds = trustPrincipalIds;
  await putIdentity(ctx.store, caller.account, 'role', role);
  return undefined;
}

/**
 * DeleteRole refuses while inline or managed policies remain, or an instance profile holds the role
 * (DeleteConflict), as IAM does.
 */
export async function deleteRole(ctx: OperationContext, caller: Caller): Promise<undefined> {
  const v = new Constraints();
  const name = readIdentityName(ctx, 'role', v, { existing: true });
  v.check();
  const role = await authorizedIdentity(ctx, caller, 'role', name, 'iam:DeleteRole');
  if (Object.keys(role.inlinePolicies).length > 0) throw IamErrors.mustDeletePolicies();
  if (role.attachedPolicies.length > 0) throw IamErrors.mustDetachPolicies();
  if (await inInstanceProfile(ctx.store, caller.account, role)) throw IamErrors.mustRemoveRoles();
  await ctx.store.delete(caller.account, 'role', role.name);
  if (role.permissionsBoundary)
    await adjustUsage(ctx.store, caller.account, role.permissionsBoundary, { boundaries: -1 });
  return undefined;
}

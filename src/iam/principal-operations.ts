import type { Caller } from '../caller/types.ts';
import type { OperationContext } from '../operation.ts';
import { Constraints } from '../protocol/constraints.ts';
import type { XmlObject } from '../protocol/xml.ts';
import { checkArn, checkDocumentText, checkName, IAM } from './constraints.ts';
import { checkDocument, encodeDocument } from './documents.ts';
import { authorizedPrincipal, readPrincipalName } from './load.ts';
import { IamErrors } from './messages.ts';
import { pageFields, paginate, readPaging } from './paging.ts';
import {
  checkAttachedCount,
  checkInlineAggregate,
  findInline,
  PRINCIPAL,
  putPrincipal,
  type PrincipalKind,
} from './principals.ts';
import {
  checkTagKeys,
  checkTags,
  MAX_TAGS,
  mergeTags,
  readTagKeys,
  readTags,
  removeTags,
  requestTagContext,
} from './tags.ts';
import { adjustUsage, attachablePolicy } from './usage.ts';

type Run = (ctx: OperationContext, caller: Caller) => Promise<XmlObject | undefined>;

/**
 * The operations roles and users share, one implementation each, parameterized by the entity kind:
 * Tag/Untag/List...Tags, Put/Delete...PermissionsBoundary, Put/Get/Delete/List...Policy (inline) and
 * Attach/Detach/ListAttached...Policies (IAM API Reference).
 */
export function principalOperations(kind: PrincipalKind): Record<string, Run> {
  const P = PRINCIPAL[kind];
  const W = P.word;

  const tag: Run = async (ctx, caller) => {
    const v = new Constraints();
    const name = readPrincipalName(ctx, kind, v);
    const tags = readTags(ctx.params);
    if (tags.length === 0) ctx.params.require('Tags.member.1.Key', 'tags');
    checkTags(v, tags);
    v.check();
    const entity = await authorizedPrincipal(
      ctx,
      caller,
      kind,
      name,
      `iam:Tag${W}`,
      requestTagContext(tags),
    );
    checkTagKeys(tags);
    const merged = mergeTags(entity.tags, tags);
    if (merged.length > MAX_TAGS) throw IamErrors.quota(P.tagQuota, MAX_TAGS);
    entity.tags = merged;
    await putPrincipal(ctx.store, caller.account, kind, entity);
    return undefined;
  };

  const untag: Run = async (ctx, caller) => {
    const v = new Constraints();
    const name = readPrincipalName(ctx, kind, v);
    const keys = readTagKeys(ctx.params, v);
    v.check();
    const entity = await authorizedPrincipal(ctx, caller, kind, name, `iam:Untag${W}`, {
      'aws:TagKeys': keys,
    });
    entity.tags = removeTags(entity.tags, keys);
    await putPrincipal(ctx.store, caller.account, kind, entity);
    return undefined;
  };

  const listTags: Run = async (ctx, caller) => {
    const v = new Constraints();
    const name = readPrincipalName(ctx, kind, v);
    const paging = readPaging(ctx.params, v);
    v.check();
    const entity = await authorizedPrincipal(ctx, caller, kind, name, `iam:List${W}Tags`);
    const indexed = entity.tags.map((t, i) => ({ t, i }));
    const page = paginate(indexed, ({ i }) => String(i).padStart(4, '0'), paging);
    return {
      Tags: page.items.map(({ t }) => ({ Key: t.Key, Value: t.Value })),
      ...pageFields(page),
    };
  };

  const putBoundary: Run = async (ctx, caller) => {
    const v = new Constraints();
    const name = readPrincipalName(ctx, kind, v);
    const arn = ctx.params.require('PermissionsBoundary');
    checkArn(v, 'permissionsBoundary', arn);
    v.check();
    const entity = await authorizedPrincipal(
      ctx,
      caller,
      kind,
      name,
      `iam:Put${W}PermissionsBoundary`,
      {
        'iam:PermissionsBoundary': arn,
      },
    );
    await attachablePolicy(ctx.store, caller.account, arn);
    const before = entity.permissionsBoundary;
    entity.permissionsBoundary = arn;
    await putPrincipal(ctx.store, caller.account, kind, entity);
    if (before !== arn) {
      if (before) await adjustUsage(ctx.store, caller.account, before, { boundaries: -1 });
      await adjustUsage(ctx.store, caller.account, arn, { boundaries: 1 });
    }
    return undefined;
  };

  const deleteBoundary: Run = async (ctx, caller) => {
    const v = new Constraints();
    const name = readPrincipalName(ctx, kind, v);
    v.check();
    const entity = await authorizedPrincipal(
      ctx,
      caller,
      kind,
      name,
      `iam:Delete${W}PermissionsBoundary`,
    );
    const before = entity.permissionsBoundary;
    if (!before) return undefined;
    delete entity.permissionsBoundary;
    await putPrincipal(ctx.store, caller.account, kind, entity);
    await adjustUsage(ctx.store, caller.account, before, { boundaries: -1 });
    return undefined;
  };

  const readPolicyName = (ctx: OperationContext, v: Constraints) => {
    const policyName = ctx.params.require('PolicyName');
    checkName(v, 'policyName', policyName, 128);
    return policyName;
  };

  const putInline: Run = async (ctx, caller) => {
    const v = new Constraints();
    const name = readPrincipalName(ctx, kind, v);
    const policyName = readPolicyName(ctx, v);
    const document = ctx.params.require('PolicyDocument');
    checkDocumentText(v, 'policyDocument', document);
    v.check();
    const entity = await authorizedPrincipal(ctx, caller, kind, name, `iam:Put${W}Policy`);
    checkDocument(document, 'identity', Infinity);
    const policies = { ...entity.inlinePolicies };
    const key = findInline(policies, policyName);
    if (key !== undefined) delete policies[key];
    policies[key ?? policyName] = document;
    checkInlineAggregate(kind, entity.name, policies);
    entity.inlinePolicies = policies;
    await putPrincipal(ctx.store, caller.account, kind, entity);
    return undefined;
  };

  const getInline: Run = async (ctx, caller) => {
    const v = new Constraints();
    const name = readPrincipalName(ctx, kind, v);
    const policyName = readPolicyName(ctx, v);
    v.check();
    const entity = await authorizedPrincipal(ctx, caller, kind, name, `iam:Get${W}Policy`);
    const key = findInline(entity.inlinePolicies, policyName);
    if (key === undefined) throw P.noSuchPolicy(entity.name, policyName);
    return {
      [P.param]: entity.name,
      PolicyName: key,
      PolicyDocument: encodeDocument(entity.inlinePolicies[key]!),
    };
  };

  const deleteInline: Run = async (ctx, caller) => {
    const v = new Constraints();
    const name = readPrincipalName(ctx, kind, v);
    const policyName = readPolicyName(ctx, v);
    v.check();
    const entity = await authorizedPrincipal(ctx, caller, kind, name, `iam:Delete${W}Policy`);
    const key = findInline(entity.inlinePolicies, policyName);
    if (key === undefined) throw P.noSuchPolicy(entity.name, policyName);
    const policies = { ...entity.inlinePolicies };
    delete policies[key];
    entity.inlinePolicies = policies;
    await putPrincipal(ctx.store, caller.account, kind, entity);
    return undefined;
  };

  const listInline: Run = async (ctx, caller) => {
    const v = new Constraints();
    const name = readPrincipalName(ctx, kind, v);
    const paging = readPaging(ctx.params, v);
    v.check();
    const entity = await authorizedPrincipal(ctx, caller, kind, name, `iam:List${W}Policies`);
    const page = paginate(Object.keys(entity.inlinePolicies), (n) => n.toLowerCase(), paging);
    return { PolicyNames: page.items, ...pageFields(page) };
  };

  const readPolicyArn = (ctx: OperationContext, v: Constraints) => {
    const arn = ctx.params.require('PolicyArn');
    checkArn(v, 'policyArn', arn);
    return arn;
  };

  const attach: Run = async (ctx, caller) => {
    const v = new Constraints();
    const name = readPrincipalName(ctx, kind, v);
    const arn = readPolicyArn(ctx, v);
    v.check();
    const entity = await authorizedPrincipal(ctx, caller, kind, name, `iam:Attach${W}Policy`, {
      'iam:PolicyARN': arn,
    });
    await attachablePolicy(ctx.store, caller.account, arn);
    if (entity.attachedPolicies.includes(arn)) return undefined;
    const attached = [...entity.attachedPolicies, arn];
    checkAttachedCount(kind, attached);
    entity.attachedPolicies = attached;
    await putPrincipal(ctx.store, caller.account, kind, entity);
    await adjustUsage(ctx.store, caller.account, arn, { attachments: 1 });
    return undefined;
  };

  const detach: Run = async (ctx, caller) => {
    const v = new Constraints();
    const name = readPrincipalName(ctx, kind, v);
    const arn = readPolicyArn(ctx, v);
    v.check();
    const entity = await authorizedPrincipal(ctx, caller, kind, name, `iam:Detach${W}Policy`, {
      'iam:PolicyARN': arn,
    });
    if (!entity.attachedPolicies.includes(arn)) throw IamErrors.noSuchPolicy(arn);
    entity.attachedPolicies = entity.attachedPolicies.filter((a) => a !== arn);
    await putPrincipal(ctx.store, caller.account, kind, entity);
    await adjustUsage(ctx.store, caller.account, arn, { attachments: -1 });
    return undefined;
  };

  const listAttached: Run = async (ctx, caller) => {
    const v = new Constraints();
    const name = readPrincipalName(ctx, kind, v);
    const prefix = ctx.params.get('PathPrefix');
    v.length('pathPrefix', prefix, 1, 512).pattern(
      'pathPrefix',
      prefix,
      IAM.pathPrefix.re,
      IAM.pathPrefix.shown,
    );
    const paging = readPaging(ctx.params, v);
    v.check();
    const entity = await authorizedPrincipal(
      ctx,
      caller,
      kind,
      name,
      `iam:ListAttached${W}Policies`,
    );
    const policies = entity.attachedPolicies
      .map((arn) => {
        const m = /^arn:aws:iam::[^:]+:policy(\/(?:.*\/)?)?([^/]+)$/.exec(arn);
        return { arn, path: m?.[1] ?? '/', name: m?.[2] ?? arn };
      })
      .filter((p) => p.path.startsWith(prefix ?? '/'));
    const page = paginate(policies, (p) => p.name.toLowerCase(), paging);
    return {
      AttachedPolicies: page.items.map((p) => ({ PolicyName: p.name, PolicyArn: p.arn })),
      ...pageFields(page),
    };
  };

  return {
    [`Tag${W}`]: tag,
    [`Untag${W}`]: untag,
    [`List${W}Tags`]: listTags,
    [`Put${W}PermissionsBoundary`]: putBoundary,
    [`Delete${W}PermissionsBoundary`]: deleteBoundary,
    [`Put${W}Policy`]: putInline,
    [`Get${W}Policy`]: getInline,
    [`Delete${W}Policy`]: deleteInline,
    [`List${W}Policies`]: listInline,
    [`Attach${W}Policy`]: attach,
    [`Detach${W}Policy`]: detach,
    [`ListAttached${W}Policies`]: listAttached,
  };
}

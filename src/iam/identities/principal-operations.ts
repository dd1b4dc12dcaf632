import type { Caller } from '../../caller/types.ts';
import type { OperationContext } from '../../operation.ts';
import type { ContextValue } from '../../policy/index.ts';
import { Constraints } from '../../protocol/constraints.ts';
import type { XmlObject } from '../../protocol/xml.ts';
import type { EntityTypes } from '../../store/types.ts';
import { authorizeIam } from '../shared/authorize.ts';
import {
  checkArn,
  checkDocumentText,
  checkName,
  checkPathPrefix,
  checkPolicyPath,
} from '../shared/constraints.ts';
import { checkDocument, encodeDocument } from '../shared/documents.ts';
import { authorizedPrincipal, readPrincipalName } from './lookup.ts';
import { IamErrors } from '../shared/errors.ts';
import { pageFields, paginate, readPaging, storePage } from '../shared/paging.ts';
import {
  checkAttachedCount,
  checkInlineAggregate,
  findInline,
  PRINCIPAL,
  putPrincipal,
  summaryXml,
  type HolderKind,
  type HolderRecord,
  type PrincipalKind,
  type PrincipalRecord,
} from './record.ts';
import {
  checkTagKeys,
  checkTags,
  MAX_TAGS,
  mergeTags,
  readTagKeys,
  readTags,
  removeTags,
  requestTagContext,
} from '../shared/tags.ts';
import { adjustUsage, attachablePolicy } from '../managed-policies/attachment-counts.ts';

type Run = (ctx: OperationContext, caller: Caller) => Promise<XmlObject | undefined>;

/** One action on a named role, user or group: its own parameters, condition keys, and what it does. */
interface EntityAction<T, R> {
  /** The user name is existingUserNameType (1-128) rather than userNameType (1-64) in the model. */
  existing: boolean;
  /** Reads and checks the action's parameters; violations are reported with the name's. */
  read: (ctx: OperationContext, v: Constraints) => T;
  /** Request condition keys the authorization sees (tags, iam:PolicyARN, iam:PermissionsBoundary). */
  context?: (input: T) => Record<string, ContextValue>;
  run: (
    ctx: OperationContext,
    caller: Caller,
    entity: R,
    input: T,
  ) => Promise<XmlObject | undefined>;
}

/** Validates everything, authorizes `iam:<action>` on the entity, then runs the action on it. */
function entityAction<K extends HolderKind, T>(
  kind: K,
  action: string,
  spec: EntityAction<T, EntityTypes[K]>,
): Run {
  return async (ctx, caller) => {
    const v = new Constraints();
    const name = readPrincipalName(ctx, kind, v, { existing: spec.existing });
    const input = spec.read(ctx, v);
    v.check();
    const entity = await authorizedPrincipal(
      ctx,
      caller,
      kind,
      name,
      `iam:${action}`,
      spec.context?.(input),
    );
    return spec.run(ctx, caller, entity, input);
  };
}

const nothing = (): undefined => undefined;

function readPolicyName(ctx: OperationContext, v: Constraints): string {
  const policyName = ctx.params.require('PolicyName');
  checkName(v, 'policyName', policyName, 128);
  return policyName;
}

function readPolicyArn(ctx: OperationContext, v: Constraints): string {
  const arn = ctx.params.require('PolicyArn');
  checkArn(v, 'policyArn', arn);
  return arn;
}

/** A managed policy ARN split into the path and name ListAttached*Policies filter and return. */
function attachedPolicy(arn: string): { arn: string; path: string; name: string } {
  const m = /^arn:aws:iam::[^:]+:policy(\/(?:.*\/)?)?([^/]+)$/.exec(arn);
  return { arn, path: m?.[1] ?? '/', name: m?.[2] ?? arn };
}

/**
 * The operations roles and users share, one implementation each, parameterized by the entity kind:
 * List(Roles|Users), Tag/Untag/List...Tags, Put/Delete...PermissionsBoundary, and the policy
 * operations they share with groups (IAM API Reference).
 */
export function principalOperations(kind: PrincipalKind): Record<string, Run> {
  const P = PRINCIPAL[kind];
  const W = P.word;
  const save = (ctx: OperationContext, caller: Caller, entity: PrincipalRecord) =>
    putPrincipal(ctx.store, caller.account, kind, entity);
  const on = <T>(action: string, spec: EntityAction<T, PrincipalRecord>): Run =>
    entityAction(kind, action, spec);

  /**
   * ListRoles / ListUsers: sorted by name, filtered by PathPrefix, paginated with Marker/MaxItems.
   * The actions have no resource type (Service Authorization Reference), so they are authorized on `*`.
   */
  const list: Run = async (ctx, caller) => {
    const v = new Constraints();
    const prefix = ctx.params.get('PathPrefix') ?? '/';
    checkPathPrefix(v, ctx.params.get('PathPrefix'));
    const paging = readPaging(ctx.params, v);
    v.check();
    await authorizeIam(ctx, caller, `iam:List${W}s`, '*');
    const page = await storePage(ctx.store, caller.account, kind, paging, prefix);
    return {
      [`${W}s`]: page.items.map((e: PrincipalRecord) => summaryXml(kind, e)),
      ...pageFields(page),
    };
  };

  return {
    [`List${W}s`]: list,

    [`Tag${W}`]: on(`Tag${W}`, {
      existing: true,
      read: (ctx, v) => {
        const tags = readTags(ctx.params);
        if (tags.length === 0) ctx.params.require('Tags.member.1.Key', 'tags');
        checkTags(v, tags);
        return tags;
      },
      context: requestTagContext,
      run: async (ctx, caller, entity, tags) => {
        checkTagKeys(tags);
        const merged = mergeTags(entity.tags, tags);
        if (merged.length > MAX_TAGS) throw IamErrors.quota(P.tagQuota, MAX_TAGS);
        entity.tags = merged;
        await save(ctx, caller, entity);
        return undefined;
      },
    }),

    [`Untag${W}`]: on(`Untag${W}`, {
      existing: true,
      read: (ctx, v) => {
        const keys = readTagKeys(ctx.params, v);
        if (keys.length === 0) ctx.params.require('TagKeys.member.1', 'tagKeys');
        return keys;
      },
      context: (keys) => ({ 'aws:TagKeys': keys }),
      run: async (ctx, caller, entity, keys) => {
        entity.tags = removeTags(entity.tags, keys);
        await save(ctx, caller, entity);
        return undefined;
      },
    }),

    [`List${W}Tags`]: on(`List${W}Tags`, {
      existing: true,
      read: (ctx, v) => readPaging(ctx.params, v),
      run: async (_ctx, _caller, entity, paging) => {
        const indexed = entity.tags.map((t, i) => ({ t, i }));
        const page = paginate(indexed, ({ i }) => String(i).padStart(4, '0'), paging);
        return {
          Tags: page.items.map(({ t }) => ({ Key: t.Key, Value: t.Value })),
          ...pageFields(page),
        };
      },
    }),

    [`Put${W}PermissionsBoundary`]: on(`Put${W}PermissionsBoundary`, {
      existing: false,
      read: (ctx, v) => {
        const arn = ctx.params.require('PermissionsBoundary');
        checkArn(v, 'permissionsBoundary', arn);
        return arn;
      },
      context: (arn) => ({ 'iam:PermissionsBoundary': arn }),
      run: async (ctx, caller, entity, arn) => {
        await attachablePolicy(ctx.store, caller.account, arn);
        const before = entity.permissionsBoundary;
        entity.permissionsBoundary = arn;
        await save(ctx, caller, entity);
        if (before !== arn) {
          if (before) await adjustUsage(ctx.store, caller.account, before, { boundaries: -1 });
          await adjustUsage(ctx.store, caller.account, arn, { boundaries: 1 });
        }
        return undefined;
      },
    }),

    [`Delete${W}PermissionsBoundary`]: on(`Delete${W}PermissionsBoundary`, {
      existing: false,
      read: nothing,
      run: async (ctx, caller, entity) => {
        const before = entity.permissionsBoundary;
        if (!before) return undefined;
        delete entity.permissionsBoundary;
        await save(ctx, caller, entity);
        await adjustUsage(ctx.store, caller.account, before, { boundaries: -1 });
        return undefined;
      },
    }),

    ...policyOperations(kind),
  };
}

/**
 * Put/Get/Delete/List...Policy (inline) and Attach/Detach/ListAttached...Policies, for roles, users
 * and groups alike (IAM API Reference), each with its entity's quotas.
 */
export function policyOperations(kind: HolderKind): Record<string, Run> {
  const P = PRINCIPAL[kind];
  const W = P.word;
  const save = (ctx: OperationContext, caller: Caller, entity: HolderRecord) =>
    putPrincipal(ctx.store, caller.account, kind, entity);
  const on = <T>(action: string, spec: EntityAction<T, HolderRecord>): Run =>
    entityAction(kind, action, spec);

  return {
    [`Put${W}Policy`]: on(`Put${W}Policy`, {
      existing: true,
      read: (ctx, v) => {
        const policyName = readPolicyName(ctx, v);
        const document = ctx.params.require('PolicyDocument');
        checkDocumentText(v, 'policyDocument', document);
        return { policyName, document };
      },
      run: async (ctx, caller, entity, { policyName, document }) => {
        checkDocument(document, 'identity', Infinity);
        const policies = { ...entity.inlinePolicies };
        const key = findInline(policies, policyName);
        if (key !== undefined) delete policies[key];
        policies[key ?? policyName] = document;
        checkInlineAggregate(kind, entity.name, policies);
        entity.inlinePolicies = policies;
        await save(ctx, caller, entity);
        return undefined;
      },
    }),

    [`Get${W}Policy`]: on(`Get${W}Policy`, {
      existing: true,
      read: readPolicyName,
      run: async (_ctx, _caller, entity, policyName) => {
        const key = findInline(entity.inlinePolicies, policyName);
        if (key === undefined) throw P.noSuchPolicy(entity.name, policyName);
        return {
          [P.param]: entity.name,
          PolicyName: key,
          PolicyDocument: encodeDocument(entity.inlinePolicies[key]!),
        };
      },
    }),

    [`Delete${W}Policy`]: on(`Delete${W}Policy`, {
      existing: true,
      read: readPolicyName,
      run: async (ctx, caller, entity, policyName) => {
        const key = findInline(entity.inlinePolicies, policyName);
        if (key === undefined) throw P.noSuchPolicy(entity.name, policyName);
        const policies = { ...entity.inlinePolicies };
        delete policies[key];
        entity.inlinePolicies = policies;
        await save(ctx, caller, entity);
        return undefined;
      },
    }),

    [`List${W}Policies`]: on(`List${W}Policies`, {
      existing: true,
      read: (ctx, v) => readPaging(ctx.params, v),
      run: async (_ctx, _caller, entity, paging) => {
        const names = Object.keys(entity.inlinePolicies);
        const page = paginate(names, (n) => n.toLowerCase(), paging);
        return { PolicyNames: page.items, ...pageFields(page) };
      },
    }),

    [`Attach${W}Policy`]: on(`Attach${W}Policy`, {
      existing: false,
      read: readPolicyArn,
      context: (arn) => ({ 'iam:PolicyARN': arn }),
      run: async (ctx, caller, entity, arn) => {
        await attachablePolicy(ctx.store, caller.account, arn);
        if (entity.attachedPolicies.includes(arn)) return undefined;
        const attached = [...entity.attachedPolicies, arn];
        checkAttachedCount(kind, attached);
        entity.attachedPolicies = attached;
        await save(ctx, caller, entity);
        await adjustUsage(ctx.store, caller.account, arn, { attachments: 1 });
        return undefined;
      },
    }),

    [`Detach${W}Policy`]: on(`Detach${W}Policy`, {
      existing: false,
      read: readPolicyArn,
      context: (arn) => ({ 'iam:PolicyARN': arn }),
      run: async (ctx, caller, entity, arn) => {
        if (!entity.attachedPolicies.includes(arn)) throw IamErrors.noSuchPolicy(arn);
        entity.attachedPolicies = entity.attachedPolicies.filter((a) => a !== arn);
        await save(ctx, caller, entity);
        await adjustUsage(ctx.store, caller.account, arn, { attachments: -1 });
        return undefined;
      },
    }),

    [`ListAttached${W}Policies`]: on(`ListAttached${W}Policies`, {
      existing: false,
      read: (ctx, v) => {
        const prefix = ctx.params.get('PathPrefix');
        checkPolicyPath(v, 'pathPrefix', prefix);
        return { prefix: prefix ?? '/', paging: readPaging(ctx.params, v) };
      },
      run: async (_ctx, _caller, entity, { prefix, paging }) => {
        const policies = entity.attachedPolicies
          .map(attachedPolicy)
          .filter((p) => p.path.startsWith(prefix));
        const page = paginate(policies, (p) => p.name.toLowerCase(), paging);
        return {
          AttachedPolicies: page.items.map((p) => ({ PolicyName: p.name, PolicyArn: p.arn })),
          ...pageFields(page),
        };
      },
    }),
  };
}

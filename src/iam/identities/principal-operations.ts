import type { Caller } from '../../caller/types.ts';
import type { OperationContext } from '../../operation.ts';
import { Constraints } from '../../protocol/constraints.ts';
import type { XmlObject } from '../../protocol/xml.ts';
import type { IamStore, RoleRecord, UserRecord } from '../../store/types.ts';
import { adjustUsage, attachablePolicy } from '../managed-policies/attachment-counts.ts';
import { roleXml } from '../roles/record.ts';
import { displayedTrustPolicy, prefetchTrustPrincipals } from '../roles/trust-principals.ts';
import { authorizeIam } from '../common/authorize.ts';
import { checkArn, checkPathPrefix } from '../common/constraints.ts';
import { LIST_PAGE, pageFields, readPaging, storePage } from '../common/paging.ts';
import {
  addTags,
  readTagKeysToRemove,
  readTagsToAdd,
  removeTags,
  requestTagContext,
  tagsPage,
} from '../common/tags.ts';
import { userXml } from '../users/record.ts';
import { entityAction, nothing, type EntityAction, type Run } from './entity-action.ts';
import { IDENTITY, putIdentity, type PrincipalKind, type PrincipalRecord } from './record.ts';

/**
 * The roles or users of a ListRoles / ListUsers page (the summary form of the data type), trust
 * policies as IAM displays them (the principals they name read in bulk, once per page).
 */
async function summariesXml(
  store: IamStore,
  kind: PrincipalKind,
  records: PrincipalRecord[],
): Promise<XmlObject[]> {
  if (kind === 'user') return records.map((r) => userXml(r as UserRecord, false));
  const current: Parameters<typeof displayedTrustPolicy>[2] = new Map();
  await prefetchTrustPrincipals(store, records as RoleRecord[], current);
  return Promise.all(
    records.map(async (r) =>
      roleXml(r as RoleRecord, false, await displayedTrustPolicy(store, r as RoleRecord, current)),
    ),
  );
}

/**
 * The operations roles and users share, one implementation each, parameterized by the entity kind:
 * List(Roles|Users), Tag/Untag/List...Tags, Put/Delete...PermissionsBoundary (IAM API Reference).
 * The policy operations they share with groups are in identity-policy-operations.ts.
 */
export function principalOperations(kind: PrincipalKind): Record<string, Run> {
  const P = IDENTITY[kind];
  const W = P.word;
  const save = (ctx: OperationContext, caller: Caller, entity: PrincipalRecord) =>
    putIdentity(ctx.store, caller.account, kind, entity);
  const on = <T>(action: string, spec: EntityAction<T, PrincipalRecord>): Run =>
    entityAction(kind, action, spec);

  /**
   * ListRoles / ListUsers: sorted by name, filtered by PathPrefix, paginated with Marker/MaxItems;
   * a page ends early once its records reach LIST_PAGE characters (src/iam/common/paging.ts).
   * The actions have no resource type (Service Authorization Reference), so they are authorized on `*`.
   */
  const list: Run = async (ctx, caller) => {
    const v = new Constraints();
    const prefix = ctx.params.get('PathPrefix') ?? '/';
    checkPathPrefix(v, ctx.params.get('PathPrefix'));
    const paging = readPaging(ctx.params, v);
    v.check();
    await authorizeIam(ctx, caller, `iam:List${W}s`, '*');
    const bounded = { ...paging, maxChars: LIST_PAGE.chars };
    const page = await storePage(ctx.store, caller.account, kind, bounded, prefix);
    return {
      [`${W}s`]: await summariesXml(ctx.store, kind, page.items),
      ...pageFields(page),
    };
  };

  return {
    [`List${W}s`]: list,

    [`Tag${W}`]: on(`Tag${W}`, {
      existing: true,
      read: (ctx, v) => readTagsToAdd(ctx.params, v),
      context: requestTagContext,
      run: async (ctx, caller, entity, tags) => {
        entity.tags = addTags(entity.tags, tags, P.tagQuota);
        await save(ctx, caller, entity);
        return undefined;
      },
    }),

    [`Untag${W}`]: on(`Untag${W}`, {
      existing: true,
      read: (ctx, v) => readTagKeysToRemove(ctx.params, v),
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
      run: async (_ctx, _caller, entity, paging) => tagsPage(entity.tags, paging),
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
  };
}

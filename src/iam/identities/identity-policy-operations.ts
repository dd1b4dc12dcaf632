import { nameRecord, setName } from '../../policy/index.ts';
import type { Caller } from '../../caller/types.ts';
import type { OperationContext } from '../../operation.ts';
import type { Constraints } from '../../protocol/constraints.ts';
import { checkArn, checkDocumentText, checkName, checkPolicyPath } from '../common/constraints.ts';
import { checkDocument, encodeDocument } from '../common/documents.ts';
import { IamErrors } from '../common/errors.ts';
import { pageFields, paginate, readPaging } from '../common/paging.ts';
import { adjustUsage, attachablePolicy } from '../managed-policies/attachment-counts.ts';
import { entityAction, type EntityAction, type Run } from './entity-action.ts';
import {
  checkAttachedCount,
  checkInlineAggregate,
  findInline,
  IDENTITY,
  putIdentity,
  type IdentityKind,
  type IdentityRecord,
} from './record.ts';

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
export function attachedPolicy(arn: string): { arn: string; path: string; name: string } {
  const m = /^arn:aws:iam::[^:]+:policy(\/(?:.*\/)?)?([^/]+)$/.exec(arn);
  return { arn, path: m?.[1] ?? '/', name: m?.[2] ?? arn };
}

/**
 * Put/Get/Delete/List...Policy (inline) and Attach/Detach/ListAttached...Policies, for roles, users
 * and groups alike (IAM API Reference), each with its entity's quotas.
 */
export function identityPolicyOperations(kind: IdentityKind): Record<string, Run> {
  const P = IDENTITY[kind];
  const W = P.word;
  const save = (ctx: OperationContext, caller: Caller, entity: IdentityRecord) =>
    putIdentity(ctx.store, caller.account, kind, entity);
  const on = <T>(action: string, spec: EntityAction<T, IdentityRecord>): Run =>
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
        const policies = nameRecord(entity.inlinePolicies);
        const key = findInline(policies, policyName);
        if (key !== undefined) delete policies[key];
        setName(policies, key ?? policyName, document);
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
        const policies = nameRecord(entity.inlinePolicies);
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

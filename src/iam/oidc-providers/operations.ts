import type { Caller } from '../../caller/types.ts';
import type { OperationContext } from '../../operation.ts';
import { Constraints } from '../../protocol/constraints.ts';
import { isoSeconds, type XmlObject } from '../../protocol/xml.ts';
import type { OidcProviderRecord } from '../../store/types.ts';
import { authorizeCreate, authorizeIam } from '../common/authorize.ts';
import { oidcProviderArn } from '../common/arns.ts';
import { IamErrors } from '../common/errors.ts';
import { forEachEntity } from '../common/paging.ts';
import { checkTagKeys, readTags, tagsXml } from '../common/tags.ts';
import {
  checkOidcSpec,
  checkThumbprints,
  oidcRecord,
  providerUrl,
  type OidcSpec,
} from './record.ts';
import { authorizeProvider, readProviderArn } from './authorized-provider.ts';
import { checkAccountQuota } from '../common/quotas.ts';

export async function createOpenIDConnectProvider(
  ctx: OperationContext,
  caller: Caller,
): Promise<XmlObject> {
  const { params, store } = ctx;
  const v = new Constraints();
  const spec: OidcSpec = {
    url: params.require('Url'),
    clientIds: params.list('ClientIDList'),
    thumbprints: params.list('ThumbprintList'),
    tags: readTags(params),
  };
  checkOidcSpec(v, spec);
  v.check();
  const url = providerUrl(spec.url);
  const arn = oidcProviderArn(caller.account, url);
  await authorizeCreate(
    ctx,
    caller,
    { create: 'iam:CreateOpenIDConnectProvider', tag: 'iam:TagOpenIDConnectProvider' },
    arn,
    { tags: spec.tags ?? [] },
  );
  checkTagKeys(spec.tags ?? []);
  if (await store.get(caller.account, 'oidc', url)) throw IamErrors.oidcExists(spec.url);
  await checkAccountQuota(store, caller.account, 'oidc');
  const record = oidcRecord(caller.account, spec, null, ctx.info.now);
  await store.put(caller.account, 'oidc', url, record);
  return { OpenIDConnectProviderArn: arn, Tags: tagsXml(record.tags) };
}

async function authorizedProvider(
  ctx: OperationContext,
  caller: Caller,
  action: string,
  v: Constraints,
): Promise<{ arn: string; record: OidcProviderRecord | null }> {
  const arn = readProviderArn(ctx, v);
  v.check();
  return { arn, record: await authorizeProvider(ctx, caller, { action, arn }) };
}

export async function getOpenIDConnectProvider(
  ctx: OperationContext,
  caller: Caller,
): Promise<XmlObject> {
  const { arn, record } = await authorizedProvider(
    ctx,
    caller,
    'iam:GetOpenIDConnectProvider',
    new Constraints(),
  );
  if (!record) throw IamErrors.noSuchOidcProvider(arn);
  return {
    Url: record.url,
    ClientIDList: record.clientIds,
    ThumbprintList: record.thumbprints,
    CreateDate: isoSeconds(record.createDate),
    Tags: tagsXml(record.tags),
  };
}

export async function listOpenIDConnectProviders(
  ctx: OperationContext,
  caller: Caller,
): Promise<XmlObject> {
  await authorizeIam(ctx, caller, 'iam:ListOpenIDConnectProviders', '*');
  // The action takes no Marker: every provider, in one pass (at most 100 per account, IAM quotas).
  const arns: { Arn: string }[] = [];
  await forEachEntity(ctx.store, caller.account, 'oidc', (p) => void arns.push({ Arn: p.arn }));
  return { OpenIDConnectProviderList: arns };
}

/** DeleteOpenIDConnectProvider is idempotent: a provider that does not exist is not an error (IAM API Reference). */
export async function deleteOpenIDConnectProvider(
  ctx: OperationContext,
  caller: Caller,
): Promise<undefined> {
  const { record } = await authorizedProvider(
    ctx,
    caller,
    'iam:DeleteOpenIDConnectProvider',
    new Constraints(),
  );
  if (record) await ctx.store.delete(caller.account, 'oidc', record.url);
  return undefined;
}

async function updateProvider(
  ctx: OperationContext,
  caller: Caller,
  action: string,
  read: (v: Constraints) => (r: OidcProviderRecord) => void,
): Promise<undefined> {
  const v = new Constraints();
  const change = read(v);
  const { arn, record } = await authorizedProvider(ctx, caller, action, v);
  if (!record) throw IamErrors.noSuchOidcProvider(arn);
  change(record);
  await ctx.store.put(caller.account, 'oidc', record.url, record);
  return undefined;
}

function readClientId(ctx: OperationContext, v: Constraints): string {
  const id = ctx.params.require('ClientID', 'clientID');
  v.length('clientID', id, 1, 255);
  return id;
}

export const addClientIDToOpenIDConnectProvider = (ctx: OperationContext, caller: Caller) =>
  updateProvider(ctx, caller, 'iam:AddClientIDToOpenIDConnectProvider', (v) => {
    const id = readClientId(ctx, v);
    return (r) => {
      if (!r.clientIds.includes(id)) r.clientIds = [...r.clientIds, id];
    };
  });

export const removeClientIDFromOpenIDConnectProvider = (ctx: OperationContext, caller: Caller) =>
  updateProvider(ctx, caller, 'iam:RemoveClientIDFromOpenIDConnectProvider', (v) => {
    const id = readClientId(ctx, v);
    return (r) => {
      r.clientIds = r.clientIds.filter((c) => c !== id);
    };
  });

export const updateOpenIDConnectProviderThumbprint = (ctx: OperationContext, caller: Caller) =>
  updateProvider(ctx, caller, 'iam:UpdateOpenIDConnectProviderThumbprint', (v) => {
    const list = ctx.params.list('ThumbprintList');
    if (list.length === 0) ctx.params.require('ThumbprintList.member.1', 'thumbprintList');
    checkThumbprints(v, list);
    return (r) => {
      r.thumbprints = list;
    };
  });

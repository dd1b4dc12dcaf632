import type { Caller } from '../../caller/types.ts';
import type { OperationContext } from '../../operation.ts';
import { Constraints } from '../../protocol/constraints.ts';
import type { XmlObject } from '../../protocol/xml.ts';
import type { OidcProviderRecord } from '../../store/types.ts';
import { IamErrors } from '../common/errors.ts';
import { pageFields, paginate, readPaging } from '../common/paging.ts';
import {
  checkTagKeys,
  checkTags,
  MAX_TAGS,
  mergeTags,
  readTagKeys,
  readTags,
  removeTags,
  requestTagContext,
} from '../common/tags.ts';
import { authorizeProvider, readProviderArn } from './authorized-provider.ts';

/**
 * TagOpenIDConnectProvider, UntagOpenIDConnectProvider, ListOpenIDConnectProviderTags (IAM API
 * Reference). Tags on a provider are how an account marks it as served by its test issuer
 * (`rolecall:keys` = `test-issuer`, docs/web-identity.md).
 */
async function withProvider<T>(
  ctx: OperationContext,
  caller: Caller,
  action: string,
  read: (v: Constraints) => T,
  extraContext: (input: T) => Record<string, string | string[]> = () => ({}),
): Promise<{ record: OidcProviderRecord; input: T }> {
  const v = new Constraints();
  const arn = readProviderArn(ctx, v);
  const input = read(v);
  v.check();
  const record = await authorizeProvider(ctx, caller, {
    action,
    arn,
    context: extraContext(input),
  });
  if (!record) throw IamErrors.noSuchOidcProvider(arn);
  return { record, input };
}

export async function tagOpenIDConnectProvider(
  ctx: OperationContext,
  caller: Caller,
): Promise<undefined> {
  const { record, input: tags } = await withProvider(
    ctx,
    caller,
    'iam:TagOpenIDConnectProvider',
    (v) => {
      const tags = readTags(ctx.params);
      if (tags.length === 0) ctx.params.require('Tags.member.1.Key', 'tags');
      checkTags(v, tags);
      return tags;
    },
    requestTagContext,
  );
  checkTagKeys(tags);
  const merged = mergeTags(record.tags, tags);
  if (merged.length > MAX_TAGS) throw IamErrors.quota('TagsPerOpenIdConnectProvider', MAX_TAGS);
  record.tags = merged;
  await ctx.store.put(caller.account, 'oidc', record.url, record);
  return undefined;
}

export async function untagOpenIDConnectProvider(
  ctx: OperationContext,
  caller: Caller,
): Promise<undefined> {
  const { record, input: keys } = await withProvider(
    ctx,
    caller,
    'iam:UntagOpenIDConnectProvider',
    (v) => {
      const keys = readTagKeys(ctx.params, v);
      if (keys.length === 0) ctx.params.require('TagKeys.member.1', 'tagKeys');
      return keys;
    },
    (keys) => ({ 'aws:TagKeys': keys }),
  );
  record.tags = removeTags(record.tags, keys);
  await ctx.store.put(caller.account, 'oidc', record.url, record);
  return undefined;
}

export async function listOpenIDConnectProviderTags(
  ctx: OperationContext,
  caller: Caller,
): Promise<XmlObject> {
  const { record, input: paging } = await withProvider(
    ctx,
    caller,
    'iam:ListOpenIDConnectProviderTags',
    (v) => readPaging(ctx.params, v),
  );
  const indexed = record.tags.map((t, i) => ({ t, i }));
  const page = paginate(indexed, ({ i }) => String(i).padStart(4, '0'), paging);
  return {
    Tags: page.items.map(({ t }) => ({ Key: t.Key, Value: t.Value })),
    ...pageFields(page),
  };
}

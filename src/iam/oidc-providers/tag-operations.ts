import type { Caller } from '../../caller/types.ts';
import type { OperationContext } from '../../operation.ts';
import { Constraints } from '../../protocol/constraints.ts';
import type { XmlObject } from '../../protocol/xml.ts';
import type { OidcProviderRecord } from '../../store/types.ts';
import { IamErrors } from '../common/errors.ts';
import { readPaging } from '../common/paging.ts';
import {
  addTags,
  readTagKeysToRemove,
  readTagsToAdd,
  removeTags,
  requestTagContext,
  tagsPage,
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
    (v) => readTagsToAdd(ctx.params, v),
    requestTagContext,
  );
  record.tags = addTags(record.tags, tags, 'TagsPerOpenIdConnectProvider');
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
    (v) => readTagKeysToRemove(ctx.params, v),
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
  return tagsPage(record.tags, paging);
}

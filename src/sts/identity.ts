import { accountFromAccessKeyId } from '../auth/keys.ts';
import { authorize } from '../caller/authorize.ts';
import type { Caller } from '../caller/types.ts';
import type { OperationContext } from '../operation.ts';
import { Constraints } from '../protocol/constraints.ts';
import type { XmlObject } from '../protocol/xml.ts';
import { StsErrors } from './errors.ts';

/** GetCallerIdentity: needs no permission and cannot be denied ("GetCallerIdentity", STS API Reference). */
export async function getCallerIdentity(
  _ctx: OperationContext,
  caller: Caller,
): Promise<XmlObject> {
  return { Arn: caller.arn, UserId: caller.userId, Account: caller.account };
}

/**
 * GetAccessKeyInfo: the account is decoded from the key id itself, as AWS does. Keys imported with a
 * fixed id (the documented example key, keys pinned by a seed file) carry no account bits, so those
 * are looked up.
 */
export async function getAccessKeyInfo(ctx: OperationContext, caller: Caller): Promise<XmlObject> {
  const id = ctx.params.require('AccessKeyId');
  new Constraints()
    .length('accessKeyId', id, 16, 128)
    .pattern('accessKeyId', id, /^[\w]*$/, '[\\w]*')
    .check();
  // sts:GetAccessKeyInfo has no resource type (Service Authorization Reference): authorized on "*".
  await authorize(
    { store: ctx.store, caller, info: ctx.info },
    { action: 'sts:GetAccessKeyInfo', resource: '*' },
  );
  const stored = await ctx.store.getAccessKey(id);
  const account = stored?.account ?? accountFromAccessKeyId(id);
  if (!account) {
    throw StsErrors.invalidAccessKeyId(id);
  }
  return { Account: account };
}

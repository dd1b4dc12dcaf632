import { newAccessKeyId, newSecretAccessKey } from '../../auth/keys.ts';
import type { Caller } from '../../caller/types.ts';
import type { OperationContext } from '../../operation.ts';
import { Constraints } from '../../protocol/constraints.ts';
import { lastUse } from '../../store/last-used.ts';
import { isoSeconds, type XmlObject } from '../../protocol/xml.ts';
import { authorizeIam } from '../common/authorize.ts';
import { iamArn } from '../common/arns.ts';
import { checkEnum, IAM } from '../common/constraints.ts';
import { authorizedIdentity, userNameOrCaller } from '../identities/authorized-identity.ts';
import { IamErrors } from '../common/errors.ts';
import { pageFields, paginate, readPaging } from '../common/paging.ts';
import { accessKeyRecord, accessKeyXml, MAX_KEYS_PER_USER } from './access-key-record.ts';

function checkKeyId(v: Constraints, id: string): void {
  v.length('accessKeyId', id, 16, 128).pattern(
    'accessKeyId',
    id,
    IAM.accessKeyId.re,
    IAM.accessKeyId.shown,
  );
}

/** CreateAccessKey: the only response that ever carries the secret access key. */
export async function createAccessKey(ctx: OperationContext, caller: Caller): Promise<XmlObject> {
  const v = new Constraints();
  const name = userNameOrCaller(ctx, caller, v);
  v.check();
  const user = await authorizedIdentity(ctx, caller, 'user', name, 'iam:CreateAccessKey');
  const existing = await ctx.store.listAccessKeys(caller.account, user.name);
  if (existing.length >= MAX_KEYS_PER_USER)
    throw IamErrors.quota('AccessKeysPerUser', MAX_KEYS_PER_USER);
  const secretAccessKey = newSecretAccessKey();
  const record = await accessKeyRecord(
    ctx.env.SEAL_KEY,
    {
      accessKeyId: newAccessKeyId('AKIA', caller.account),
      secretAccessKey,
      account: caller.account,
      userName: user.name,
      status: 'Active',
    },
    ctx.info.now,
  );
  await ctx.store.putAccessKey(record);
  return {
    AccessKey: {
      UserName: user.name,
      AccessKeyId: record.accessKeyId,
      Status: record.status,
      SecretAccessKey: secretAccessKey,
      CreateDate: isoSeconds(record.createDate),
    },
  };
}

export async function listAccessKeys(ctx: OperationContext, caller: Caller): Promise<XmlObject> {
  const v = new Constraints();
  const name = userNameOrCaller(ctx, caller, v);
  const paging = readPaging(ctx.params, v);
  v.check();
  const user = await authorizedIdentity(ctx, caller, 'user', name, 'iam:ListAccessKeys');
  const keys = await ctx.store.listAccessKeys(caller.account, user.name);
  const page = paginate(keys, (k) => k.accessKeyId, paging);
  return { AccessKeyMetadata: page.items.map(accessKeyXml), ...pageFields(page) };
}

/** The key, which must belong to the named user (else NoSuchEntity, as IAM answers). */
async function userKey(ctx: OperationContext, caller: Caller, action: string, v: Constraints) {
  const id = ctx.params.require('AccessKeyId');
  checkKeyId(v, id);
  const name = userNameOrCaller(ctx, caller, v);
  return {
    id,
    name,
    check: async () => {
      const user = await authorizedIdentity(ctx, caller, 'user', name, action);
      const key = await ctx.store.getAccessKey(id);
      if (
        !key ||
        key.account !== caller.account ||
        key.userName.toLowerCase() !== user.name.toLowerCase()
      ) {
        throw IamErrors.noSuchAccessKey(id);
      }
      return key;
    },
  };
}

/** UpdateAccessKey: Active/Inactive; an inactive key no longer authenticates (InvalidClientTokenId). */
export async function updateAccessKey(ctx: OperationContext, caller: Caller): Promise<undefined> {
  const v = new Constraints();
  const status = ctx.params.require('Status');
  checkEnum(v, 'status', status, ['Active', 'Inactive']);
  const { check } = await userKey(ctx, caller, 'iam:UpdateAccessKey', v);
  v.check();
  const key = await check();
  await ctx.store.putAccessKey({ ...key, status: status as 'Active' | 'Inactive' });
  return undefined;
}

export async function deleteAccessKey(ctx: OperationContext, caller: Caller): Promise<undefined> {
  const v = new Constraints();
  const { check } = await userKey(ctx, caller, 'iam:DeleteAccessKey', v);
  v.check();
  const key = await check();
  await ctx.store.deleteAccessKey(key.accessKeyId);
  return undefined;
}

/**
 * GetAccessKeyLastUsed: when the key last signed a request, for which service and Region, as
 * recorded at authentication (src/store/last-used.ts); a key never used answers as IAM does, with
 * `ServiceName` and `Region` `N/A` and no `LastUsedDate` (IAM API Reference, AccessKeyLastUsed). The
 * action is authorized on the key's user; a key of no user in the account is authorized on the
 * account's user namespace, then reported as not found.
 */
export async function getAccessKeyLastUsed(
  ctx: OperationContext,
  caller: Caller,
): Promise<XmlObject> {
  const v = new Constraints();
  const id = ctx.params.require('AccessKeyId');
  checkKeyId(v, id);
  v.check();
  const action = 'iam:GetAccessKeyLastUsed';
  const key = await ctx.store.getAccessKey(id);
  if (!key || key.account !== caller.account) {
    await authorizeIam(ctx, caller, action, iamArn(caller.account, 'user', '/', ''));
    throw IamErrors.noSuchAccessKey(id);
  }
  const user = await authorizedIdentity(ctx, caller, 'user', key.userName, action);
  const used = await lastUse(ctx.env.IAM, key.account, key.accessKeyId);
  return {
    UserName: user.name,
    AccessKeyLastUsed: used
      ? { LastUsedDate: isoSeconds(used.date), ServiceName: used.service, Region: used.region }
      : { ServiceName: 'N/A', Region: 'N/A' },
  };
}

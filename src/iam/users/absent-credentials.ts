import type { Caller } from '../../caller/types.ts';
import type { OperationContext } from '../../operation.ts';
import { Constraints } from '../../protocol/constraints.ts';
import { Errors } from '../../protocol/errors.ts';
import type { XmlObject } from '../../protocol/xml.ts';
import { checkName } from '../common/constraints.ts';
import { IamErrors } from '../common/errors.ts';
import { readPaging } from '../common/paging.ts';
import { authorizedIdentity } from '../identities/authorized-identity.ts';

/**
 * The user credentials rolecall does not keep: console passwords (login profiles), SSH public keys,
 * service-specific credentials and signing certificates. Tools that clean up a user before deleting
 * it (Terraform's `force_destroy`, scripts) read or delete them; rolecall answers as IAM does for a
 * user that has none: the user is authorized and must exist, then the lists are empty and the login
 * profile is not found (IAM API Reference: GetLoginProfile, DeleteLoginProfile, ListSSHPublicKeys,
 * ListServiceSpecificCredentials, ListSigningCertificates). The actions that would create them are
 * not implemented.
 */

/** UserName, optional (absent: the calling user), at most `max` characters as the action's model says. */
function readUser(ctx: OperationContext, caller: Caller, v: Constraints, max: number): string {
  const name = ctx.params.get('UserName');
  if (name !== undefined) {
    checkName(v, 'userName', name, max);
    return name;
  }
  v.check();
  if (caller.kind !== 'User' || !caller.user) throw IamErrors.needsUserName();
  return caller.user.name;
}

function noLoginProfile(name: string) {
  return Errors.noSuchEntity(`Login Profile for User ${name} cannot be found.`);
}

export async function getLoginProfile(ctx: OperationContext, caller: Caller): Promise<XmlObject> {
  const v = new Constraints();
  const name = readUser(ctx, caller, v, 64);
  v.check();
  const user = await authorizedIdentity(ctx, caller, 'user', name, 'iam:GetLoginProfile');
  throw noLoginProfile(user.name);
}

export async function deleteLoginProfile(
  ctx: OperationContext,
  caller: Caller,
): Promise<undefined> {
  const v = new Constraints();
  const name = readUser(ctx, caller, v, 64);
  v.check();
  const user = await authorizedIdentity(ctx, caller, 'user', name, 'iam:DeleteLoginProfile');
  throw noLoginProfile(user.name);
}

/** One of the empty lists: UserName (optional) and paging checked, the user authorized and found. */
function emptyList(action: string, element: string, maxName: number) {
  return async (ctx: OperationContext, caller: Caller): Promise<XmlObject> => {
    const v = new Constraints();
    const name = readUser(ctx, caller, v, maxName);
    readPaging(ctx.params, v);
    if (action === 'ListServiceSpecificCredentials') ctx.params.boolean('AllUsers');
    v.check();
    await authorizedIdentity(ctx, caller, 'user', name, `iam:${action}`);
    // ListServiceSpecificCredentials answered no IsTruncated before its paging was added; it is
    // optional there, so the older models (Debian's botocore 1.29) and the current one both read this.
    return action === 'ListServiceSpecificCredentials'
      ? { [element]: [] }
      : { [element]: [], IsTruncated: false };
  };
}

export const listSSHPublicKeys = emptyList('ListSSHPublicKeys', 'SSHPublicKeys', 64);
export const listServiceSpecificCredentials = emptyList(
  'ListServiceSpecificCredentials',
  'ServiceSpecificCredentials',
  64,
);
export const listSigningCertificates = emptyList('ListSigningCertificates', 'Certificates', 128);

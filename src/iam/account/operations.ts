import type { Caller } from '../../caller/types.ts';
import type { OperationContext } from '../../operation.ts';
import { Constraints } from '../../protocol/constraints.ts';
import type { XmlObject } from '../../protocol/xml.ts';
import { authorizeIam } from '../common/authorize.ts';
import { readPaging } from '../common/paging.ts';

/**
 * ListAccountAliases (IAM API Reference): an account's alias, for the scripts that print it. rolecall
 * does not implement CreateAccountAlias, so no account has one and the list is empty, as IAM answers
 * for an account without an alias. Marker and MaxItems are checked as every list checks them.
 */
export async function listAccountAliases(
  ctx: OperationContext,
  caller: Caller,
): Promise<XmlObject> {
  const v = new Constraints();
  readPaging(ctx.params, v);
  v.check();
  await authorizeIam(ctx, caller, 'iam:ListAccountAliases', '*');
  return { AccountAliases: [], IsTruncated: false };
}

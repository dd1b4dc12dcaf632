import type { Caller } from '../../caller/types.ts';
import type { OperationContext } from '../../operation.ts';
import { Constraints } from '../../protocol/constraints.ts';
import type { XmlObject } from '../../protocol/xml.ts';
import type { ManagedPolicyRecord } from '../../store/types.ts';
import { readPaging } from '../common/paging.ts';
import {
  addTags,
  readTagKeysToRemove,
  readTagsToAdd,
  removeTags,
  requestTagContext,
  tagsPage,
} from '../common/tags.ts';
import { authorizedPolicy, readPolicyArn } from './operations.ts';
import { putManagedPolicy } from './record.ts';

/**
 * TagPolicy, UntagPolicy, ListPolicyTags (IAM API Reference): the tags CreatePolicy takes, changed
 * and listed afterwards. Tagging an AWS managed policy is refused as every write to one is; listing
 * its tags answers none.
 */
async function withPolicy<T>(
  ctx: OperationContext,
  caller: Caller,
  action: string,
  writable: boolean,
  read: (v: Constraints) => T,
  context: (input: T) => Record<string, string | string[]> = () => ({}),
): Promise<{ record: ManagedPolicyRecord; input: T }> {
  const v = new Constraints();
  const arn = readPolicyArn(ctx, v);
  const input = read(v);
  v.check();
  const record = await authorizedPolicy(ctx, caller, arn, action, writable, context(input));
  return { record, input };
}

export async function tagPolicy(ctx: OperationContext, caller: Caller): Promise<undefined> {
  const { record, input } = await withPolicy(
    ctx,
    caller,
    'iam:TagPolicy',
    true,
    (v) => readTagsToAdd(ctx.params, v),
    requestTagContext,
  );
  record.tags = addTags(record.tags, input, 'TagsPerPolicy');
  await putManagedPolicy(ctx.store, caller.account, record);
  return undefined;
}

export async function untagPolicy(ctx: OperationContext, caller: Caller): Promise<undefined> {
  const { record, input } = await withPolicy(
    ctx,
    caller,
    'iam:UntagPolicy',
    true,
    (v) => readTagKeysToRemove(ctx.params, v),
    (keys) => ({ 'aws:TagKeys': keys }),
  );
  record.tags = removeTags(record.tags, input);
  await putManagedPolicy(ctx.store, caller.account, record);
  return undefined;
}

export async function listPolicyTags(ctx: OperationContext, caller: Caller): Promise<XmlObject> {
  const { record, input } = await withPolicy(ctx, caller, 'iam:ListPolicyTags', false, (v) =>
    readPaging(ctx.params, v),
  );
  return tagsPage(record.tags, input);
}

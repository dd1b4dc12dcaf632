import type { ManagedPolicyRecord } from '../../store/types.ts';
import { tagOperations } from '../common/tag-operations.ts';
import { authorizedPolicy, readPolicyArn } from './operations.ts';
import { putManagedPolicy } from './record.ts';

/**
 * TagPolicy, UntagPolicy, ListPolicyTags (IAM API Reference): the tags CreatePolicy takes, changed
 * and listed afterwards. Tagging an AWS managed policy is refused as every write to one is; listing
 * its tags answers none.
 */
export const policyTagOperations = tagOperations<ManagedPolicyRecord>({
  noun: 'Policy',
  quota: 'TagsPerPolicy',
  readId: readPolicyArn,
  authorized: (ctx, caller, arn, action, context, change) =>
    authorizedPolicy(ctx, caller, arn, action, change, context),
  save: (ctx, caller, record) => putManagedPolicy(ctx.store, caller.account, record),
});

import type { Caller } from '../../caller/types.ts';
import type { OperationContext } from '../../operation.ts';
import { Constraints } from '../../protocol/constraints.ts';
import type { Tags } from '../../store/types.ts';
import type { Run } from '../identities/entity-action.ts';
import { readPaging } from './paging.ts';
import {
  addTags,
  readTagKeysToRemove,
  readTagsToAdd,
  removeTags,
  requestTagContext,
  tagsPage,
} from './tags.ts';

type Context = Record<string, string | string[]>;

/** A kind of resource whose tags Tag<noun>, Untag<noun> and List<noun>Tags change and list. */
export interface Taggable<R extends { tags: Tags }> {
  /** The resource's noun in the action names: `Policy`, `InstanceProfile`, ... */
  noun: string;
  /** The quota a Tag call going past MAX_TAGS names (`TagsPerPolicy`, ...). */
  quota: string;
  /** The request's identifier of the resource (its name or ARN), checked into `v`. */
  readId(ctx: OperationContext, v: Constraints): string;
  /**
   * The record, once `caller` may perform `action` on it with `context` added to the request's
   * (NoSuchEntity when there is none); `change` is false for listing.
   */
  authorized(
    ctx: OperationContext,
    caller: Caller,
    id: string,
    action: string,
    context: Context,
    change: boolean,
  ): Promise<R>;
  save(ctx: OperationContext, caller: Caller, record: R): Promise<void>;
}

/**
 * Tag<noun>, Untag<noun> and List<noun>Tags (IAM API Reference) for one kind of resource: the
 * request checked, the record authorized (Tag with aws:RequestTag/* and aws:TagKeys, Untag with
 * aws:TagKeys), its tags changed and stored, or one page of them listed.
 */
export function tagOperations<R extends { tags: Tags }>(kind: Taggable<R>): Record<string, Run> {
  async function authorized<T>(
    ctx: OperationContext,
    caller: Caller,
    action: string,
    read: (v: Constraints) => T,
    context: (input: T) => Context,
    change: boolean,
  ): Promise<{ record: R; input: T }> {
    const v = new Constraints();
    const id = kind.readId(ctx, v);
    const input = read(v);
    v.check();
    const record = await kind.authorized(ctx, caller, id, `iam:${action}`, context(input), change);
    return { record, input };
  }
  const { noun } = kind;
  return {
    [`Tag${noun}`]: async (ctx, caller) => {
      const { record, input } = await authorized(
        ctx,
        caller,
        `Tag${noun}`,
        (v) => readTagsToAdd(ctx.params, v),
        requestTagContext,
        true,
      );
      record.tags = addTags(record.tags, input, kind.quota);
      await kind.save(ctx, caller, record);
      return undefined;
    },
    [`Untag${noun}`]: async (ctx, caller) => {
      const { record, input } = await authorized(
        ctx,
        caller,
        `Untag${noun}`,
        (v) => readTagKeysToRemove(ctx.params, v),
        (keys) => ({ 'aws:TagKeys': keys }),
        true,
      );
      record.tags = removeTags(record.tags, input);
      await kind.save(ctx, caller, record);
      return undefined;
    },
    [`List${noun}Tags`]: async (ctx, caller) => {
      const { record, input } = await authorized(
        ctx,
        caller,
        `List${noun}Tags`,
        (v) => readPaging(ctx.params, v),
        () => ({}),
        false,
      );
      return tagsPage(record.tags, input);
    },
  };
}

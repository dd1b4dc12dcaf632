import { checkTags, MAX_TAGS, readTags } from '../../protocol/tags.ts';
import { PATTERNS, type Constraints } from '../../protocol/constraints.ts';
import type { QueryParams } from '../../protocol/query.ts';
import type { XmlObject } from '../../protocol/xml.ts';
import type { Tags } from '../../store/types.ts';
import { IamErrors } from './errors.ts';
import { pageFields, paginate, type Paging } from './paging.ts';

export { checkTags, MAX_TAGS, readTags, requestTagContext } from '../../protocol/tags.ts';

/** Semantic tag rules checked after the model's constraints. */
export function checkTagKeys(tags: Tags): void {
  const seen = new Set<string>();
  for (const t of tags) {
    const k = t.Key.toLowerCase();
    if (seen.has(k)) throw IamErrors.duplicateTagKeys();
    if (k.startsWith('aws:')) throw IamErrors.awsTagPrefix();
    seen.add(k);
  }
}

/** TagX: new keys are added, existing keys (case-insensitively) get the new value. */
export function mergeTags(current: Tags, added: Tags): Tags {
  const out = current.map((t) => ({ ...t }));
  for (const t of added) {
    const hit = out.find((o) => o.Key.toLowerCase() === t.Key.toLowerCase());
    if (hit) hit.Value = t.Value;
    else out.push({ ...t });
  }
  return out;
}

export function removeTags(current: Tags, keys: string[]): Tags {
  const drop = new Set(keys.map((k) => k.toLowerCase()));
  return current.filter((t) => !drop.has(t.Key.toLowerCase()));
}

export function readTagKeys(params: QueryParams, v: Constraints): string[] {
  const keys = params.list('TagKeys');
  v.count('tagKeys', keys, MAX_TAGS);
  keys.forEach((k, i) =>
    v
      .length(`tagKeys.${i + 1}.member`, k, 1, 128)
      .pattern(`tagKeys.${i + 1}.member`, k, PATTERNS.tagKey.re, PATTERNS.tagKey.shown),
  );
  return keys;
}

/** Tags as IAM returns them in GetRole, GetUser, GetPolicy...: omitted when there are none. */
export function tagsXml(tags: Tags): XmlObject[] | undefined {
  return tags.length > 0 ? tags.map((t) => ({ Key: t.Key, Value: t.Value })) : undefined;
}

/** The `Tags` of a Tag* request: at least one (MissingParameter otherwise), each checked into `v`. */
export function readTagsToAdd(params: QueryParams, v: Constraints): Tags {
  const tags = readTags(params);
  if (tags.length === 0) params.require('Tags.member.1.Key', 'tags');
  checkTags(v, tags);
  return tags;
}

/** The `TagKeys` of an Untag* request: at least one (MissingParameter otherwise). */
export function readTagKeysToRemove(params: QueryParams, v: Constraints): string[] {
  const keys = readTagKeys(params, v);
  if (keys.length === 0) params.require('TagKeys.member.1', 'tagKeys');
  return keys;
}

/**
 * An entity's tags once a Tag* request's are merged in: reserved or repeated keys are refused, and
 * more than MAX_TAGS is LimitExceeded on the entity's quota (`TagsPerRole`, ...).
 */
export function addTags(current: Tags, added: Tags, quota: string): Tags {
  checkTagKeys(added);
  const merged = mergeTags(current, added);
  if (merged.length > MAX_TAGS) throw IamErrors.quota(quota, MAX_TAGS);
  return merged;
}

/** One page of an entity's tags, in the order they were added, as List*Tags returns it. */
export function tagsPage(tags: Tags, paging: Paging): XmlObject {
  const indexed = tags.map((t, i) => ({ t, i }));
  const page = paginate(indexed, ({ i }) => String(i).padStart(4, '0'), paging);
  return {
    Tags: page.items.map(({ t }) => ({ Key: t.Key, Value: t.Value })),
    ...pageFields(page),
  };
}

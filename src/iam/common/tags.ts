import { MAX_TAGS } from '../../protocol/tags.ts';
import { PATTERNS, type Constraints } from '../../protocol/constraints.ts';
import type { QueryParams } from '../../protocol/query.ts';
import type { XmlObject } from '../../protocol/xml.ts';
import type { Tags } from '../../store/types.ts';
import { IamErrors } from './errors.ts';

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

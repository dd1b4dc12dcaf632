import { Constraints, PATTERNS } from '../protocol/constraints.ts';
import type { QueryParams } from '../protocol/query.ts';
import type { Tags } from '../store/types.ts';
import { IamErrors } from './messages.ts';

export const MAX_TAGS = 50;

export function readTags(params: QueryParams): Tags {
  return params
    .structList('Tags', ['Key', 'Value'] as const)
    .map((t) => ({ Key: t.Key ?? '', Value: t.Value ?? '' }));
}

/** Tag constraints ("Tagging IAM resources" > Tagging rules): 50 per entity, key 1-128, value 0-256, keys case-insensitively unique. */
export function checkTags(v: Constraints, tags: Tags): void {
  v.count('tags', tags, MAX_TAGS);
  tags.forEach((t, i) => {
    const m = `tags.${i + 1}.member`;
    v.length(`${m}.key`, t.Key, 1, 128)
      .pattern(`${m}.key`, t.Key, PATTERNS.tagKey.re, PATTERNS.tagKey.shown)
      .length(`${m}.value`, t.Value, 0, 256)
      .pattern(`${m}.value`, t.Value, PATTERNS.tagValue.re, PATTERNS.tagValue.shown);
  });
}

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

/** The condition keys a tagging request carries ("Controlling access during AWS requests"). */
export function requestTagContext(tags: Tags): Record<string, string | string[]> {
  const ctx: Record<string, string | string[]> = {};
  for (const t of tags) ctx[`aws:RequestTag/${t.Key}`] = t.Value;
  if (tags.length > 0) ctx['aws:TagKeys'] = tags.map((t) => t.Key);
  return ctx;
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

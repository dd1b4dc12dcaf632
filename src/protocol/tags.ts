import { PATTERNS, type Constraints } from './constraints.ts';
import type { Tags } from '../store/types.ts';
import type { QueryParams } from './query.ts';

export const MAX_TAGS = 50;

export function readTags(params: QueryParams): Tags {
  return params
    .structList('Tags', ['Key', 'Value'] as const)
    .map((t) => ({ Key: t.Key ?? '', Value: t.Value ?? '' }));
}

/** The model's tag constraints (IAM and STS alike): 50 tags, key 1-128, value 0-256, the tag character set. */
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

/** The condition keys a tagging request carries ("Controlling access during AWS requests"). */
export function requestTagContext(tags: Tags): Record<string, string | string[]> {
  const ctx: Record<string, string | string[]> = {};
  for (const t of tags) ctx[`aws:RequestTag/${t.Key}`] = t.Value;
  if (tags.length > 0) ctx['aws:TagKeys'] = tags.map((t) => t.Key);
  return ctx;
}

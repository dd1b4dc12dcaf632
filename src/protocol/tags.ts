import { PATTERNS, type Constraints } from './constraints.ts';
import { Errors } from './errors.ts';
import type { Tags } from '../store/types.ts';
import type { QueryParams } from './query.ts';

export const MAX_TAGS = 50;

/**
 * The `Tags` of a request. Key and Value are both required members of the model's Tag (IAM and STS
 * API Reference, Tag), so a tag missing either is AWS's "Value null at 'tags.N.member.key|value'"
 * ValidationError, every missing member named at once.
 */
export function readTags(params: QueryParams): Tags {
  const raw = params.structList('Tags', ['Key', 'Value'] as const);
  const missing = raw.flatMap((t, i) =>
    (['Key', 'Value'] as const)
      .filter((f) => t[f] === undefined)
      .map((f) => ({
        value: null,
        member: `tags.${i + 1}.member.${f.toLowerCase()}`,
        constraint: 'Member must not be null',
      })),
  );
  if (missing.length > 0) throw Errors.constraint(missing);
  return raw.map((t) => ({ Key: t.Key!, Value: t.Value! }));
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

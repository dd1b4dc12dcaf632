import { Errors } from './errors.ts';

/**
 * AWS's request validation ("1 validation error detected: Value 'x' at 'member' failed to satisfy
 * constraint: ..."): every violation of the service model's length, range and pattern traits is
 * collected and reported together, as AWS's front end does.
 */
export class Constraints {
  private readonly violations: { value: string | null; member: string; constraint: string }[] = [];

  /** A required member: absent is AWS's `Value null ... Member must not be null`, reported with the rest. */
  required(member: string, value: string | undefined): this {
    if (value === undefined) this.add(member, null, 'Member must not be null');
    return this;
  }

  length(member: string, value: string | undefined, min: number, max: number): this {
    if (value === undefined) return this;
    const n = [...value].length;
    if (n < min) this.add(member, value, `Member must have length greater than or equal to ${min}`);
    if (n > max) this.add(member, value, `Member must have length less than or equal to ${max}`);
    return this;
  }

  pattern(member: string, value: string | undefined, re: RegExp, shown: string): this {
    if (value !== undefined && !re.test(value)) {
      this.add(member, value, `Member must satisfy regular expression pattern: ${shown}`);
    }
    return this;
  }

  range(member: string, value: number | undefined, min: number, max: number): this {
    if (value === undefined) return this;
    if (value < min)
      this.add(member, String(value), `Member must have value greater than or equal to ${min}`);
    if (value > max)
      this.add(member, String(value), `Member must have value less than or equal to ${max}`);
    return this;
  }

  count(member: string, items: unknown[], max: number): this {
    if (items.length > max) {
      this.add(
        member,
        `[${items.length} items]`,
        `Member must have length less than or equal to ${max}`,
      );
    }
    return this;
  }

  add(member: string, value: string | null, constraint: string): this {
    this.violations.push({ value, member, constraint });
    return this;
  }

  /** Throws the aggregated ValidationError if anything failed. */
  check(): void {
    if (this.violations.length > 0) throw Errors.constraint(this.violations);
  }
}

/** Service-model patterns shared by STS and IAM, with the text AWS prints for them. */
export const PATTERNS = {
  sessionName: { re: /^[\w+=,.@-]*$/, shown: '[\\w+=,.@-]*' },
  externalId: { re: /^[\w+=,.@:/-]*$/, shown: '[\\w+=,.@:\\/-]*' },
  serialNumber: { re: /^[\w+=/:,.@-]*$/, shown: '[\\w+=/:,.@-]*' },
  tokenCode: { re: /^\d*$/, shown: '[\\d]*' },
  arn: {
    re: /^[\u0009\u000A\u000D\u0020-\u007E\u0085\u00A0-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]+$/u,
    shown:
      '[\\u0009\\u000A\\u000D\\u0020-\\u007E\\u0085\\u00A0-\\uD7FF\\uE000-\\uFFFD\\u10000-\\u10FFFF]+',
  },
  sessionPolicy: {
    re: /^[\u0009\u000A\u000D\u0020-\u00FF]+$/,
    shown: '[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+',
  },
  tagKey: { re: /^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u, shown: '[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+' },
  tagValue: { re: /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u, shown: '[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*' },
} as const;

import { getName, nameRecord, setName } from '../policy/index.ts';
import { PolicyError, validatePolicy } from '../policy/index.ts';
import { Constraints, PATTERNS } from '../protocol/constraints.ts';
import { Errors } from '../protocol/errors.ts';
import type { QueryParams } from '../protocol/query.ts';
import { checkTags, MAX_TAGS, readTags } from '../protocol/tags.ts';
import { managedPolicyDocument } from '../store/managed.ts';
import type { IamStore, Tags } from '../store/types.ts';
import { StsErrors } from './errors.ts';

/**
 * The role and the session name every AssumeRole* call names (`RoleArn`, `RoleSessionName`), with
 * the API's length and pattern constraints (STS API Reference: AssumeRole, AssumeRoleWithWebIdentity),
 * recorded into `v`: the caller must `v.check()` before using them.
 */
export function readRoleSession(
  params: QueryParams,
  v: Constraints,
): { roleArn: string; sessionName: string } {
  const roleArn = params.get('RoleArn');
  const sessionName = params.get('RoleSessionName');
  // Missing members are reported with the other violations, in the model's member order.
  v.required('roleArn', roleArn)
    .length('roleArn', roleArn, 20, 2048)
    .pattern('roleArn', roleArn, PATTERNS.arn.re, PATTERNS.arn.shown)
    .required('roleSessionName', sessionName)
    .length('roleSessionName', sessionName, 2, 64)
    .pattern('roleSessionName', sessionName, PATTERNS.sessionName.re, PATTERNS.sessionName.shown);
  // Empty only when missing, which `v` then refuses.
  return { roleArn: roleArn ?? '', sessionName: sessionName ?? '' };
}

/** Session policies as passed to AssumeRole* and GetFederationToken: inline `Policy` and up to 10 `PolicyArns`. */
export interface SessionPolicyParams {
  policy?: string;
  policyArns: string[];
}

export function readSessionPolicyParams(params: QueryParams, v: Constraints): SessionPolicyParams {
  const policy = params.get('Policy');
  const policyArns = params.structList('PolicyArns', ['arn'] as const).map((p) => p.arn ?? '');
  v.length('policy', policy, 1, 2048)
    .pattern('policy', policy, PATTERNS.sessionPolicy.re, PATTERNS.sessionPolicy.shown)
    .count('policyArns', policyArns, 10);
  policyArns.forEach((arn, i) =>
    v
      .length(`policyArns.${i + 1}.member.arn`, arn, 20, 2048)
      .pattern(`policyArns.${i + 1}.member.arn`, arn, PATTERNS.arn.re, PATTERNS.arn.shown),
  );
  return { policy, policyArns };
}

/**
 * Validates the session policies and returns their texts. The inline policy is checked with IAM's
 * grammar (MalformedPolicyDocument); managed ARNs must name existing policies of `account` (the
 * role's for AssumeRole, the user's for GetFederationToken) or AWS managed ones. Together their
 * plain text may not exceed 2,048 characters ("IAM and AWS STS quotas").
 */
export async function resolveSessionPolicies(
  store: IamStore,
  p: SessionPolicyParams,
  account: string,
): Promise<string[]> {
  const texts: string[] = [];
  if (p.policy !== undefined) {
    try {
      validatePolicy(p.policy, 'session');
    } catch (e) {
      if (e instanceof PolicyError) throw Errors.malformedPolicy(e.message);
      throw e;
    }
    texts.push(p.policy);
  }
  for (const arn of p.policyArns) {
    // "The policies must exist in the same account as the role" (or AWS managed ones).
    const owner = arn.split(':')[4];
    const doc =
      owner === account || owner === 'aws' ? await managedPolicyDocument(store, arn) : null;
    if (doc === null) {
      throw StsErrors.policyNotAttachable(arn);
    }
    texts.push(doc);
  }
  return texts;
}

export interface SessionTags {
  tags: Record<string, string>;
  transitiveTagKeys: string[];
}

/** Tags and TransitiveTagKeys as AssumeRole and GetFederationToken take them, with the model's constraints. */
export function readSessionTags(
  params: QueryParams,
  v: Constraints,
): { tags: Tags; transitive: string[] } {
  const tags = readTags(params);
  const transitive = params.list('TransitiveTagKeys');
  checkTags(v, tags);
  v.count('transitiveTagKeys', transitive, MAX_TAGS);
  transitive.forEach((k, i) =>
    v
      .length(`transitiveTagKeys.${i + 1}.member`, k, 1, 128)
      .pattern(`transitiveTagKeys.${i + 1}.member`, k, PATTERNS.tagKey.re, PATTERNS.tagKey.shown),
  );
  return { tags, transitive };
}

/**
 * Session-tag rules ("Pass session tags in AWS STS" > Things to know): keys are case-insensitive and
 * may not repeat, transitive keys must be among the tags, and tags inherited transitively from the
 * calling session cannot be overridden.
 */
export function mergeSessionTags(
  requested: { tags: Tags; transitive: string[] },
  inherited?: { tags: Record<string, string>; transitiveTagKeys: string[] },
): SessionTags {
  const seen = new Set<string>();
  for (const t of requested.tags) {
    const k = t.Key.toLowerCase();
    if (seen.has(k)) {
      throw StsErrors.duplicateTagKeys();
    }
    seen.add(k);
  }
  for (const k of requested.transitive) {
    if (!seen.has(k.toLowerCase())) {
      throw StsErrors.transitiveKeyNotTagged();
    }
  }
  const tags = nameRecord<string>();
  const transitiveTagKeys: string[] = [];
  if (inherited) {
    for (const key of inherited.transitiveTagKeys) {
      const value = getName(inherited.tags, key);
      if (value === undefined) continue;
      if (seen.has(key.toLowerCase())) {
        throw StsErrors.transitiveKeyConflict(key);
      }
      setName(tags, key, value);
      transitiveTagKeys.push(key);
    }
  }
  for (const t of requested.tags) setName(tags, t.Key, t.Value);
  for (const k of requested.transitive) {
    const actual = requested.tags.find((t) => t.Key.toLowerCase() === k.toLowerCase())!.Key;
    if (!transitiveTagKeys.includes(actual)) transitiveTagKeys.push(actual);
  }
  return { tags, transitiveTagKeys };
}

/**
 * PackedPolicySize: AWS packs session policies and tags into a binary form with its own limit and
 * reports the share used as a percentage; over 100 the call fails, naming the tags when they are what
 * overflowed ("Packed size of session tags consumes N% of allotted space."), else the policy. The
 * format is not public ("An AWS conversion compresses the passed inline session policy, managed
 * policy ARNs, and session tags into a packed binary format that has a separate limit", STS API
 * Reference, AssumeRole). rolecall's estimate: policies deflated against 2,048 bytes, so a small
 * policy takes a few percent; tags at their plaintext size (2 bytes of framing per key and value)
 * against 448 bytes, since tags fill the space long before their 50-tag, 128/256-character limits:
 * a job's dozen CI metadata tags take most of it, and a single tag of the longest key and value
 * about 87%. Nothing passed: no PackedPolicySize at all (undefined).
 */
export const PACKED_POLICY_BUDGET = 2048;
export const PACKED_TAG_BUDGET = 448;

export async function packedPolicySize(
  policies: string[],
  tags: Record<string, string>,
): Promise<number | undefined> {
  const entries = Object.entries(tags);
  if (policies.length === 0 && entries.length === 0) return undefined;
  let policyShare = 0;
  if (policies.length > 0) {
    const minified = new TextEncoder().encode(
      policies.map((p) => JSON.stringify(JSON.parse(p))).join(''),
    );
    const stream = new Blob([minified]).stream().pipeThrough(new CompressionStream('deflate-raw'));
    const size = (await new Response(stream).arrayBuffer()).byteLength;
    policyShare = (size * 100) / PACKED_POLICY_BUDGET;
  }
  const utf8 = (text: string) => new TextEncoder().encode(text).byteLength;
  const tagBytes = entries.reduce((n, [k, v]) => n + utf8(k) + utf8(v) + 4, 0);
  const tagShare = (tagBytes * 100) / PACKED_TAG_BUDGET;
  const percent = Math.max(1, Math.ceil(policyShare + tagShare));
  if (percent > 100) {
    throw tagShare >= policyShare
      ? Errors.packedTagsTooLarge(percent)
      : Errors.packedPolicyTooLarge(percent);
  }
  return percent;
}

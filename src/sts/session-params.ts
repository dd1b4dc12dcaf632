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
 * the API's length and pattern constraints (STS API Reference: AssumeRole, AssumeRoleWithWebIdentity).
 */
export function readRoleSession(
  params: QueryParams,
  v: Constraints,
): { roleArn: string; sessionName: string } {
  const roleArn = params.require('RoleArn');
  const sessionName = params.require('RoleSessionName');
  v.length('roleArn', roleArn, 20, 2048)
    .pattern('roleArn', roleArn, PATTERNS.arn.re, PATTERNS.arn.shown)
    .length('roleSessionName', sessionName, 2, 64)
    .pattern('roleSessionName', sessionName, PATTERNS.sessionName.re, PATTERNS.sessionName.shown);
  return { roleArn, sessionName };
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
  policyArns.forEach((arn, i) => v.length(`policyArns.${i + 1}.member.arn`, arn, 20, 2048));
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
  transitive.forEach((k, i) => v.length(`transitiveTagKeys.${i + 1}.member`, k, 1, 128));
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
 * PackedPolicySize: AWS packs session policies and tags into a compressed binary form with a fixed
 * budget and reports the share used as a percentage. Its exact format is not public; rolecall
 * deflates the minified policies and the tags and measures against a 2,048-byte budget, so small
 * inputs report a few percent and 50 long tags overflow, as with AWS.
 */
export const PACKED_BUDGET = 2048;

export async function packedPolicyPercent(
  policies: string[],
  tags: Record<string, string>,
): Promise<number> {
  const minified = policies.map((p) => JSON.stringify(JSON.parse(p))).join('');
  const tagText = Object.entries(tags)
    .map(([k, v]) => `${k}=${v}`)
    .join('\u0000');
  const input = new TextEncoder().encode(minified + '\u0001' + tagText);
  const stream = new Blob([input]).stream().pipeThrough(new CompressionStream('deflate-raw'));
  const size = (await new Response(stream).arrayBuffer()).byteLength;
  return Math.max(1, Math.ceil((size * 100) / PACKED_BUDGET));
}

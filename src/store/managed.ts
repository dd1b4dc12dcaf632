import { awsManagedPolicy } from './aws-managed.ts';
import type { IamStore, ManagedPolicyRecord } from './types.ts';

/** Parses `arn:aws:iam::ACCOUNT:policy/PATH/NAME` into the account and the policy name. */
export function parsePolicyArn(
  arn: string,
): { account: string; name: string; path: string } | null {
  const m = /^arn:aws:iam::(\d{12}|aws):policy(\/(?:[^/]+\/)*)?([\w+=,.@-]+)$/.exec(arn);
  if (!m) return null;
  return { account: m[1]!, path: m[2] ?? '/', name: m[3]! };
}

/** A customer managed policy record by ARN (the path in the ARN must match). */
export async function getManagedPolicy(
  store: IamStore,
  arn: string,
): Promise<ManagedPolicyRecord | null> {
  const parsed = parsePolicyArn(arn);
  if (!parsed || parsed.account === 'aws') return null;
  const record = await store.get(parsed.account, 'policy', parsed.name);
  return record && record.arn === arn ? record : null;
}

/** The default version's document of a managed policy (customer or AWS managed), or null if none exists. */
export async function managedPolicyDocument(store: IamStore, arn: string): Promise<string | null> {
  const aws = awsManagedPolicy(arn);
  if (aws) return aws.document;
  const record = await getManagedPolicy(store, arn);
  if (!record) return null;
  return record.versions.find((v) => v.versionId === record.defaultVersionId)?.document ?? null;
}

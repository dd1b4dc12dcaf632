import { awsManagedPolicy } from '../../store/aws-managed.ts';
import { getManagedPolicy, parsePolicyArn } from '../../store/managed.ts';
import type { IamStore, ManagedPolicyRecord } from '../../store/types.ts';
import { IamErrors } from '../common/errors.ts';

/** A managed policy that can be attached or used as a boundary: an AWS managed one, or a customer one in `account`. */
export async function attachablePolicy(
  store: IamStore,
  account: string,
  arn: string,
): Promise<{ arn: string; name: string; customer: ManagedPolicyRecord | null }> {
  const parsed = parsePolicyArn(arn);
  if (!parsed) throw IamErrors.invalidArn(arn);
  if (parsed.account === 'aws') {
    const aws = awsManagedPolicy(arn);
    if (!aws) throw IamErrors.notAttachable(arn);
    return { arn, name: aws.name, customer: null };
  }
  const record = parsed.account === account ? await getManagedPolicy(store, arn) : null;
  if (!record) throw IamErrors.notAttachable(arn);
  return { arn, name: record.name, customer: record };
}

/**
 * Keeps a customer policy's AttachmentCount and PermissionsBoundaryUsageCount in step with the
 * roles and users that use it (GetPolicy reports them; DeletePolicy refuses while attached).
 */
export async function adjustUsage(
  store: IamStore,
  account: string,
  arn: string,
  delta: { attachments?: number; boundaries?: number },
): Promise<void> {
  const parsed = parsePolicyArn(arn);
  if (!parsed || parsed.account !== account) return;
  const record = await getManagedPolicy(store, arn);
  if (!record) return;
  record.attachmentCount = Math.max(0, record.attachmentCount + (delta.attachments ?? 0));
  record.permissionsBoundaryUsageCount = Math.max(
    0,
    record.permissionsBoundaryUsageCount + (delta.boundaries ?? 0),
  );
  await store.put(account, 'policy', record.name, record);
}

/** The usage changes between two states of one entity's attachments and boundary. */
export async function applyUsageDiff(
  store: IamStore,
  account: string,
  before: { attached: string[]; boundary?: string },
  after: { attached: string[]; boundary?: string },
): Promise<void> {
  const deltas = new Map<string, { attachments: number; boundaries: number }>();
  const bump = (arn: string, key: 'attachments' | 'boundaries', n: number) => {
    const d = deltas.get(arn) ?? { attachments: 0, boundaries: 0 };
    d[key] += n;
    deltas.set(arn, d);
  };
  for (const a of before.attached) if (!after.attached.includes(a)) bump(a, 'attachments', -1);
  for (const a of after.attached) if (!before.attached.includes(a)) bump(a, 'attachments', 1);
  if (before.boundary !== after.boundary) {
    if (before.boundary) bump(before.boundary, 'boundaries', -1);
    if (after.boundary) bump(after.boundary, 'boundaries', 1);
  }
  for (const [arn, d] of deltas) {
    if (d.attachments !== 0 || d.boundaries !== 0) await adjustUsage(store, account, arn, d);
  }
}

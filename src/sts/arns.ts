/** ARN shapes STS works with ("IAM identifiers", IAM User Guide). */

export interface RoleArn {
  account: string;
  path: string;
  name: string;
}

/** `arn:aws:iam::123456789012:role/path/name` */
export function parseRoleArn(arn: string): RoleArn | null {
  const m = /^arn:aws:iam::(\d{12}):role(\/(?:[^/]+\/)*)?([\w+=,.@-]{1,64})$/.exec(arn);
  if (!m) return null;
  return { account: m[1]!, path: m[2] ?? '/', name: m[3]! };
}

/** AssumedRoleUser ARN: the role's path is dropped. */
export function assumedRoleArn(account: string, roleName: string, sessionName: string): string {
  return `arn:aws:sts::${account}:assumed-role/${roleName}/${sessionName}`;
}

export function federatedUserArn(account: string, name: string): string {
  return `arn:aws:sts::${account}:federated-user/${name}`;
}

/**
 * A virtual MFA device's serial number is its ARN, `arn:aws:iam::ACCOUNT:mfa/PATH/NAME`
 * ("IAM identifiers", IAM ARNs: `mfa/${path}${name}`).
 */
export function mfaSerialNumber(account: string, path: string, name: string): string {
  return `arn:aws:iam::${account}:mfa${path}${name}`;
}

export interface ParsedSerial {
  account: string;
  path: string;
  name: string;
}

/** The parts of a virtual device's serial number, or null for anything else (hardware serials). */
export function parseMfaSerial(serialNumber: string): ParsedSerial | null {
  const m = /^arn:aws:iam::(\d{12}):mfa(\/(?:[^/]+\/)*)?([\w+=,.@-]+)$/.exec(serialNumber);
  if (!m) return null;
  return { account: m[1]!, path: m[2] ?? '/', name: m[3]! };
}

/**
 * Copy-ready AWS CLI commands doing what the page does: write the role as edited, then assume it,
 * against this server (--endpoint-url) with the sandbox's own access keys.
 */
import type { Principal } from './api.ts';

/** One shell word in single quotes. */
const q = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

/** A policy document compacted to one line (as typed when it is not valid JSON). */
function compact(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text));
  } catch {
    return text.replace(/\s*\n\s*/g, ' ');
  }
}

export function cliCommands(options: {
  endpoint: string;
  admin?: Principal;
  signer?: Principal;
  roleArn: string;
  roleName: string;
  permissionsName: string;
  trust: string;
  permissions: string;
  session: string;
  externalId: string;
  duration: number;
}): string {
  const env = (p: Principal | undefined) =>
    p
      ? `AWS_ACCESS_KEY_ID=${p.accessKeyId} AWS_SECRET_ACCESS_KEY=${q(p.secretAccessKey)}`
      : 'AWS_ACCESS_KEY_ID=... AWS_SECRET_ACCESS_KEY=...';
  const ep = `--endpoint-url ${options.endpoint}`;
  const lines = [
    'export AWS_DEFAULT_REGION=us-east-1',
    '',
    '# Create the role, or update its trust policy if it exists (your sandbox admin key)',
    `${env(options.admin)} aws iam create-role ${ep} --role-name ${q(options.roleName)} --max-session-duration 3600 --assume-role-policy-document ${q(compact(options.trust))} \\`,
    `  || ${env(options.admin)} aws iam update-assume-role-policy ${ep} --role-name ${q(options.roleName)} --policy-document ${q(compact(options.trust))}`,
  ];
  if (options.permissions.trim()) {
    lines.push(
      `${env(options.admin)} aws iam put-role-policy ${ep} --role-name ${q(options.roleName)} --policy-name ${q(options.permissionsName)} --policy-document ${q(compact(options.permissions))}`,
    );
  }
  const args = [
    `--role-arn ${options.roleArn}`,
    '--role-session-name playground',
    `--duration-seconds ${options.duration}`,
    ...(options.externalId ? [`--external-id ${q(options.externalId)}`] : []),
    ...(options.session.trim() ? [`--policy ${q(compact(options.session))}`] : []),
  ];
  lines.push(
    '',
    `# Assume it${options.signer ? ` as ${options.signer.arn}` : ''}`,
    `${env(options.signer)} aws sts assume-role ${ep} ${args.join(' ')}`,
  );
  return lines.join('\n');
}

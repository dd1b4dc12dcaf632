/**
 * Copy-ready AWS CLI commands doing what the page does: write the role as edited, then assume it,
 * against this server (--endpoint-url) with the sandbox's own access keys.
 */
/** A principal with an access key of the sandbox (the page's api.ts Principal has this shape). */
interface Principal {
  arn: string;
  accessKeyId: string;
  secretAccessKey: string;
}

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

/** Compact JSON text, or an empty policy when the text is not JSON. */
function compactOr(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text));
  } catch {
    return '{}';
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
  /** How the caller assumes the role: its key, role chaining, an OIDC token, or not at all. */
  via: 'key' | 'chain' | 'github' | 'simulate';
  account: string;
  principal: string;
  action: string;
  /** GitHub: the token's claims and audience. */
  claims?: Record<string, unknown>;
  audience?: string;
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
    `${env(options.admin)} aws iam create-role ${ep} --role-name ${q(options.roleName)} --max-session-duration 3600 --assume-role-policy-document ${q(compact(options.trust))} 2>/dev/null \\`,
    `  || ${env(options.admin)} aws iam update-assume-role-policy ${ep} --role-name ${q(options.roleName)} --policy-document ${q(compact(options.trust))}`,
  ];
  if (options.permissions.trim()) {
    lines.push(
      `${env(options.admin)} aws iam put-role-policy ${ep} --role-name ${q(options.roleName)} --policy-name ${q(options.permissionsName)} --policy-document ${q(compact(options.permissions))}`,
    );
  }
  const args = [
    `--role-arn ${options.roleArn}`,
    `--duration-seconds ${options.duration}`,
    ...(options.session.trim() ? [`--policy ${q(compact(options.session))}`] : []),
  ];
  const keyArgs = [
    '--role-session-name playground',
    ...(options.externalId ? [`--external-id ${q(options.externalId)}`] : []),
  ];
  lines.push('');
  if (options.via === 'simulate') {
    const body = {
      request: { principal: options.principal, action: options.action, resource: options.roleArn },
      policies: { resource: JSON.parse(compactOr(options.trust)) as unknown },
    };
    lines.push(
      `# ${options.principal} cannot be signed as: ask the server's evaluator instead`,
      `curl -s ${options.endpoint}/v1/simulate -H 'content-type: application/json' -d ${q(JSON.stringify(body))}`,
    );
  } else if (options.via === 'github') {
    const mint = {
      issuer: 'https://token.actions.githubusercontent.com',
      claims: options.claims ?? {},
      audience: options.audience ?? 'sts.amazonaws.com',
    };
    const admin = options.admin;
    lines.push(
      "# Mint a GitHub Actions token from your sandbox's test issuer, then exchange it",
      `TOKEN=$(curl -s --aws-sigv4 'aws:amz:us-east-1:sts' --user ${q(admin ? `${admin.accessKeyId}:${admin.secretAccessKey}` : 'AK:SK')} -H 'content-type: application/json' -d ${q(JSON.stringify(mint))} ${options.endpoint}/oidc/${options.account}/token | jq -r .token)`,
      `aws sts assume-role-with-web-identity ${ep} ${args.join(' ')} --role-session-name github-actions --web-identity-token "$TOKEN"`,
    );
  } else if (options.via === 'chain') {
    lines.push(
      '# Role chaining: assume demo-readonly, then use its credentials to assume this role',
      `eval "$(${env(options.admin)} aws sts assume-role ${ep} --role-arn arn:aws:iam::${options.account}:role/demo-readonly --role-session-name playground-chain --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]' --output text | awk '{print "export AWS_ACCESS_KEY_ID="$1" AWS_SECRET_ACCESS_KEY="$2" AWS_SESSION_TOKEN="$3}')"`,
      `aws sts assume-role ${ep} ${[...args, ...keyArgs].join(' ')}`,
    );
  } else {
    lines.push(
      `# Assume it${options.signer ? ` as ${options.signer.arn}` : ''}`,
      `${env(options.signer)} aws sts assume-role ${ep} ${[...args, ...keyArgs].join(' ')}`,
    );
  }
  return lines.join('\n');
}

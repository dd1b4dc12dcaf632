/**
 * Copy-ready commands doing what the page does: write the role as edited, then assume it, against
 * this server with the sandbox's own access keys; as AWS CLI commands, a Python (boto3) script, or
 * curl commands (the query API's wire format: form parameters in, XML out).
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

export interface CliOptions {
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
}

export type CliFormat = 'aws' | 'boto3' | 'curl';

export function commands(format: CliFormat, options: CliOptions): string {
  return format === 'boto3'
    ? boto3Script(options)
    : format === 'curl'
      ? curlCommands(options)
      : cliCommands(options);
}

/** The token the page mints for the GitHub caller: GitHub's issuer, the claims of the context. */
const mintBody = (options: CliOptions) => ({
  issuer: 'https://token.actions.githubusercontent.com',
  claims: options.claims ?? {},
  audience: options.audience ?? 'sts.amazonaws.com',
});

/** The /v1/simulate request the page sends for a caller no key can sign as. */
const simulateBody = (options: CliOptions) => ({
  request: { principal: options.principal, action: options.action, resource: options.roleArn },
  policies: { resource: JSON.parse(compactOr(options.trust)) as unknown },
});

export function cliCommands(options: CliOptions): string {
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
    const body = simulateBody(options);
    lines.push(
      `# ${options.principal} cannot be signed as: ask the server's evaluator instead`,
      `curl -s ${options.endpoint}/v1/simulate -H 'content-type: application/json' -d ${q(JSON.stringify(body))}`,
    );
  } else if (options.via === 'github') {
    const mint = mintBody(options);
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

/** A Python string literal (JSON's escapes are Python's). */
const py = (text: string) => JSON.stringify(text);

/**
 * A JSON document as a Python literal that reads like the editor: pretty-printed in a raw
 * triple-quoted string (backslashes kept for JSON), or a plain literal if it holds three quotes.
 */
function pyDoc(text: string): string {
  let pretty = text.trim();
  try {
    pretty = JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    // Not JSON: sent as typed, as the page sends it.
  }
  return pretty.includes("'''") || pretty.endsWith('\\') ? py(pretty) : `r'''${pretty}'''`;
}

/** A Python script with boto3 doing what the page does. */
export function boto3Script(options: CliOptions): string {
  const keys = (p: Principal | undefined) =>
    p
      ? `aws_access_key_id=${py(p.accessKeyId)}, aws_secret_access_key=${py(p.secretAccessKey)}`
      : 'aws_access_key_id="...", aws_secret_access_key="..."';
  const role = py(options.roleName);
  const lines = [
    'import json, urllib.request',
    'import boto3',
    'from botocore.exceptions import ClientError',
    '',
    `ENDPOINT = ${py(options.endpoint)}`,
    'REGION = "us-east-1"',
    '',
    '# Create the role, or update its trust policy if it exists (your sandbox admin key)',
    `iam = boto3.client("iam", endpoint_url=ENDPOINT, region_name=REGION, ${keys(options.admin)})`,
    `trust = ${pyDoc(options.trust)}`,
    'try:',
    `    iam.create_role(RoleName=${role}, AssumeRolePolicyDocument=trust, MaxSessionDuration=3600)`,
    'except iam.exceptions.EntityAlreadyExistsException:',
    `    iam.update_assume_role_policy(RoleName=${role}, PolicyDocument=trust)`,
  ];
  if (options.permissions.trim()) {
    lines.push(
      `permissions = ${pyDoc(options.permissions)}`,
      `iam.put_role_policy(RoleName=${role}, PolicyName=${py(options.permissionsName)}, PolicyDocument=permissions)`,
    );
  }
  const args = [
    `RoleArn=${py(options.roleArn)}`,
    `DurationSeconds=${options.duration}`,
    ...(options.session.trim() ? ['Policy=session_policy'] : []),
  ];
  const keyArgs = [
    'RoleSessionName="playground"',
    ...(options.externalId ? [`ExternalId=${py(options.externalId)}`] : []),
  ];
  const show = [
    '    print(answer["AssumedRoleUser"]["Arn"], "until", answer["Credentials"]["Expiration"])',
    'except ClientError as e:',
    '    print(e)',
  ];
  lines.push('');
  if (options.session.trim()) lines.push(`session_policy = ${pyDoc(options.session)}`);
  if (options.via === 'simulate') {
    lines.push(
      `# ${options.principal} cannot be signed as: ask the server's evaluator instead`,
      `body = ${pyDoc(JSON.stringify(simulateBody(options)))}.encode()`,
      'request = urllib.request.Request(ENDPOINT + "/v1/simulate", data=body, headers={"content-type": "application/json"})',
      'answer = json.load(urllib.request.urlopen(request))',
      'print(answer["decision"], "-", answer["reason"])',
    );
  } else if (options.via === 'github') {
    lines.push(
      "# Mint a GitHub Actions token from your sandbox's test issuer (a SigV4-signed POST), then exchange it",
      'from botocore.auth import SigV4Auth',
      'from botocore.awsrequest import AWSRequest',
      `body = ${pyDoc(JSON.stringify(mintBody(options)))}`,
      `mint = AWSRequest(method="POST", url=ENDPOINT + ${py(`/oidc/${options.account}/token`)}, data=body, headers={"content-type": "application/json"})`,
      `SigV4Auth(boto3.Session(${keys(options.admin)}).get_credentials(), "sts", REGION).add_auth(mint)`,
      'request = urllib.request.Request(mint.url, data=body.encode(), headers=dict(mint.headers), method="POST")',
      'token = json.load(urllib.request.urlopen(request))["token"]',
      'sts = boto3.client("sts", endpoint_url=ENDPOINT, region_name=REGION, aws_access_key_id="unused", aws_secret_access_key="unused")',
      'try:',
      `    answer = sts.assume_role_with_web_identity(${[...args, 'RoleSessionName="github-actions"', 'WebIdentityToken=token'].join(', ')})`,
      ...show,
    );
  } else if (options.via === 'chain') {
    lines.push(
      '# Role chaining: assume demo-readonly, then use its credentials to assume this role',
      `first = boto3.client("sts", endpoint_url=ENDPOINT, region_name=REGION, ${keys(options.admin)}).assume_role(RoleArn=${py(`arn:aws:iam::${options.account}:role/demo-readonly`)}, RoleSessionName="playground-chain")["Credentials"]`,
      'sts = boto3.client("sts", endpoint_url=ENDPOINT, region_name=REGION, aws_access_key_id=first["AccessKeyId"], aws_secret_access_key=first["SecretAccessKey"], aws_session_token=first["SessionToken"])',
      'try:',
      `    answer = sts.assume_role(${[...args, ...keyArgs].join(', ')})`,
      ...show,
    );
  } else {
    lines.push(
      `# Assume it${options.signer ? ` as ${options.signer.arn}` : ''}`,
      `sts = boto3.client("sts", endpoint_url=ENDPOINT, region_name=REGION, ${keys(options.signer)})`,
      'try:',
      `    answer = sts.assume_role(${[...args, ...keyArgs].join(', ')})`,
      ...show,
    );
  }
  return lines.join('\n');
}

/** curl commands (7.75 or later, for --aws-sigv4): the query API's form parameters and XML answers. */
export function curlCommands(options: CliOptions): string {
  const signed = (service: 'iam' | 'sts', p: Principal | undefined) =>
    `curl -s --aws-sigv4 'aws:amz:us-east-1:${service}' --user ${q(p ? `${p.accessKeyId}:${p.secretAccessKey}` : 'AKID:SECRET')}`;
  const form = (params: Record<string, string>) =>
    Object.entries(params)
      .map(([k, v]) => `--data-urlencode ${q(`${k}=${v}`)}`)
      .join(' ');
  const iam = (params: Record<string, string>) =>
    `${signed('iam', options.admin)} ${options.endpoint}/ ${form({ ...params, Version: '2010-05-08' })}`;
  const lines = [
    '# Create the role, or update its trust policy if it exists (your sandbox admin key)',
    `${iam({ Action: 'CreateRole', RoleName: options.roleName, MaxSessionDuration: '3600', AssumeRolePolicyDocument: compact(options.trust) })} \\`,
    `  | grep -q '<CreateRoleResponse' || ${iam({ Action: 'UpdateAssumeRolePolicy', RoleName: options.roleName, PolicyDocument: compact(options.trust) })}`,
  ];
  if (options.permissions.trim()) {
    lines.push(
      iam({
        Action: 'PutRolePolicy',
        RoleName: options.roleName,
        PolicyName: options.permissionsName,
        PolicyDocument: compact(options.permissions),
      }),
    );
  }
  const assume: Record<string, string> = {
    Action: 'AssumeRole',
    Version: '2011-06-15',
    RoleArn: options.roleArn,
    RoleSessionName: 'playground',
    DurationSeconds: String(options.duration),
  };
  if (options.externalId) assume.ExternalId = options.externalId;
  if (options.session.trim()) assume.Policy = compact(options.session);
  lines.push('');
  if (options.via === 'simulate') {
    lines.push(
      `# ${options.principal} cannot be signed as: ask the server's evaluator instead`,
      `curl -s ${options.endpoint}/v1/simulate -H 'content-type: application/json' -d ${q(JSON.stringify(simulateBody(options)))}`,
    );
  } else if (options.via === 'github') {
    const { RoleSessionName: _, ExternalId: __, ...rest } = assume;
    lines.push(
      "# Mint a GitHub Actions token from your sandbox's test issuer, then exchange it (unsigned: the token authenticates)",
      `TOKEN=$(${signed('sts', options.admin)} -H 'content-type: application/json' -d ${q(JSON.stringify(mintBody(options)))} ${options.endpoint}/oidc/${options.account}/token | sed -E 's/.*"token":"([^"]+)".*/\\1/')`,
      `curl -s ${options.endpoint}/ ${form({ ...rest, Action: 'AssumeRoleWithWebIdentity', RoleSessionName: 'github-actions' })} --data-urlencode "WebIdentityToken=$TOKEN"`,
    );
  } else if (options.via === 'chain') {
    const chain = form({
      Action: 'AssumeRole',
      Version: '2011-06-15',
      RoleArn: `arn:aws:iam::${options.account}:role/demo-readonly`,
      RoleSessionName: 'playground-chain',
    });
    const field = (name: string) => `sed -nE 's/.*<${name}>([^<]+)<\\/${name}>.*/\\1/p'`;
    lines.push(
      '# Role chaining: assume demo-readonly, then use its credentials to assume this role',
      `FIRST=$(${signed('sts', options.admin)} ${options.endpoint}/ ${chain})`,
      `AK=$(echo "$FIRST" | ${field('AccessKeyId')}); SK=$(echo "$FIRST" | ${field('SecretAccessKey')}); TOKEN=$(echo "$FIRST" | ${field('SessionToken')})`,
      `curl -s --aws-sigv4 'aws:amz:us-east-1:sts' --user "$AK:$SK" -H "X-Amz-Security-Token: $TOKEN" ${options.endpoint}/ ${form(assume)}`,
    );
  } else {
    lines.push(
      `# Assume it${options.signer ? ` as ${options.signer.arn}` : ''}: STS answers XML`,
      `${signed('sts', options.signer)} ${options.endpoint}/ ${form(assume)}`,
    );
  }
  return lines.join('\n');
}

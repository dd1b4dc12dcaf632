/** IAM resource ARNs ("IAM identifiers" > IAM ARNs): the path is part of the ARN, between type and name. */
export const iamArn = (
  account: string,
  type: 'role' | 'user' | 'group' | 'policy' | 'instance-profile' | 'server-certificate',
  path: string,
  name: string,
) => `arn:aws:iam::${account}:${type}${path}${name}`;

export const oidcProviderArn = (account: string, url: string) =>
  `arn:aws:iam::${account}:oidc-provider/${url}`;

/** `arn:aws:iam::ACCOUNT:oidc-provider/host/path` -> account and url (host/path, no scheme). */
export function parseOidcProviderArn(arn: string): { account: string; url: string } | null {
  const m = /^arn:aws:iam::(\d{12}):oidc-provider\/(.+)$/.exec(arn);
  return m ? { account: m[1]!, url: m[2]! } : null;
}

/** A user, role or group ARN (SimulatePrincipalPolicy's PolicySourceArn). */
export function parsePrincipalArn(
  arn: string,
): { account: string; type: 'user' | 'role' | 'group'; path: string; name: string } | null {
  const m = /^arn:aws:iam::(\d{12}):(user|role|group)(\/(?:[^/]+\/)*)?([\w+=,.@-]+)$/.exec(arn);
  if (!m) return null;
  return {
    account: m[1]!,
    type: m[2] as 'user' | 'role' | 'group',
    path: m[3] ?? '/',
    name: m[4]!,
  };
}

import { DEMO_ADMIN, signedPostHeaders, signedRequest } from '../helpers/aws.ts';

const ACCOUNT = '123456789012';
const ROLE = 'bench-web-identity';
const TOKENS = 10;

interface Call {
  method: 'POST';
  path: string;
  headers: Record<string, string>;
  body: string;
}

/**
 * Unsigned AssumeRoleWithWebIdentity requests for the HTTP benchmark: the demo account's test
 * issuer registered as a provider, a role trusting it for one subject, TOKENS minted tokens, and
 * `count` requests with distinct session names. Each answer costs the full verification: provider
 * and key reads, an RS256 signature check, the trust policy, a new session.
 */
export async function webIdentityCalls(base: string, count: number): Promise<Call[]> {
  const host = new URL(base).host;
  const iam = async (params: Record<string, string>, allowed: string[] = []) => {
    const res = await fetch(
      `${base}/`,
      await signedRequest(params, DEMO_ADMIN, { service: 'iam', url: `${base}/` }),
    );
    const text = await res.text();
    if (res.status !== 200 && !allowed.some((code) => text.includes(`<Code>${code}</Code>`))) {
      throw new Error(`${params.Action}: ${res.status} ${text}`);
    }
  };
  await iam(
    {
      Action: 'CreateOpenIDConnectProvider',
      Url: `https://${host}/oidc/${ACCOUNT}`,
      'ClientIDList.member.1': 'sts.amazonaws.com',
    },
    ['EntityAlreadyExists'],
  );
  await iam(
    {
      Action: 'CreateRole',
      RoleName: ROLE,
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: {
              Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/${host}/oidc/${ACCOUNT}`,
            },
            Action: 'sts:AssumeRoleWithWebIdentity',
            Condition: {
              StringEquals: {
                [`${host}/oidc/${ACCOUNT}:sub`]: 'system:serviceaccount:bench:runner',
              },
            },
          },
        ],
      }),
    },
    ['EntityAlreadyExists'],
  );
  const url = new URL(`/oidc/${ACCOUNT}/token`, base);
  const tokens: string[] = [];
  for (let i = 0; i < TOKENS; i++) {
    const body = JSON.stringify({
      preset: 'eks',
      namespace: 'bench',
      serviceAccount: 'runner',
      expiresIn: 3600,
    });
    const headers = await signedPostHeaders({
      url,
      body,
      headers: { 'content-type': 'application/json' },
      credentials: DEMO_ADMIN,
      service: 'sts',
    });
    const res = await fetch(url, { method: 'POST', headers, body });
    const json = (await res.json()) as { token?: string };
    if (!json.token) throw new Error(`mint: ${res.status} ${JSON.stringify(json)}`);
    tokens.push(json.token);
  }
  return Array.from({ length: count }, (_, i) => ({
    method: 'POST',
    path: '/',
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body: new URLSearchParams({
      Action: 'AssumeRoleWithWebIdentity',
      Version: '2011-06-15',
      RoleArn: `arn:aws:iam::${ACCOUNT}:role/${ROLE}`,
      RoleSessionName: `wi-${i}`,
      WebIdentityToken: tokens[i % TOKENS]!,
    }).toString(),
  }));
}

import { exports } from 'cloudflare:workers';
import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { DEMO_ACCOUNT, DEMO_ADMIN } from '../helpers/aws.ts';
import { call } from '../helpers/worker.ts';
import { assumeWithToken, signedJson } from './helpers.ts';

interface RunnerVars {
  ACTIONS_ID_TOKEN_REQUEST_URL: string;
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: string;
}

/** What @actions/core's getIDToken(audience) does with the two variables. */
async function getIDToken(
  vars: RunnerVars,
  audience?: string,
  bearer = vars.ACTIONS_ID_TOKEN_REQUEST_TOKEN,
) {
  const url = audience
    ? `${vars.ACTIONS_ID_TOKEN_REQUEST_URL}&audience=${encodeURIComponent(audience)}`
    : vars.ACTIONS_ID_TOKEN_REQUEST_URL;
  return exports.default.fetch(url, {
    headers: { Authorization: `Bearer ${bearer}`, Accept: 'application/json' },
  });
}

describe('the GitHub runner ID token protocol', { timeout: 30_000 }, () => {
  it("serves GitHub-shaped tokens to toolkit code, usable with the account's GitHub trust policy", async () => {
    const github = `arn:aws:iam::${DEMO_ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;
    const tagged = await call(
      {
        Action: 'TagOpenIDConnectProvider',
        OpenIDConnectProviderArn: github,
        'Tags.member.1.Key': 'rolecall:keys',
        'Tags.member.1.Value': 'test-issuer',
      },
      DEMO_ADMIN,
      { service: 'iam' },
    );
    expect(tagged.status, tagged.body).toBe(200);
    const res = await signedJson(`/oidc/${DEMO_ACCOUNT}/github/runner`, {
      repository: 'example-org/example-repo',
      ref: 'refs/heads/main',
      issuer: 'https://token.actions.githubusercontent.com',
    });
    expect(res.status).toBe(200);
    // Both answers carry credentials: never stored by a cache.
    expect(res.headers.get('cache-control')).toBe('no-store');
    const vars = (await res.json()) as RunnerVars;
    expect(vars.ACTIONS_ID_TOKEN_REQUEST_URL).toContain('?api-version=2.0');

    const answer = await getIDToken(vars, 'sts.amazonaws.com');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    const { value } = (await answer.json()) as { value: string };
    const claims = decodeJwt(value);
    expect(claims).toMatchObject({
      iss: 'https://token.actions.githubusercontent.com',
      aud: 'sts.amazonaws.com',
      sub: 'repo:example-org/example-repo:ref:refs/heads/main',
    });
    const assumed = await assumeWithToken({
      RoleArn: `arn:aws:iam::${DEMO_ACCOUNT}:role/github-actions-deploy`,
      WebIdentityToken: value,
    });
    expect(assumed.status, assumed.body).toBe(200);

    const defaultAudience = decodeJwt(
      ((await (await getIDToken(vars)).json()) as { value: string }).value,
    );
    expect(defaultAudience.aud).toBe('https://github.com/example-org');
  });

  it('refuses a missing or forged request token', async () => {
    const res = await signedJson(`/oidc/${DEMO_ACCOUNT}/github/runner`, {});
    const vars = (await res.json()) as RunnerVars;
    expect((await getIDToken(vars, 'sts.amazonaws.com', '')).status).toBe(401);
    const forged = vars.ACTIONS_ID_TOKEN_REQUEST_TOKEN.slice(0, -4) + 'AAAA';
    expect((await getIDToken(vars, 'sts.amazonaws.com', forged)).status).toBe(401);
    const minted = await signedJson(`/oidc/${DEMO_ACCOUNT}/token`, {});
    const idToken = ((await minted.json()) as { token: string }).token;
    // An ID token of the same issuer is not a request token (another audience).
    expect((await getIDToken(vars, 'sts.amazonaws.com', idToken)).status).toBe(401);
  });

  it('an audience that is not UTF-8 once decoded is refused, never minted with U+FFFD', async () => {
    const res = await signedJson(`/oidc/${DEMO_ACCOUNT}/github/runner`, {});
    const vars = (await res.json()) as RunnerVars;
    const answer = await exports.default.fetch(
      `${vars.ACTIONS_ID_TOKEN_REQUEST_URL}&audience=sts%ED%A0%80`,
      { headers: { Authorization: `Bearer ${vars.ACTIONS_ID_TOKEN_REQUEST_TOKEN}` } },
    );
    expect(answer.status).toBe(400);
    expect(((await answer.json()) as { error: { code: string } }).error.code).toBe(
      'MalformedQueryString',
    );
  });
});

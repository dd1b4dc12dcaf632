import type { Env } from '../env.ts';
import { Errors } from '../protocol/errors.ts';
import type { IamStore } from '../store/types.ts';
import { mintSchema, signTestToken, testClaims, type MintRequest } from './mint.ts';
import { findProvider } from './provider-keys.ts';
import { activeKey, keyRingWith, privateKeyOf } from './signing-keys.ts';
import { servedByTestIssuer, TEST_ISSUER_TAG, testIssuerUrl } from './test-issuer.ts';

/** A mint request from JSON, with the schema's first complaint as AWS's ValidationError. */
export function parseMintRequest(json: unknown): MintRequest {
  const parsed = mintSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const at = issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
    throw Errors.validation(`${issue.message}${at}`);
  }
  return parsed.data;
}

/**
 * The `iss` a test token gets: the account's own test issuer, or a provider of the account that
 * it tagged as served by its test issuer.
 */
export async function testTokenIssuer(options: {
  store: IamStore;
  account: string;
  host: string;
  requested: string | undefined;
}): Promise<string> {
  const own = testIssuerUrl(options.host, options.account);
  const requested = options.requested;
  if (requested === undefined || requested.replace(/\/$/, '') === own) return own;
  const provider = await findProvider(options.store, options.account, requested);
  if (!provider || !servedByTestIssuer(provider)) {
    throw Errors.invalidInput(
      `${requested} is not an OIDC provider of account ${options.account} tagged ${TEST_ISSUER_TAG.key}=${TEST_ISSUER_TAG.value}.`,
    );
  }
  return `https://${provider.url}`;
}

/** Mints one test token with the account's test-issuer key (made on first use). */
export async function mintTestToken(options: {
  env: Env;
  account: string;
  request: MintRequest;
  issuer: string;
  now: number;
}): Promise<{ token: string; issuer: string; kid: string; expiresAt: string }> {
  const { env, account, request, issuer, now } = options;
  const ring = await keyRingWith({ env, account, purpose: 'test-issuer', algs: ['RS256'], now });
  const key = activeKey(ring, 'RS256')!;
  const claims = testClaims(request, issuer, now);
  const token = await signTestToken({
    claims,
    ring,
    privateKey: await privateKeyOf(env.SEAL_KEY, account, 'test-issuer', key),
    otherKey: request.bad === 'other-key',
  });
  return {
    token,
    issuer,
    kid: key.kid,
    expiresAt: new Date(Number(claims.exp) * 1000).toISOString(),
  };
}

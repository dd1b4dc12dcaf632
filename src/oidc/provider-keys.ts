import type { IamStore, OidcProviderRecord } from '../store/types.ts';
import type { KvWebIdentityStore } from '../store/web-identity.ts';
import { parseJwks } from './jwks.ts';
import { remoteJwks } from './remote-jwks.ts';
import { publicJwks } from './signing-keys.ts';
import { servedByTestIssuer, testIssuerAccount } from './test-issuer.ts';
import type { KeySource } from './verify.ts';

/** A token's `iss` as IAM keys providers: without the https scheme and without a trailing slash. */
export function providerUrlOf(issuer: string): string {
  return issuer.replace(/^https:\/\//i, '').replace(/\/$/, '');
}

/**
 * The OIDC provider of `account` whose URL is the token's issuer ("the iss claim must match the URL
 * of an OIDC provider in the account of the role"). The match is exact: a provider registered for
 * another path of the same host is another issuer.
 */
export async function findProvider(
  store: IamStore,
  account: string,
  issuer: string,
): Promise<OidcProviderRecord | null> {
  const url = providerUrlOf(issuer);
  if (url === '' || url.length > 255) return null;
  const record = await store.get(account, 'oidc', url);
  return record && record.url === url ? record : null;
}

/**
 * Where the provider's verification keys come from, in this order:
 * 1. keys given inline for the provider (seed file `jwks`), for offline use with keys one holds;
 * 2. rolecall's own test issuer (`<this host>/oidc/<account>`): that account's test-issuer keys;
 * 3. a provider the account tagged `rolecall:keys=test-issuer`: the account's own test-issuer keys;
 * 4. otherwise the issuer's published keys (discovery, then jwks_uri), cached per isolate.
 */
export function keySourceFor(options: {
  provider: OidcProviderRecord;
  account: string;
  host: string | undefined;
  keys: KvWebIdentityStore;
  now: number;
}): KeySource {
  const { provider, account, keys } = options;
  if (provider.jwks !== undefined) {
    const jwks = parseJwks(provider.jwks) ?? { keys: [] };
    return { keys: async () => jwks, refreshable: false };
  }
  const own = testIssuerAccount(provider.url, options.host);
  const ringAccount = own ?? (servedByTestIssuer(provider) ? account : null);
  if (ringAccount !== null) {
    return {
      keys: async () => publicJwks(await keys.getKeyRing(ringAccount, 'test-issuer')),
      refreshable: false,
    };
  }
  return {
    keys: (stale) => remoteJwks.keys(`https://${provider.url}`, options.now, stale),
    refreshable: true,
  };
}

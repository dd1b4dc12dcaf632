import type { JWK } from 'jose';
import { accountKeyExpiration } from './kv.ts';
import { recordCacheFor } from './record-cache.ts';

/** The two kinds of token an account signs: test-issuer tokens and outbound (GetWebIdentityToken) tokens. */
export type KeyPurpose = 'test-issuer' | 'outbound';
export type SigningAlgorithm = 'RS256' | 'ES384';

/** One signing key: its public half as a JWK, its private half sealed (src/auth/seal.ts). */
export interface StoredSigningKey {
  kid: string;
  alg: SigningAlgorithm;
  publicJwk: JWK;
  /** The private JWK's JSON text, AES-GCM sealed with AAD `signing-key/<account>/<purpose>/<kid>`. */
  sealedPrivate: string;
  createdAt: number;
}

/** An account's keys for one purpose, newest first: the first of each algorithm signs, the rest still verify. */
export interface KeyRing {
  keys: StoredSigningKey[];
}

/** Outbound identity federation (IAM EnableOutboundWebIdentityFederation) for one account. */
export interface OutboundRecord {
  enabled: boolean;
  /** The random id in the account's issuer URL (`<origin>/outbound/<issuerId>`), kept across disable/enable. */
  issuerId: string;
}

const ringKey = (account: string, purpose: KeyPurpose) => `acct/${account}/signing-keys/${purpose}`;

/**
 * KV storage for web identity state. Key schema (also in docs/web-identity.md):
 *   acct/<account>/signing-keys/<purpose>   KeyRing
 *   acct/<account>/outbound                 OutboundRecord
 *   outbound/<issuerId>                     account id (the issuer URL names no account)
 */
export class KvWebIdentityStore {
  constructor(private readonly kv: KVNamespace) {}

  /**
   * The account's key ring for `purpose`, through the isolate's record cache (store/record-cache.ts):
   * every token verified with the test issuer's keys, and every token minted, reads it.
   */
  async getKeyRing(account: string, purpose: KeyPurpose): Promise<KeyRing | null> {
    const text = await recordCacheFor(this.kv).read(this.kv, ringKey(account, purpose));
    return text === null ? null : (JSON.parse(text) as KeyRing);
  }

  async putKeyRing(account: string, purpose: KeyPurpose, ring: KeyRing): Promise<void> {
    const key = ringKey(account, purpose);
    const options = await this.expiring(account);
    await recordCacheFor(this.kv).write([key], () =>
      this.kv.put(key, JSON.stringify(ring), options),
    );
  }

  /** Keys of an account that expires (a demo sandbox) expire with it. */
  private async expiring(account: string): Promise<KVNamespacePutOptions | undefined> {
    const expiration = await accountKeyExpiration(this.kv, account);
    return expiration === undefined ? undefined : { expiration };
  }

  getOutbound(account: string): Promise<OutboundRecord | null> {
    return this.kv.get<OutboundRecord>(`acct/${account}/outbound`, 'json');
  }

  async putOutbound(account: string, record: OutboundRecord): Promise<void> {
    const options = await this.expiring(account);
    await Promise.all([
      this.kv.put(`acct/${account}/outbound`, JSON.stringify(record), options),
      this.kv.put(`outbound/${record.issuerId}`, account, options),
    ]);
  }

  accountOfOutboundIssuer(issuerId: string): Promise<string | null> {
    return this.kv.get(`outbound/${issuerId}`, 'text');
  }
}

import type { JWK } from 'jose';
import { accountKeyExpiration } from './kv.ts';
import { recordCacheFor } from './record-cache.ts';
import type { WriteJournal } from './write-journal.ts';

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
  private readonly journal?: WriteJournal;

  /**
   * `journal`: given in the account's Durable Object, where key rings are written (one at a time),
   * so its reads see its own last writes even while KV still answers older values.
   */
  constructor(
    private readonly kv: KVNamespace,
    options: { journal?: WriteJournal } = {},
  ) {
    this.journal = options.journal;
  }

  /**
   * The account's key ring for `purpose`, through the isolate's record cache (store/record-cache.ts):
   * every token verified with the test issuer's keys, and every token minted, reads it.
   */
  async getKeyRing(account: string, purpose: KeyPurpose): Promise<KeyRing | null> {
    const key = ringKey(account, purpose);
    const text = await recordCacheFor(this.kv).read(this.kv, key, this.journal);
    return text === null ? null : (JSON.parse(text) as KeyRing);
  }

  async putKeyRing(account: string, purpose: KeyPurpose, ring: KeyRing): Promise<void> {
    const key = ringKey(account, purpose);
    const text = JSON.stringify(ring);
    const options = await this.expiring(account);
    await recordCacheFor(this.kv).write(
      [key],
      () => this.kv.put(key, text, options),
      this.journal,
      [text],
    );
  }

  /** Keys of an account that expires (a demo sandbox) expire with it. */
  private async expiring(account: string): Promise<KVNamespacePutOptions | undefined> {
    const expiration = await accountKeyExpiration(this.kv, account);
    return expiration === undefined ? undefined : { expiration };
  }

  async getOutbound(account: string): Promise<OutboundRecord | null> {
    const key = `acct/${account}/outbound`;
    const journaled = await this.journal?.recent(key, Date.now());
    const text = journaled ? journaled.value : await this.kv.get(key, 'text');
    return text === null ? null : (JSON.parse(text) as OutboundRecord);
  }

  async putOutbound(account: string, record: OutboundRecord): Promise<void> {
    const key = `acct/${account}/outbound`;
    const text = JSON.stringify(record);
    const options = await this.expiring(account);
    this.journal?.record(key, text, Date.now());
    await Promise.all([
      this.kv.put(key, text, options),
      this.kv.put(`outbound/${record.issuerId}`, account, options),
    ]);
  }

  accountOfOutboundIssuer(issuerId: string): Promise<string | null> {
    return this.kv.get(`outbound/${issuerId}`, 'text');
  }
}

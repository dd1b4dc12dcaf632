import {
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  type CryptoKey as JoseKey,
  type JSONWebKeySet,
  type JWK,
} from 'jose';
import { openSecret, sealSecret } from '../auth/seal.ts';
import { deriveKeys } from '../auth/secret-keys.ts';
import { setBounded } from '../store/bounded-map.ts';
import { AccountClient } from '../accounts/client.ts';
import type { Env } from '../env.ts';
import {
  KvWebIdentityStore,
  type KeyPurpose,
  type KeyRing,
  type SigningAlgorithm,
  type StoredSigningKey,
} from '../store/web-identity.ts';

/**
 * Per-account signing keys (test issuer, outbound tokens). The private half is sealed like every
 * other secret (AES-GCM, src/auth/seal.ts) and bound to its account, purpose and key id; the key id
 * is the RFC 7638 thumbprint of the public key, so it is stable for the life of the key. A ring keeps
 * the newest key of each algorithm (it signs) and the one before it (it still verifies tokens
 * signed before a rotation).
 */
const KEPT_PER_ALGORITHM = 2;
const cache = new Map<string, Promise<JoseKey>>();
const CACHE_ENTRIES = 256;

const aad = (account: string, purpose: KeyPurpose, kid: string) =>
  `signing-key/${account}/${purpose}/${kid}`;

export async function generateSigningKey(
  sealSeed: string,
  options: { account: string; purpose: KeyPurpose; alg: SigningAlgorithm; now: number },
): Promise<StoredSigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(options.alg, {
    extractable: true,
    ...(options.alg === 'RS256' ? { modulusLength: 2048 } : {}),
  });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  const privateJwk = await exportJWK(privateKey);
  const { seal } = await deriveKeys(sealSeed);
  return {
    kid,
    alg: options.alg,
    publicJwk: { ...publicJwk, kid, alg: options.alg, use: 'sig' },
    sealedPrivate: await sealSecret(
      seal,
      JSON.stringify(privateJwk),
      aad(options.account, options.purpose, kid),
    ),
    createdAt: options.now,
  };
}

/** The private key that signs with `key`, opened once per isolate. */
export function privateKeyOf(
  sealSeed: string,
  account: string,
  purpose: KeyPurpose,
  key: StoredSigningKey,
): Promise<JoseKey> {
  const id = `${account}/${purpose}/${key.kid}`;
  let hit = cache.get(id);
  if (!hit) {
    hit = (async () => {
      const { seal } = await deriveKeys(sealSeed);
      const jwk = JSON.parse(
        await openSecret(seal, key.sealedPrivate, aad(account, purpose, key.kid)),
      ) as JWK;
      return (await importJWK(jwk, key.alg)) as JoseKey;
    })();
    hit.catch(() => cache.delete(id));
    setBounded(cache, id, hit, CACHE_ENTRIES);
  }
  return hit;
}

/**
 * The account's ring for `purpose`, with a key for every algorithm in `algs`: as stored when it has
 * them all (the common case, no write), else completed by the account's Durable Object, where rings
 * are written one at a time (src/accounts), so two first uses cannot each store a key of their own
 * and sign with the one that lost.
 */
export async function keyRingWith(options: {
  env: Env;
  account: string;
  purpose: KeyPurpose;
  algs: SigningAlgorithm[];
  now: number;
}): Promise<KeyRing> {
  const { env, account, purpose, algs, now } = options;
  const ring = await new KvWebIdentityStore(env.IAM).getKeyRing(account, purpose);
  if (ring !== null && algs.every((alg) => ring.keys.some((k) => k.alg === alg))) return ring;
  return AccountClient.of(env, account).ensureKeyRing(purpose, algs, now);
}

/**
 * The account's ring for `purpose`, with a key for every algorithm in `algs` (missing ones are
 * generated and stored). Runs in the account's Durable Object (keyRingWith, rotations and outbound
 * federation's IAM writes all run there, in order), with a store that reads the object's own writes.
 */
export async function ensureKeyRing(options: {
  sealSeed: string;
  store: KvWebIdentityStore;
  account: string;
  purpose: KeyPurpose;
  algs: SigningAlgorithm[];
  now: number;
}): Promise<KeyRing> {
  const { store, account, purpose } = options;
  const ring = (await store.getKeyRing(account, purpose)) ?? { keys: [] };
  const missing = options.algs.filter((alg) => !ring.keys.some((k) => k.alg === alg));
  if (missing.length === 0) return ring;
  for (const alg of missing) {
    ring.keys.push(
      await generateSigningKey(options.sealSeed, { account, purpose, alg, now: options.now }),
    );
  }
  await store.putKeyRing(account, purpose, ring);
  return ring;
}

/**
 * A new key for each algorithm of the ring; the previous one stays to verify older tokens. Runs in
 * the account's Durable Object, as ensureKeyRing does.
 */
export async function rotateKeyRing(options: {
  sealSeed: string;
  store: KvWebIdentityStore;
  account: string;
  purpose: KeyPurpose;
  now: number;
}): Promise<KeyRing> {
  const { store, account, purpose } = options;
  const ring = (await store.getKeyRing(account, purpose)) ?? { keys: [] };
  const algs = [...new Set(ring.keys.map((k) => k.alg))];
  const fresh: StoredSigningKey[] = [];
  for (const alg of algs.length > 0 ? algs : (['RS256'] as SigningAlgorithm[])) {
    fresh.push(
      await generateSigningKey(options.sealSeed, { account, purpose, alg, now: options.now }),
    );
  }
  const kept = [...fresh, ...ring.keys].filter(
    (k, _, all) => all.filter((o) => o.alg === k.alg).indexOf(k) < KEPT_PER_ALGORITHM,
  );
  const next = { keys: kept };
  await store.putKeyRing(account, purpose, next);
  return next;
}

/** The key that signs with `alg`: the newest of that algorithm. */
export function activeKey(ring: KeyRing, alg: SigningAlgorithm): StoredSigningKey | undefined {
  return ring.keys.find((k) => k.alg === alg);
}

/** The ring's public keys as a JWKS document (RFC 7517). */
export function publicJwks(ring: KeyRing | null): JSONWebKeySet {
  return { keys: (ring?.keys ?? []).map((k) => k.publicJwk) };
}

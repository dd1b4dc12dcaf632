import { base32Decode, base32Encode, SEED_BYTES } from '../../auth/totp.ts';
import { openSecret, sealSecret } from '../../auth/seal.ts';
import { deriveKeys } from '../../auth/secret-keys.ts';

/** A fresh device seed: 40 random bytes as 64 base32 characters, like IAM's Base32StringSeed. */
export function newSeed(): string {
  return base32Encode(crypto.getRandomValues(new Uint8Array(SEED_BYTES)));
}

/** Seals a base32 seed for storage, bound to the device's serial number. */
export async function sealSeed(
  sealKey: string,
  serialNumber: string,
  seed: string,
): Promise<string> {
  return sealSecret((await deriveKeys(sealKey)).seal, seed, `mfa:${serialNumber}`);
}

/** The seed bytes of a stored device. Throws if the sealed text is corrupt (a fault, not input). */
export async function openSeed(
  sealKey: string,
  serialNumber: string,
  sealed: string,
): Promise<Uint8Array> {
  const text = await openSecret((await deriveKeys(sealKey)).seal, sealed, `mfa:${serialNumber}`);
  const bytes = base32Decode(text);
  if (!bytes) throw new Error('stored MFA seed is not base32');
  return bytes;
}

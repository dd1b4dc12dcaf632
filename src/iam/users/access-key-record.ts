import { sealSecret } from '../../auth/seal.ts';
import { deriveKeys } from '../../auth/secret-keys.ts';
import { isoSeconds, type XmlObject } from '../../protocol/xml.ts';
import type { AccessKeyRecord } from '../../store/types.ts';

/** "IAM and AWS STS quotas": access keys per user. */
export const MAX_KEYS_PER_USER = 2;

/** A stored access key: the secret is sealed (AES-GCM, bound to the key id) before it reaches storage. */
export async function accessKeyRecord(
  sealKey: string,
  key: {
    accessKeyId: string;
    secretAccessKey: string;
    account: string;
    userName: string;
    status: 'Active' | 'Inactive';
  },
  createDate: number,
): Promise<AccessKeyRecord> {
  const keys = await deriveKeys(sealKey);
  return {
    accessKeyId: key.accessKeyId,
    account: key.account,
    userName: key.userName,
    status: key.status,
    sealedSecret: await sealSecret(keys.seal, key.secretAccessKey, key.accessKeyId),
    createDate,
  };
}

/** AccessKeyMetadata, as ListAccessKeys returns it (never the secret). */
export const accessKeyXml = (k: AccessKeyRecord): XmlObject => ({
  UserName: k.userName,
  AccessKeyId: k.accessKeyId,
  Status: k.status,
  CreateDate: isoSeconds(k.createDate),
});

import { exports } from 'cloudflare:workers';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import { DEMO_ADMIN, WebCryptoSha256, xmlText } from '../helpers/aws.ts';

/** A presigned GetCallerIdentity URL, as EKS tokens and Vault's IAM auth use them. */
async function presignedUrl(expiresIn: number, signingDate = new Date()): Promise<string> {
  const signer = new SignatureV4({
    service: 'sts',
    region: 'us-east-1',
    credentials: DEMO_ADMIN,
    sha256: WebCryptoSha256,
  });
  const signed = await signer.presign(
    {
      method: 'GET',
      protocol: 'http:',
      hostname: '127.0.0.1',
      port: 8787,
      path: '/',
      query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
      headers: { host: '127.0.0.1:8787' },
    },
    { expiresIn, signingDate },
  );
  const q = new URLSearchParams(signed.query as Record<string, string>);
  return `http://127.0.0.1:8787/?${q}`;
}

describe('presigned query-string requests', () => {
  it('GET with a presigned GetCallerIdentity URL authenticates', async () => {
    const res = await exports.default.fetch(await presignedUrl(60));
    const body = await res.text();
    expect(res.status, body).toBe(200);
    expect(xmlText(body, 'Arn')).toBe('arn:aws:iam::123456789012:user/admin');
  });

  it('a tampered presigned URL is SignatureDoesNotMatch', async () => {
    const url = (await presignedUrl(60)).replace('GetCallerIdentity', 'GetSessionToken');
    const res = await exports.default.fetch(url);
    expect(res.status).toBe(403);
    expect(xmlText(await res.text(), 'Code')).toBe('SignatureDoesNotMatch');
  });

  it('a presigned URL past X-Amz-Expires is refused', async () => {
    const res = await exports.default.fetch(await presignedUrl(60, new Date(Date.now() - 120_000)));
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
  });
});

import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { presignedQuery, xmlText } from '../helpers/aws.ts';

/** A presigned GetCallerIdentity URL, as EKS tokens and Vault's IAM auth use them. */
async function presignedUrl(expiresIn: number, signingDate = new Date()): Promise<string> {
  const query = { Action: 'GetCallerIdentity', Version: '2011-06-15' };
  const q = new URLSearchParams(
    await presignedQuery({ service: 'sts', query, expiresIn, signingDate }),
  );
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

import { describe, expect, it } from 'vitest';
import { doc, fails, ok, TRUST_EC2, unique, userWithKey, xmlAll } from '../helpers.ts';

describe('ListAccountAliases', () => {
  it('answers an empty list (no account has an alias: CreateAccountAlias is not implemented)', async () => {
    const body = await ok({ Action: 'ListAccountAliases' });
    expect(body).toMatch(/<AccountAliases\s*\/>|<AccountAliases><\/AccountAliases>/);
    expect(body).toContain('<IsTruncated>false</IsTruncated>');
  });

  it('needs iam:ListAccountAliases and checks MaxItems', async () => {
    const nobody = await userWithKey(doc([{ Effect: 'Allow', Action: 's3:*', Resource: '*' }]));
    await fails({ Action: 'ListAccountAliases' }, 403, 'AccessDenied', nobody);
    await fails({ Action: 'ListAccountAliases', MaxItems: '0' }, 400, 'ValidationError');
  });
});

describe('GetAccountSummary', () => {
  /** The SummaryMap as key -> number. */
  async function summary(): Promise<Record<string, number>> {
    const body = await ok({ Action: 'GetAccountSummary' });
    const keys = xmlAll(body, 'key');
    const values = xmlAll(body, 'value').map(Number);
    expect(keys.length).toBe(values.length);
    return Object.fromEntries(keys.map((k, i) => [k, values[i]!]));
  }

  it("answers the account's counts and quotas as <entry><key/><value/></entry> pairs", async () => {
    const before = await summary();
    expect(before.UsersQuota).toBe(5000);
    expect(before.RolesQuota).toBe(1000);
    expect(before.AccessKeysPerUserQuota).toBe(2);
    expect(before.AccountMFAEnabled).toBe(0);
    await ok({
      Action: 'CreateRole',
      RoleName: unique('counted'),
      AssumeRolePolicyDocument: TRUST_EC2,
    });
    await ok({ Action: 'CreateInstanceProfile', InstanceProfileName: unique('counted') });
    const after = await summary();
    expect(after.Roles).toBe(before.Roles! + 1);
    expect(after.InstanceProfiles).toBe(before.InstanceProfiles! + 1);
    expect(after.Users).toBeGreaterThanOrEqual(1);
  });

  it('needs iam:GetAccountSummary', async () => {
    const nobody = await userWithKey(doc([{ Effect: 'Allow', Action: 's3:*', Resource: '*' }]));
    await fails({ Action: 'GetAccountSummary' }, 403, 'AccessDenied', nobody);
  });
});

describe('what rolecall keeps none of: answered as for an account without it', () => {
  it('GetAccountPasswordPolicy: NoSuchEntity, worded as IAM words it', async () => {
    const a = await fails({ Action: 'GetAccountPasswordPolicy' }, 404, 'NoSuchEntity');
    expect(a.message).toBe('The Password Policy with domain name 123456789012 cannot be found.');
  });

  it('ListSAMLProviders and ListServerCertificates: empty lists; PathPrefix checked', async () => {
    const saml = await ok({ Action: 'ListSAMLProviders' });
    expect(saml).toMatch(/<SAMLProviderList\s*\/>|<SAMLProviderList><\/SAMLProviderList>/);
    const certs = await ok({ Action: 'ListServerCertificates', PathPrefix: '/' });
    expect(certs).toContain('<IsTruncated>false</IsTruncated>');
    await fails({ Action: 'ListServerCertificates', PathPrefix: 'nope' }, 400, 'ValidationError');
  });
});

import { describe, expect, it } from 'vitest';
import { doc, fails, ok, S3_READ, unique, userWithKey, xmlText } from '../helpers.ts';

describe('credentials rolecall does not keep: answered as for a user that has none', () => {
  it('GetLoginProfile / DeleteLoginProfile: NoSuchEntity for the login profile of a user that exists', async () => {
    const name = unique('no-console');
    await ok({ Action: 'CreateUser', UserName: name });
    for (const Action of ['GetLoginProfile', 'DeleteLoginProfile']) {
      const a = await fails({ Action, UserName: name }, 404, 'NoSuchEntity');
      expect(a.message).toBe(`Login Profile for User ${name} cannot be found.`);
    }
    const missing = await fails(
      { Action: 'GetLoginProfile', UserName: unique('nobody') },
      404,
      'NoSuchEntity',
    );
    expect(missing.message).toMatch(/^The user with name .* cannot be found\.$/);
  });

  it('ListSSHPublicKeys, ListServiceSpecificCredentials, ListSigningCertificates: empty lists', async () => {
    const name = unique('no-extras');
    await ok({ Action: 'CreateUser', UserName: name });
    for (const [Action, element] of [
      ['ListSSHPublicKeys', 'SSHPublicKeys'],
      ['ListServiceSpecificCredentials', 'ServiceSpecificCredentials'],
      ['ListSigningCertificates', 'Certificates'],
    ] as const) {
      const body = await ok({ Action, UserName: name });
      expect(body).toMatch(new RegExp(`<${element}\\s*/>|<${element}></${element}>`));
      if (Action !== 'ListServiceSpecificCredentials')
        expect(xmlText(body, 'IsTruncated')).toBe('false');
      await fails({ Action, UserName: unique('nobody') }, 404, 'NoSuchEntity');
    }
  });

  it('authorizes on the user, the caller when UserName is absent', async () => {
    const user = await userWithKey(
      doc([{ Effect: 'Allow', Action: 'iam:ListSSHPublicKeys', Resource: '*' }]),
    );
    await ok({ Action: 'ListSSHPublicKeys' }, user);
    const other = await userWithKey(S3_READ);
    await fails({ Action: 'ListSigningCertificates' }, 403, 'AccessDenied', other);
  });
});

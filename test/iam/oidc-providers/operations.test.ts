import { describe, expect, it } from 'vitest';
import { ACCOUNT, fails, ok, unique, xmlAll, xmlText } from '../helpers.ts';

const THUMB = 'a'.repeat(40);

describe('OpenID Connect providers', () => {
  it('creates, reads, lists, updates and deletes a provider', async () => {
    const host = `${unique('idp')}.example.com`;
    const arn = `arn:aws:iam::${ACCOUNT}:oidc-provider/${host}`;
    const created = await ok({
      Action: 'CreateOpenIDConnectProvider',
      Url: `https://${host}`,
      'ClientIDList.member.1': 'sts.amazonaws.com',
      'ThumbprintList.member.1': THUMB,
    });
    expect(xmlText(created, 'OpenIDConnectProviderArn')).toBe(arn);
    const dup = await fails(
      {
        Action: 'CreateOpenIDConnectProvider',
        Url: `https://${host}`,
        'ThumbprintList.member.1': THUMB,
      },
      409,
      'EntityAlreadyExists',
    );
    expect(dup.message).toContain(host);
    let got = await ok({ Action: 'GetOpenIDConnectProvider', OpenIDConnectProviderArn: arn });
    expect(xmlText(got, 'Url')).toBe(host);
    expect(xmlAll(xmlText(got, 'ClientIDList')!, 'member')).toEqual(['sts.amazonaws.com']);
    await ok({
      Action: 'AddClientIDToOpenIDConnectProvider',
      OpenIDConnectProviderArn: arn,
      ClientID: 'my-app',
    });
    await ok({
      Action: 'UpdateOpenIDConnectProviderThumbprint',
      OpenIDConnectProviderArn: arn,
      'ThumbprintList.member.1': 'b'.repeat(40),
    });
    got = await ok({ Action: 'GetOpenIDConnectProvider', OpenIDConnectProviderArn: arn });
    expect(xmlAll(xmlText(got, 'ClientIDList')!, 'member')).toEqual([
      'sts.amazonaws.com',
      'my-app',
    ]);
    expect(xmlAll(xmlText(got, 'ThumbprintList')!, 'member')).toEqual(['b'.repeat(40)]);
    const list = await ok({ Action: 'ListOpenIDConnectProviders' });
    expect(xmlAll(list, 'Arn')).toContain(arn);
    expect(xmlAll(list, 'Arn')).toContain(
      `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`,
    );
    await ok({ Action: 'DeleteOpenIDConnectProvider', OpenIDConnectProviderArn: arn });
    const gone = await fails(
      { Action: 'GetOpenIDConnectProvider', OpenIDConnectProviderArn: arn },
      404,
      'NoSuchEntity',
    );
    expect(gone.message).toContain(arn);
  });

  it('validates thumbprints and the URL', async () => {
    await fails(
      {
        Action: 'CreateOpenIDConnectProvider',
        Url: 'https://x.example.com',
        'ThumbprintList.member.1': 'short',
      },
      400,
      'ValidationError',
    );
    await fails(
      { Action: 'CreateOpenIDConnectProvider', Url: 'http://insecure.example.com' },
      400,
      'InvalidInput',
    );
  });
});

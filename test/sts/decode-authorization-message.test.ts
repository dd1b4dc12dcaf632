import { describe, expect, it } from 'vitest';
import { xmlText } from '../helpers/aws.ts';
import { doc, userWithKey } from '../iam/helpers.ts';
import { call } from './helpers.ts';

describe('DecodeAuthorizationMessage', () => {
  it('answers InvalidAuthorizationMessageException (400): rolecall never issues encoded messages', async () => {
    const a = await call({ Action: 'DecodeAuthorizationMessage', EncodedMessage: 'abc' });
    expect({ status: a.status, code: a.code }, a.body).toEqual({
      status: 400,
      code: 'InvalidAuthorizationMessageException',
    });
    expect(xmlText(a.body, 'Type')).toBe('Sender');
  });

  it('needs sts:DecodeAuthorizationMessage, as AWS requires', async () => {
    const user = await userWithKey(doc([{ Effect: 'Allow', Action: 's3:*', Resource: '*' }]));
    const a = await call({ Action: 'DecodeAuthorizationMessage', EncodedMessage: 'abc' }, user);
    expect({ status: a.status, code: a.code }).toEqual({ status: 403, code: 'AccessDenied' });
  });

  it('checks EncodedMessage against the model (1-10240) before anything else', async () => {
    const missing = await call({ Action: 'DecodeAuthorizationMessage' });
    expect({ status: missing.status, code: missing.code }).toEqual({
      status: 400,
      code: 'ValidationError',
    });
    const long = await call({
      Action: 'DecodeAuthorizationMessage',
      EncodedMessage: 'a'.repeat(10241),
    });
    expect(long.message).toContain("at 'encodedMessage' failed to satisfy constraint");
  });

  it('a GetSessionToken session may not call it', async () => {
    const s = await call({ Action: 'GetSessionToken' });
    const session = {
      accessKeyId: xmlText(s.body, 'AccessKeyId')!,
      secretAccessKey: xmlText(s.body, 'SecretAccessKey')!,
      sessionToken: xmlText(s.body, 'SessionToken')!,
    };
    const a = await call({ Action: 'DecodeAuthorizationMessage', EncodedMessage: 'abc' }, session);
    expect({ status: a.status, code: a.code }).toEqual({ status: 403, code: 'AccessDenied' });
  });
});

import { describe, expect, it } from 'vitest';
import { doc, fails, ok, userWithKey } from '../helpers.ts';

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

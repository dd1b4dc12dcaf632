import { describe, expect, it } from 'vitest';
import { call } from '../helpers/worker.ts';

const ROLE = 'arn:aws:iam::123456789012:role/demo-readonly';

describe('a tag missing its Key or Value (both required members of Tag)', () => {
  it('AssumeRole: ValidationError naming each missing member, Value null', async () => {
    const a = await call({
      Action: 'AssumeRole',
      Version: '2011-06-15',
      RoleArn: ROLE,
      RoleSessionName: 'tags',
      'Tags.member.1.Key': 'team',
      'Tags.member.2.Value': 'blue',
    });
    expect({ status: a.status, code: a.code }).toEqual({ status: 400, code: 'ValidationError' });
    expect(a.message).toBe(
      "2 validation errors detected: Value null at 'tags.1.member.value' failed to satisfy constraint: Member must not be null; " +
        "Value null at 'tags.2.member.key' failed to satisfy constraint: Member must not be null",
    );
  });

  it('TagRole: the same, and an empty Value is a value', async () => {
    const missing = await call(
      {
        Action: 'TagRole',
        Version: '2010-05-08',
        RoleName: 'demo-readonly',
        'Tags.member.1.Key': 'owner',
      },
      undefined,
      { service: 'iam' },
    );
    expect(missing.status).toBe(400);
    expect(missing.message).toBe(
      "1 validation error detected: Value null at 'tags.1.member.value' failed to satisfy constraint: Member must not be null",
    );
    const empty = await call(
      {
        Action: 'TagRole',
        Version: '2010-05-08',
        RoleName: 'demo-readonly',
        'Tags.member.1.Key': 'owner',
        'Tags.member.1.Value': '',
      },
      undefined,
      { service: 'iam' },
    );
    expect(empty.status, empty.body).toBe(200);
  });
});

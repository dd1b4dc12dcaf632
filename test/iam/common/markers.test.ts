import { beforeAll, describe, expect, it } from 'vitest';
import type { Credentials } from '../../helpers/aws.ts';
import {
  doc,
  fails,
  iam,
  ok,
  S3_READ,
  seedAccountAdmin,
  TRUST_EC2,
  unique,
  userWithKey,
  xmlText,
} from '../helpers.ts';

/**
 * A Marker pages the list that issued it: another List action, or the same one in another
 * account, refuses it with IAM's ValidationError instead of reading it as a position of its own.
 */
const OTHER = '353000000003';
const OTHER_ADMIN: Credentials = {
  accessKeyId: 'AKIA2XMARKERSOTHERAA',
  secretAccessKey: 'markers-other-account-secret',
};

beforeAll(async () => {
  await seedAccountAdmin(OTHER, OTHER_ADMIN);
  for (const credentials of [undefined, OTHER_ADMIN]) {
    for (const n of ['a', 'b', 'c']) {
      const RoleName = unique(`marker-${n}`);
      const a = await iam(
        { Action: 'CreateRole', RoleName, AssumeRolePolicyDocument: TRUST_EC2 },
        credentials,
      );
      expect(a.status, a.body).toBe(200);
      const u = await iam({ Action: 'CreateUser', UserName: RoleName }, credentials);
      expect(u.status, u.body).toBe(200);
    }
  }
});

async function markerOf(params: Record<string, string>, credentials?: Credentials) {
  const a = await iam({ ...params, MaxItems: '1' }, credentials);
  expect(a.status, a.body).toBe(200);
  expect(xmlText(a.body, 'IsTruncated')).toBe('true');
  return xmlText(a.body, 'Marker')!;
}

describe('IAM list markers are bound to their action and account', () => {
  it('the marker pages its own list', async () => {
    const marker = await markerOf({ Action: 'ListRoles' });
    const next = await ok({ Action: 'ListRoles', MaxItems: '1', Marker: marker });
    expect(xmlText(next, 'RoleName')).toBeDefined();
  });

  it('a ListRoles marker given to ListUsers is refused', async () => {
    const marker = await markerOf({ Action: 'ListRoles' });
    const a = await fails({ Action: 'ListUsers', Marker: marker }, 400, 'ValidationError');
    expect(a.message).toBe('Invalid Marker.');
  });

  it("another account's marker for the same action is refused, in both directions", async () => {
    const mine = await markerOf({ Action: 'ListRoles' });
    const theirs = await markerOf({ Action: 'ListRoles' }, OTHER_ADMIN);
    await fails({ Action: 'ListRoles', Marker: mine }, 400, 'ValidationError', OTHER_ADMIN);
    await fails({ Action: 'ListRoles', Marker: theirs }, 400, 'ValidationError');
  });

  it('an in-memory list marker (ListAccessKeys) given to ListUserPolicies is refused', async () => {
    const user = await userWithKey(S3_READ);
    await ok({ Action: 'CreateAccessKey', UserName: user.userName });
    const marker = await markerOf({ Action: 'ListAccessKeys', UserName: user.userName });
    await fails(
      { Action: 'ListUserPolicies', UserName: user.userName, Marker: marker },
      400,
      'ValidationError',
    );
  });

  it('an altered marker is refused', async () => {
    const marker = await markerOf({ Action: 'ListUsers' });
    const altered = marker.slice(0, -1) + (marker.endsWith('A') ? 'B' : 'A');
    await fails({ Action: 'ListUsers', Marker: altered }, 400, 'ValidationError');
  });

  it('a caller denied the list learns AccessDenied first, as for any bad marker', async () => {
    const marker = await markerOf({ Action: 'ListRoles' });
    const nobody = await userWithKey(doc([{ Effect: 'Allow', Action: 's3:*', Resource: '*' }]));
    await fails({ Action: 'ListUsers', Marker: marker }, 403, 'AccessDenied', nobody);
  });

  it('a marker over 320 characters is the constraint error, not Invalid Marker', async () => {
    const a = await fails({ Action: 'ListUsers', Marker: 'x'.repeat(321) }, 400, 'ValidationError');
    expect(a.message).toContain("at 'marker' failed to satisfy constraint");
  });
});

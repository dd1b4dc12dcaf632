import { describe, expect, it } from 'vitest';
import { iamOperations } from '../src/iam/operations.ts';
import { stsOperations } from '../src/sts/operations.ts';
import { call } from './sts/helpers.ts';

/**
 * Bad input of any kind gets an AWS error, never a 500: every action of both services is called with
 * parameter values that are missing, empty, huge, of the wrong type, or not text at all.
 */
const NASTY = [
  '',
  ' ',
  'x',
  '0',
  '-1',
  '99999999999999999999',
  'true',
  '{',
  '{"Version":"2012-10-17","Statement":[{"Effect":"Allow"}]}',
  '[]',
  'null',
  'arn:aws:iam::123456789012:role/',
  'arn:aws:iam::123456789012:policy/../../etc',
  '\u0000\u0001',
  '💥'.repeat(40),
  'a'.repeat(5000),
  '%ZZ',
];

const PARAMS = [
  'RoleArn',
  'RoleSessionName',
  'DurationSeconds',
  'Policy',
  'ExternalId',
  'SerialNumber',
  'TokenCode',
  'SourceIdentity',
  'AccessKeyId',
  'Name',
  'RoleName',
  'UserName',
  'PolicyName',
  'PolicyArn',
  'PolicyDocument',
  'AssumeRolePolicyDocument',
  'Path',
  'PathPrefix',
  'Marker',
  'MaxItems',
  'Description',
  'MaxSessionDuration',
  'VersionId',
  'SetAsDefault',
  'Status',
  'Url',
  'ClientIDList.member.1',
  'ThumbprintList.member.1',
  'OpenIDConnectProviderArn',
  'PermissionsBoundary',
  'Tags.member.1.Key',
  'Tags.member.1.Value',
  'TagKeys.member.1',
  'ActionNames.member.1',
  'ResourceArns.member.1',
  'PolicyInputList.member.1',
  'PolicySourceArn',
  'Scope',
  'OnlyAttached',
  'NewUserName',
  'NewPath',
  'ClientID',
  'PolicyArns.member.1.arn',
  'TransitiveTagKeys.member.1',
  'ContextEntries.member.1.ContextKeyName',
  'ContextEntries.member.1.ContextKeyType',
  'ContextEntries.member.1.ContextKeyValues.member.1',
  'ResourcePolicy',
  'CallerArn',
  'EntityFilter',
  'GroupName',
  'NewGroupName',
];

function pick<T>(items: readonly T[], seed: number): T {
  return items[seed % items.length]!;
}

describe.each([
  ['sts', Object.keys(stsOperations)],
  ['iam', Object.keys(iamOperations)],
] as const)('%s: never a 500 for bad input', (service, actions) => {
  it.each(actions)('%s', async (action) => {
    for (let round = 0; round < 12; round++) {
      const params: Record<string, string> = { Action: action };
      if (round > 0) {
        for (let i = 0; i < 6; i++)
          params[pick(PARAMS, round * 7 + i * 13)] = pick(NASTY, round * 5 + i * 3);
      }
      const res = await call(params, undefined, { service });
      expect(
        res.status,
        `${action} ${JSON.stringify(params).slice(0, 300)}\n${res.body}`,
      ).toBeLessThan(500);
    }
  });
});

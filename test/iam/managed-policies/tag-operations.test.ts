import { describe, expect, it } from 'vitest';
import {
  ACCOUNT,
  doc,
  fails,
  ok,
  S3_READ,
  unique,
  userWithKey,
  xmlAll,
  xmlText,
} from '../helpers.ts';

const policyArn = (name: string) => `arn:aws:iam::${ACCOUNT}:policy/${name}`;

describe('TagPolicy / UntagPolicy / ListPolicyTags', () => {
  it('adds, overwrites (case-insensitively) and removes tags; GetPolicy shows them', async () => {
    const name = unique('tagged');
    await ok({
      Action: 'CreatePolicy',
      PolicyName: name,
      PolicyDocument: S3_READ,
      'Tags.member.1.Key': 'team',
      'Tags.member.1.Value': 'a',
    });
    const PolicyArn = policyArn(name);
    await ok({
      Action: 'TagPolicy',
      PolicyArn,
      'Tags.member.1.Key': 'TEAM',
      'Tags.member.1.Value': 'b',
      'Tags.member.2.Key': 'stage',
      'Tags.member.2.Value': 'prod',
    });
    const listed = await ok({ Action: 'ListPolicyTags', PolicyArn });
    expect(xmlAll(listed, 'Key')).toEqual(['team', 'stage']);
    expect(xmlAll(listed, 'Value')).toEqual(['b', 'prod']);
    expect(xmlText(listed, 'IsTruncated')).toBe('false');
    await ok({ Action: 'UntagPolicy', PolicyArn, 'TagKeys.member.1': 'Team' });
    const got = await ok({ Action: 'GetPolicy', PolicyArn });
    expect(xmlAll(got, 'Key')).toEqual(['stage']);
  });

  it('answers NoSuchEntity for a missing policy, AccessDenied for an AWS managed one', async () => {
    const tags = { 'Tags.member.1.Key': 'k', 'Tags.member.1.Value': 'v' };
    await fails(
      { Action: 'TagPolicy', PolicyArn: policyArn(unique('none')), ...tags },
      404,
      'NoSuchEntity',
    );
    const aws = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
    await fails({ Action: 'TagPolicy', PolicyArn: aws, ...tags }, 403, 'AccessDenied');
    const listed = await ok({ Action: 'ListPolicyTags', PolicyArn: aws });
    expect(xmlAll(listed, 'member')).toEqual([]);
  });

  it('refuses reserved keys and an empty tag list', async () => {
    const name = unique('bad-tags');
    await ok({ Action: 'CreatePolicy', PolicyName: name, PolicyDocument: S3_READ });
    const PolicyArn = policyArn(name);
    await fails(
      { Action: 'TagPolicy', PolicyArn, 'Tags.member.1.Key': 'aws:x', 'Tags.member.1.Value': 'v' },
      400,
      'InvalidInput',
    );
    await fails({ Action: 'TagPolicy', PolicyArn }, 400, 'ValidationError');
  });

  it('authorizes with aws:RequestTag and aws:TagKeys', async () => {
    const name = unique('cond');
    await ok({ Action: 'CreatePolicy', PolicyName: name, PolicyDocument: S3_READ });
    const PolicyArn = policyArn(name);
    const tagger = await userWithKey(
      doc([
        {
          Effect: 'Allow',
          Action: ['iam:TagPolicy', 'iam:UntagPolicy'],
          Resource: '*',
          Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team'] } },
        },
      ]),
    );
    const tag = (Key: string) => ({
      Action: 'TagPolicy',
      PolicyArn,
      'Tags.member.1.Key': Key,
      'Tags.member.1.Value': 'v',
    });
    await ok(tag('team'), tagger);
    await fails(tag('owner'), 403, 'AccessDenied', tagger);
    await fails(
      { Action: 'UntagPolicy', PolicyArn, 'TagKeys.member.1': 'owner' },
      403,
      'AccessDenied',
      tagger,
    );
  });
});

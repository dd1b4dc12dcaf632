/** The demo page's pure parts, in plain Node: statement ranges, permalinks, CLI quoting, placeholders. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { cliCommands } from '../../../src/demo/page/cli.ts';
import { EXAMPLES, generalize, localize } from '../../../src/demo/page/setup.ts';
import { decodeSetup, encodeSetup } from '../../../src/demo/page/share.ts';
import { statementRanges } from '../../../src/demo/page/statements.ts';

describe('statementRanges', () => {
  it.each([
    [
      '{"Version":"2012-10-17","Statement":[{"Sid":"A"},{"Sid":"B"}]}',
      ['{"Sid":"A"}', '{"Sid":"B"}'],
    ],
    ['{"Statement":{"Sid":"Only"}, "Version":"2012-10-17"}', ['{"Sid":"Only"}']],
    ['{ "Statement" : [ { "Action": ["a:b", "c:\\"d"] } ] }', ['{ "Action": ["a:b", "c:\\"d"] }']],
    ['{"Statement":[{"Sid":"A"},', []],
    ['not json', []],
    ['[]', []],
  ])('%s', (text, expected) => {
    expect(statementRanges(text).map((r) => text.slice(r.from, r.to))).toEqual(expected);
  });
});

describe('permalinks', () => {
  it('round-trip every example, and ignore what does not decode', async () => {
    for (const e of EXAMPLES) {
      const hash = await encodeSetup(e.setup);
      expect(hash).toMatch(/^#s=[A-Za-z0-9_-]+$/);
      expect(await decodeSetup(hash)).toEqual(e.setup);
    }
    expect(await decodeSetup('#s=!!!')).toBeNull();
    expect(await decodeSetup(`#s=${'A'.repeat(20_000)}`)).toBeNull();
    expect(await decodeSetup('#other')).toBeNull();
  });
});

describe('account placeholders', () => {
  it('fill in and take out only account ids in ARNs', () => {
    const ids = { account: '111122223333', partner: '444455556666' };
    const text =
      '{"AWS":"arn:aws:iam::PARTNER:root","R":"arn:aws:s3:us-east-1:ACCOUNT:x","Sid":"ACCOUNTS"}';
    const local = localize(text, ids);
    expect(local).toBe(
      '{"AWS":"arn:aws:iam::444455556666:root","R":"arn:aws:s3:us-east-1:111122223333:x","Sid":"ACCOUNTS"}',
    );
    expect(generalize(local, ids)).toBe(text);
  });
});

describe('cliCommands', () => {
  it('quotes policy documents for the shell, whatever they contain', async () => {
    const trust = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'It',
          Effect: 'Allow',
          Principal: { AWS: "it's $(reboot) `x`" },
          Action: 'sts:AssumeRole',
        },
      ],
    });
    const text = cliCommands({
      via: 'key',
      endpoint: 'http://127.0.0.1:8787',
      account: '111122223333',
      principal: 'arn:aws:iam::111122223333:user/admin',
      action: 'sts:AssumeRole',
      roleArn: 'arn:aws:iam::111122223333:role/r',
      roleName: 'r',
      permissionsName: 'Permissions',
      trust,
      permissions: '',
      session: '',
      externalId: "o'hara",
      duration: 3600,
    });
    // Each quoted word reaches the program unchanged: print the trust argument with bash itself.
    const line = text.split('\n').find((l) => l.includes('update-assume-role-policy'))!;
    const quoted = /--policy-document ('(?:[^']|'\\'')*')$/.exec(line)![1];
    const { stdout } = await promisify(execFile)('/bin/bash', ['-c', `printf %s ${quoted}`]);
    expect(JSON.parse(stdout)).toEqual(JSON.parse(trust));
    expect(text).toContain(`--external-id 'o'\\''hara'`);
  });
});

/**
 * The demo page's pure parts, in plain Node: statement ranges, where a policy's problems are,
 * permalinks, CLI quoting, placeholders.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { boto3Script, cliCommands, type CliOptions } from '../../../src/demo/page/cli.ts';
import { parseContext } from '../../../src/demo/page/decide.ts';
import { problemsOf } from '../../../src/demo/page/problems.ts';
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

describe('problemsOf', () => {
  const policy = (...statements: object[]) =>
    JSON.stringify({ Version: '2012-10-17', Statement: statements }, null, 2);
  /** Each problem as the editor shows it: line, the text it underlines, the message. */
  const shown = (text: string, kind: 'trust' | 'identity') =>
    problemsOf(text, kind).map((p) => ({
      line: p.line,
      at: text.slice(p.from, p.to),
      message: p.message,
    }));

  it('puts a JSON syntax error on a visible character of its line', () => {
    expect(shown('{\n  "Version": "2012-10-17"\n  "Statement": []\n}', 'trust')).toEqual([
      { line: 3, at: '"', message: "Not valid JSON: Expected ',' or '}' after property value." },
    ]);
    // Cut short: the last character written, not the end of the text.
    expect(shown('{\n  "Statement": [\n\n', 'identity')).toEqual([
      { line: 2, at: '[', message: 'Not valid JSON: Unexpected end of JSON input.' },
    ]);
  });

  it("puts IAM's message on the field it is about, every statement's", () => {
    const text = policy(
      { Effect: 'Alow', Action: 's3:GetObject', Resource: '*' },
      { Effect: 'Allow', Action: 's3GetObject', Resource: '*' },
      { Effect: 'Allow', Action: 's3:GetObject', Resource: 'bucket' },
      { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: '*' },
    );
    expect(shown(text, 'identity').map((p) => [p.at, p.message])).toEqual([
      ['"Effect": "Alow"', 'Statement 0: MalformedPolicyDocument: Invalid effect: Alow'],
      [
        '"Action": "s3GetObject"',
        'Statement 1: MalformedPolicyDocument: Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.',
      ],
      [
        '"Resource": "bucket"',
        'Statement 2: MalformedPolicyDocument: Resource bucket must be in ARN format or "*".',
      ],
      [
        '"Principal": "*"',
        'Statement 3: MalformedPolicyDocument: Policy document should not specify a principal.',
      ],
    ]);
  });

  it('says in words what "Syntax errors in policy." is about', () => {
    const unknown = shown(policy({ Effect: 'Allow', Actions: 's3:*', Resource: '*' }), 'identity');
    expect(unknown).toEqual([
      {
        line: 6,
        at: '"Actions"',
        message:
          'Statement 0: MalformedPolicyDocument: Syntax errors in policy. "Actions" is not a statement field (they are Sid, Effect, Principal, NotPrincipal, Action, NotAction, Resource, NotResource, Condition; case matters).',
      },
    ]);
    const twice =
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Effect":"Deny"}]}';
    expect(shown(twice, 'identity')[0].message).toMatch(/"Effect" is given twice\.$/);
    expect(shown('{"Version":"2012-10-17","Statment":[]}', 'identity')[0]).toMatchObject({
      at: '"Statment"',
    });
    expect(shown('{"Version":"2012-10-18","Statement":[]}', 'identity')[0]).toMatchObject({
      at: '"Version":"2012-10-18"',
      message:
        'MalformedPolicyDocument: The policy must contain a valid version string. Use "Version": "2012-10-17" (the current policy language).',
    });
    expect(shown('[1, 2]', 'identity')[0].message).toContain('A policy is a JSON object');
  });

  it('accepts valid documents and empty optional ones, not an empty trust policy', () => {
    const ids = { account: '111122223333', partner: '444455556666' };
    for (const e of EXAMPLES) {
      expect(problemsOf(localize(e.setup.trust, ids), 'trust')).toEqual([]);
      expect(problemsOf(localize(e.setup.permissions, ids), 'identity')).toEqual([]);
    }
    expect(problemsOf('', 'identity')).toEqual([]);
    expect(problemsOf(' ', 'trust')[0].message).toBe(
      'A role needs a trust policy: it says who may assume it.',
    );
  });
});

describe('parseContext', () => {
  it('says where and why context keys are not JSON, and what to write', () => {
    expect(parseContext('{"aws:SourceIp": }')).toBe(
      'Context keys are not valid JSON (Unexpected token \'}\', "{"aws:SourceIp": }" is not valid JSON): write an object, e.g. {"aws:SourceIp": "203.0.113.9"}.',
    );
    expect(parseContext('aws:SourceIp=203.0.113.9')).toMatch(
      /^Context keys are not valid JSON \(.+\): write an object, e\.g\. \{"aws:SourceIp": "203\.0\.113\.9"\}\.$/,
    );
    expect(parseContext('[1]')).toBe(
      'Context keys must be a JSON object, e.g. {"aws:SourceIp": "203.0.113.9"}.',
    );
    expect(parseContext('  ')).toEqual({});
    expect(parseContext('{"aws:SourceIp": "203.0.113.9"}')).toEqual({
      'aws:SourceIp': '203.0.113.9',
    });
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

/** The terminal commands' options for a role `r` of account 111122223333 trusting `trust`. */
function roleSetup(trust: string): CliOptions {
  return {
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
    externalId: '',
    duration: 3600,
  };
}

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
    const text = cliCommands({ ...roleSetup(trust), externalId: "o'hara" });
    // Each quoted word reaches the program unchanged: print the trust argument with bash itself.
    const line = text.split('\n').find((l) => l.includes('update-assume-role-policy'))!;
    const quoted = /--policy-document ('(?:[^']|'\\'')*')$/.exec(line)![1];
    const { stdout } = await promisify(execFile)('/bin/bash', ['-c', `printf %s ${quoted}`]);
    expect(JSON.parse(stdout)).toEqual(JSON.parse(trust));
    expect(text).toContain(`--external-id 'o'\\''hara'`);
  });

  it('writes policy documents as Python literals that read back the same, whatever they contain', async () => {
    for (const value of ['it\'s \\ "quoted" $(x)', "three ''' quotes", 'ends with \\']) {
      const trust = JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { AWS: value }, Action: 'sts:AssumeRole' }],
      });
      const script = boto3Script(roleSetup(trust));
      const literal = /^trust = ([\s\S]*?)\ntry:/m.exec(script)![1];
      const { stdout } = await promisify(execFile)('/usr/bin/python3', [
        '-c',
        `import sys\nsys.stdout.write(${literal})`,
      ]);
      expect(JSON.parse(stdout)).toEqual(JSON.parse(trust));
    }
  });
});

import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../src/local/serve.ts';
import { StateInUse } from '../../src/local/state-claim.ts';
import { aws, run, type Server } from './server.ts';

/**
 * `npm run seed` while `npm start` serves the same state: the document goes through that server's
 * account objects, so the server's next write to a seeded record builds on the seed, not on the
 * server's own earlier write (docs/seeding.md). And one state folder is served by one process.
 */
const root = resolve(import.meta.dirname, '../..');
const TRUST_EC2 = {
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
  ],
};

let state: string;
let server: Server;

beforeAll(async () => {
  state = await mkdtemp(join(tmpdir(), 'rolecall-seed-cli-'));
  server = await startServer({ port: 0, persist: state });
});

afterAll(async () => {
  await server.stop();
  await rm(state, { recursive: true, force: true });
});

function seedCli(file: string) {
  return run(join(root, 'node_modules/.bin/node'), [join(root, 'src/seed/cli.ts'), file], {
    ROLECALL_STATE: state,
    CLOUDFLARE_CF_FETCH_ENABLED: 'false',
    WRANGLER_SEND_METRICS: 'false',
    PATH: `${join(root, 'node_modules/.bin')}:/usr/bin:/bin`,
  });
}

describe('npm run seed with npm start running on the same state', () => {
  it("applies through the server: the server's next write to the seeded role keeps the seed's change", async () => {
    const created = await aws(server, [
      'iam',
      'create-role',
      '--role-name',
      'seeded-live',
      '--assume-role-policy-document',
      JSON.stringify(TRUST_EC2),
    ]);
    expect(created.code, created.stderr).toBe(0);

    const file = join(state, 'seed.json');
    await writeFile(
      file,
      JSON.stringify({
        accounts: [
          {
            id: '123456789012',
            roles: [
              {
                name: 'seeded-live',
                description: 'described by the seed',
                assumeRolePolicyDocument: TRUST_EC2,
              },
            ],
          },
        ],
      }),
    );
    const seeded = await seedCli(file);
    expect(seeded.code, seeded.stderr).toBe(0);
    expect(seeded.stdout).toContain(`through the server at ${server.url}`);
    expect(seeded.stdout).toContain('1 updated');

    const tagged = await aws(server, [
      'iam',
      'tag-role',
      '--role-name',
      'seeded-live',
      '--tags',
      'Key=team,Value=ops',
    ]);
    expect(tagged.code, tagged.stderr).toBe(0);
    const got = await aws(server, ['iam', 'get-role', '--role-name', 'seeded-live']);
    expect(got.code, got.stderr).toBe(0);
    const role = (JSON.parse(got.stdout) as { Role: { Description?: string; Tags?: unknown } })
      .Role;
    expect({ description: role.Description, tags: role.Tags }).toEqual({
      description: 'described by the seed',
      tags: [{ Key: 'team', Value: 'ops' }],
    });
  });

  it('an invalid document is refused with its location, and nothing is written', async () => {
    const file = join(state, 'bad.json');
    await writeFile(
      file,
      JSON.stringify({
        accounts: [
          {
            id: '123456789012',
            roles: [
              {
                name: 'never-written',
                assumeRolePolicyDocument: {
                  Version: '2012-10-17',
                  Statement: [
                    {
                      Effect: 'Allow',
                      Principal: { AWS: 'arn:aws:iam::123456789012:user/nobody' },
                      Action: 'sts:AssumeRole',
                    },
                  ],
                },
              },
            ],
          },
        ],
      }),
    );
    const res = await seedCli(file);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(
      'MalformedPolicyDocument: accounts[0].roles[0] (never-written): Invalid principal in policy',
    );
    const got = await aws(server, ['iam', 'get-role', '--role-name', 'never-written']);
    expect(got.stderr).toContain('NoSuchEntity');
  });

  it('a second server on the same state is refused while the first runs', async () => {
    const second = await startServer({ port: 0, persist: state }).catch((e: unknown) => e);
    expect(second).toBeInstanceOf(StateInUse);
    expect((second as StateInUse).message).toContain(`pid ${process.pid}, ${server.url}`);
    expect(existsSync(join(state, 'rolecall-server.json'))).toBe(true);
  });
});

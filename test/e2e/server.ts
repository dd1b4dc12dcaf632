import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer as serve } from '../../src/local/serve.ts';
import type { RateLimitOptions, Server } from '../../src/local/serve.ts';

process.env.WRANGLER_LOG ??= 'warn';
process.env.WRANGLER_SEND_METRICS = 'false';
process.env.CLOUDFLARE_CF_FETCH_ENABLED = 'false';

export type { Server };

/**
 * Starts the Worker the way `npm start` serves it (src/local/serve.ts), on a free loopback port with
 * fresh local state (seeded with the demo account on first use).
 */
export async function startServer(
  options: { ratelimits?: Record<string, RateLimitOptions> } = {},
): Promise<Server> {
  const state = await mkdtemp(join(tmpdir(), 'rolecall-e2e-'));
  const server = await serve({ port: 0, persist: state, ratelimits: options.ratelimits });
  return {
    url: server.url,
    async stop() {
      await server.stop();
      await rm(state, { recursive: true, force: true });
    },
  };
}

export const ADMIN_ENV = {
  AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
};

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a real client process asynchronously (a synchronous child would block the event loop that
 * serves the Worker). The environment is clean of any AWS configuration of the machine.
 */
export function run(file: string, args: string[], env: Record<string, string>): Promise<RunResult> {
  return new Promise((done) => {
    execFile(
      file,
      args,
      {
        env: {
          PATH: '/usr/bin:/bin',
          HOME: tmpdir(),
          AWS_CONFIG_FILE: '/dev/null',
          AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
          AWS_DEFAULT_REGION: 'us-east-1',
          AWS_PAGER: '',
          AWS_EC2_METADATA_DISABLED: 'true',
          ...env,
        },
        timeout: 60_000,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        // A client that could not start at all (ENOENT: not installed) says so, instead of
        // failing with an empty stderr.
        const why =
          error && typeof error.code === 'string'
            ? `${file} could not run: ${error.message}\n`
            : '';
        done({ code, stdout, stderr: why + stderr });
      },
    );
  });
}

/** `/usr/bin/aws` (Debian's awscli v2), never a pyenv `aws` found on PATH. */
export function aws(
  server: Server,
  args: string[],
  env: Record<string, string> = ADMIN_ENV,
): Promise<RunResult> {
  return run('/usr/bin/aws', [...args, '--endpoint-url', server.url, '--output', 'json'], env);
}

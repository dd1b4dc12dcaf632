import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type Server } from '../../src/local/serve.ts';

const ROOT = resolve(import.meta.dirname, '../..');
// Answers its path, and under /ip the client address rolecall's Worker would see.
const WORKER = `import { clientIp } from ${JSON.stringify(join(ROOT, 'src/routes/client-ip.ts'))};
export default {
  fetch(r: Request, env: any) {
    const path = new URL(r.url).pathname;
    return new Response(path.startsWith('/ip') ? String(clientIp(r, env)) : 'worker ' + path);
  },
};`;

/** The client address the Worker sees, for a request that sends `forged` (or nothing). */
async function seenIp(server: Server, forged?: string, path = '/ip'): Promise<string> {
  const res = await fetch(server.url + path, {
    headers: forged === undefined ? {} : { 'CF-Connecting-IP': forged },
  });
  return res.text();
}

/**
 * One HTTP/1.1 request written to the socket as given (fetch would not send a malformed Host), and
 * the status line and body of the answer.
 */
function rawRequest(
  server: Server,
  head: string,
): Promise<{ status: number; head: string; body: string }> {
  const { hostname, port } = new URL(server.url);
  return new Promise((done, fail) => {
    const socket = connect(Number(port), hostname, () => socket.write(head + '\r\n'));
    let text = '';
    socket.on('data', (d: Buffer) => (text += d.toString()));
    socket.on('error', fail);
    socket.on('end', () => {
      const [head, body = ''] = text.split('\r\n\r\n');
      done({ status: Number(head!.split(' ')[1]), head: head!, body });
    });
  });
}

/** Hosts that make no URL: the socket answers them 400, never a 500. */
const BAD_HOSTS = ['Host: a b', 'Host: [::1', 'Host: example.com:99999', 'Host: a\r\nHost: b'];

async function expectBadHostsRefused(server: Server, path: string): Promise<void> {
  for (const host of BAD_HOSTS) {
    const answer = await rawRequest(
      server,
      `GET ${path} HTTP/1.1\r\n${host}\r\nConnection: close\r\n`,
    );
    expect(answer.status, host).toBe(400);
    expect(JSON.parse(answer.body).error.code, host).toBe('InvalidHostHeader');
    expect(answer.head, host).toMatch(/^x-content-type-options: nosniff$/im);
  }
  // A well-formed Host still reaches the Worker.
  const ok = await rawRequest(
    server,
    `GET ${path} HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n`,
  );
  expect(ok.status).toBe(200);
}

/**
 * A CONNECT request: workerd answers it 200 before any handler runs, and without a connect()
 * handler then logs an uncaught exception and answers 500. The entry's handler closes the tunnel:
 * nothing passes through it, and the socket serves the next connection as before.
 */
async function expectNoTunnel(server: Server): Promise<void> {
  const { host } = new URL(server.url);
  const answer = await rawRequest(server, `CONNECT ${host} HTTP/1.1\r\nHost: ${host}\r\n`);
  expect(answer.status).not.toBe(500);
  expect(answer.body).toBe('');
  expect((await fetch(server.url + '/health')).status).toBe(200);
}

describe('the npm start server with [assets] (src/local/serve.ts)', () => {
  let dir: string;
  let server: Server;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rolecall-serve-'));
    await mkdir(join(dir, 'public/docs'), { recursive: true });
    await writeFile(join(dir, 'public/index.html'), '<p>home</p>');
    await writeFile(join(dir, 'public/docs/page.html'), '<p>page</p>');
    await writeFile(join(dir, 'public/app.js'), 'console.log(1)');
    await mkdir(join(dir, 'public/api'), { recursive: true });
    await writeFile(join(dir, 'public/api/index.html'), '<p>shadowed by the Worker</p>');
    await writeFile(join(dir, 'worker.ts'), WORKER);
    await writeFile(
      join(dir, 'wrangler.toml'),
      [
        'name = "serve-test"',
        'main = "worker.ts"',
        'compatibility_date = "2026-11-01"',
        '[assets]',
        'directory = "public"',
        'run_worker_first = ["/api/*", "/app.js"]',
      ].join('\n'),
    );
    server = await startServer({ config: join(dir, 'wrangler.toml'), port: 0, persist: false });
  });

  afterAll(async () => {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it.each([
    ['/', 200, '<p>home</p>'],
    ['/docs/page', 200, '<p>page</p>'],
    ['/docs/page.html', 307, ''],
    ['/app.js', 200, 'worker /app.js'],
    ['/api/users', 200, 'worker /api/users'],
    ['/health', 200, 'worker /health'],
    ['/docs/', 200, 'worker /docs/'],
    ['/%64ocs/page', 307, ''],
    ['/index.html', 307, ''],
    ['/api/index.html', 200, 'worker /api/index.html'],
  ])('%s answers as wrangler dev does (%i)', async (path, status, body) => {
    const res = await fetch(server.url + path, { redirect: 'manual' });
    expect(res.status).toBe(status);
    expect(await res.text()).toBe(body);
  });

  it('sets the client address itself: a client cannot choose it with CF-Connecting-IP', async () => {
    expect(await seenIp(server)).toBe('127.0.0.1');
    expect(await seenIp(server, '198.51.100.7')).toBe('127.0.0.1');
    // A percent-encoded path goes through Miniflare's asset router to the Worker: the same.
    expect(await seenIp(server, '198.51.100.7', '/ip%2Dx')).toBe('127.0.0.1');
  });

  it('answers a Host header that names no host 400, before the router or the Worker', async () => {
    await expectBadHostsRefused(server, '/health');
    await expectBadHostsRefused(server, '/');
  });

  it('closes a CONNECT tunnel at once, never a 500', () => expectNoTunnel(server));
});

describe('the npm start server without [assets]', () => {
  it('sets the client address itself too, and refuses a Host that names no host', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rolecall-serve-'));
    await writeFile(join(dir, 'worker.ts'), WORKER);
    await writeFile(
      join(dir, 'wrangler.toml'),
      ['name = "serve-test"', 'main = "worker.ts"', 'compatibility_date = "2026-11-01"'].join('\n'),
    );
    const server = await startServer({
      config: join(dir, 'wrangler.toml'),
      port: 0,
      persist: false,
    });
    try {
      expect(await seenIp(server)).toBe('127.0.0.1');
      expect(await seenIp(server, '198.51.100.7')).toBe('127.0.0.1');
      await expectBadHostsRefused(server, '/health');
      await expectNoTunnel(server);
    } finally {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('npm start', () => {
  it('serves on PORT and stops cleanly on SIGTERM (exit code 0)', async () => {
    const state = await mkdtemp(join(tmpdir(), 'rolecall-start-'));
    const port = 20000 + Math.floor(Math.random() * 20000);
    const child = spawn(process.execPath, [join(ROOT, 'src/local/start.ts')], {
      cwd: ROOT,
      env: { ...process.env, PORT: String(port), ROLECALL_STATE: state },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const listening = await new Promise<string>((done, fail) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('listening on')) done(out);
        });
        child.on('exit', (code) => fail(new Error(`exited ${code}: ${out}`)));
      });
      expect(listening).toContain(`http://127.0.0.1:${port}`);
      const res = await fetch(`http://127.0.0.1:${port}/health`);
      expect(await res.json()).toEqual({ ok: true });
      const exited = new Promise<number | null>((done) => child.on('exit', done));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await rm(state, { recursive: true, force: true });
    }
  });
});

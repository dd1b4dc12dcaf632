/**
 * The local server behind `npm start`, the e2e tests and the HTTP benchmarks: the Worker bundled
 * with esbuild and run by Miniflare's API in workerd, bound directly to the listening socket. No
 * dev proxy in front, no per-request log round trip to Node, no live reload (`npm run dev` is
 * `wrangler dev` for that). Everything is derived from wrangler.toml the way wrangler derives it
 * (`unstable_getMiniflareWorkerOptions`, then Miniflare's `convertV4MiniflareOptions`), and the
 * state folder is wrangler's (`.wrangler/state/v3` beside wrangler.toml), so `npm start` and
 * `npm run dev` share KV and Durable Object data.
 */
import { dirname, resolve } from 'node:path';
import { build } from 'esbuild';
import { convertV4MiniflareOptions, Log, LogLevel, Miniflare } from 'miniflare';
import type { V4WorkerOptions } from 'miniflare';
import { unstable_getMiniflareWorkerOptions, unstable_readConfig } from 'wrangler';
import type { Unstable_Config } from 'wrangler';
import { DIRECT_EXPORT, entrySource, ROUTER_BINDING, type AssetOptions } from './asset-front.ts';
import { announce, claimState, releaseState } from './state-claim.ts';

export interface ServeOptions {
  /** wrangler.toml to read bindings, vars, migrations, assets and compatibility settings from. */
  config?: string;
  /** A wrangler environment (`[env.NAME]`); the top level when absent. */
  env?: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /**
   * Miniflare's state folder: `.wrangler/state/v3` beside wrangler.toml by default (what `wrangler
   * dev` and `npm run seed` use); false keeps state in memory only. A folder is claimed for the
   * server's lifetime (src/local/state-claim.ts): starting a second server on it throws StateInUse.
   */
  persist?: string | false;
  /** Chrome DevTools inspector port for the Worker (profiling); none when absent. */
  inspectorPort?: number;
  /** Entry module instead of wrangler.toml's `main` (the benchmark's hello-world Worker). */
  main?: string;
  /** Vars over wrangler.toml's (the HTTP benchmark's `RATE_LIMITS = "off"`). */
  vars?: Record<string, string>;
  /**
   * Rate limit bindings over wrangler.toml's, by binding name (the tests serve with the public
   * deployment's limits: `productionRateLimits`).
   */
  ratelimits?: Record<string, RateLimitOptions>;
}

/** One `[[ratelimits]]` binding as Miniflare takes it. */
export type RateLimitOptions = NonNullable<V4WorkerOptions['ratelimits']>[string];

/**
 * The rate limit bindings of wrangler.toml's `[env.production]` (the public deployment), by name:
 * the local top level has generous ones (docs/security.md), and the tests check the public ones.
 */
export function productionRateLimits(
  config = resolve(ROOT, 'wrangler.toml'),
): Record<string, RateLimitOptions> {
  const parsed = unstable_readConfig({ config, env: 'production' });
  return Object.fromEntries(
    parsed.ratelimits.map(
      ({ name, namespace_id, simple }: Unstable_Config['ratelimits'][number]) => [
        name,
        { namespace_id, simple },
      ],
    ),
  );
}

export interface Server {
  url: string;
  stop(): Promise<void>;
}

const ROOT = resolve(import.meta.dirname, '../..');

/**
 * One ES module bundle of the entry, as wrangler builds it for workerd (no minify, `define`
 * applied), wrapped by src/local/asset-front.ts.
 */
async function bundle(
  entry: string,
  define: Record<string, string>,
  assets: AssetOptions | undefined,
): Promise<string> {
  const out = await build({
    stdin: {
      contents: entrySource(entry, assets),
      resolveDir: dirname(entry),
      sourcefile: 'serve-entry.js',
      loader: 'js',
    },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    target: 'es2024',
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['browser', 'module', 'main'],
    // Runtime modules: workerd provides them (`nodejs_compat` for node:*).
    external: ['cloudflare:*', 'node:*'],
    define,
    logLevel: 'error',
  });
  return out.outputFiles[0].text;
}

/** Starts the Worker of `config` on a real socket; resolves once it answers. */
export async function startServer(options: ServeOptions = {}): Promise<Server> {
  const config = resolve(options.config ?? resolve(ROOT, 'wrangler.toml'));
  const configDir = dirname(config);
  const parsed = unstable_readConfig({ config, env: options.env });
  const wrangler = unstable_getMiniflareWorkerOptions(parsed, options.env);
  const main = options.main ?? wrangler.main;
  if (main === undefined) throw new Error(`${config}: no "main" entry`);
  const entry = resolve(configDir, main);
  const assets = (wrangler.workerOptions as { assets?: AssetOptions }).assets;
  const script = await bundle(entry, wrangler.define, assets);
  const persist =
    options.persist === false
      ? undefined
      : resolve(options.persist ?? resolve(configDir, '.wrangler/state/v3'));
  const worker: V4WorkerOptions = {
    ...(wrangler.workerOptions as V4WorkerOptions),
    bindings: { ...(wrangler.workerOptions as V4WorkerOptions).bindings, ...options.vars },
    ratelimits: {
      ...(wrangler.workerOptions as V4WorkerOptions).ratelimits,
      ...options.ratelimits,
    },
    // wrangler's worker name: Durable Object state folders are keyed by it.
    name: parsed.name ?? 'worker',
    // Module paths are relative to modulesRoot, which workerd will not leave.
    modulesRoot: dirname(entry),
    modules: [
      { type: 'ESModule', path: entry.replace(/\.[mc]?[jt]sx?$/, '.js'), contents: script },
    ],
  };
  // The socket is bound to the Worker itself (no Miniflare entry Worker), through its DIRECT_EXPORT
  // handler: it sets the client's address (CF-Connecting-IP) and, with assets, keeps asset paths on
  // Miniflare's router.
  const entrypoint = DIRECT_EXPORT;
  worker.unsafeDirectSockets = [
    { host: options.host ?? '127.0.0.1', port: options.port ?? 8787, entrypoint },
  ];
  if (assets !== undefined) {
    // Without an entrypoint, Miniflare routes a binding to a Worker with assets via its router.
    worker.serviceBindings = { ...worker.serviceBindings, [ROUTER_BINDING]: worker.name! };
  }
  // A persisted folder is served by one process at a time (src/local/state-claim.ts); the claim
  // carries the admin token `npm run seed` applies documents with (/admin/v1/apply, docs/seeding.md).
  const configured = worker.bindings?.ADMIN_TOKEN;
  const claim =
    persist === undefined
      ? undefined
      : claimState(persist, typeof configured === 'string' ? configured : undefined);
  if (claim !== undefined) worker.bindings = { ...worker.bindings, ADMIN_TOKEN: claim.adminToken };
  const release = () => {
    if (persist !== undefined && claim !== undefined) releaseState(persist, claim);
  };
  let mf: Miniflare;
  try {
    mf = new Miniflare(
      convertV4MiniflareOptions({
        // Miniflare's own entry socket: on a free loopback port, unused by clients.
        host: '127.0.0.1',
        port: 0,
        log: new Log(LogLevel.WARN),
        // The placeholder `request.cf`: no fetch of Cloudflare's cf object at startup.
        cf: false,
        logRequests: false,
        inspectorPort: options.inspectorPort,
        resourcePersistencePath: persist,
        resourceTmpPath: resolve(configDir, '.wrangler/tmp'),
        workers: [worker, ...(wrangler.externalWorkers as V4WorkerOptions[])],
      }),
    );
  } catch (error) {
    release();
    throw error;
  }
  try {
    await mf.ready;
    const url = (await mf.unsafeGetDirectURL(worker.name, entrypoint)).href.replace(/\/$/, '');
    if (persist !== undefined && claim !== undefined) announce(persist, { ...claim, url });
    return {
      url,
      async stop() {
        await mf.dispose();
        release();
      },
    };
  } catch (error) {
    await mf.dispose();
    release();
    throw error;
  }
}

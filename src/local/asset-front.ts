/**
 * With `[assets]`, Miniflare puts three Workers in front of the user Worker on every request (an
 * RPC proxy, the asset router, and the asset Worker hashing the path to look it up): about 0.6 ms
 * of CPU per request on the local server, for API calls that are never assets (on Cloudflare that
 * routing is not the Worker's CPU). The bundle's entry wrapper keeps the router's answers and skips
 * its cost: a path that `run_worker_first` sends to the Worker goes to the Worker; a path that its
 * negative patterns send to the assets, or that could name a file of the assets directory (under
 * any html_handling spelling), goes to the router exactly as before; any other path is one the
 * router would hand to the Worker, so the Worker gets it directly. When the configuration gives the router work beyond matching files
 * (`not_found_handling`, `_redirects`, `_headers`), every request goes through the router.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { LOCAL_CLIENT_IP } from '../routes/client-ip.ts';

export interface AssetOptions {
  directory: string;
  assetConfig?: { not_found_handling?: string };
  routerConfig?: { static_routing?: { asset_worker?: string[]; user_worker?: string[] } };
}

/**
 * The named export the socket is bound to (it also sets the client's address, CF-Connecting-IP,
 * which Cloudflare's edge sets in production and which a local client must not choose), and the
 * binding through which it reaches the router.
 */
export const DIRECT_EXPORT = '__local_direct';
export const ROUTER_BINDING = '__LOCAL_ASSET_ROUTER';

/** Every request path that may name a file of `directory` (leading slash). */
function candidatePaths(directory: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) {
        walk(full);
        continue;
      }
      const path = '/' + relative(directory, full).split(sep).join('/');
      out.push(path);
      // html_handling spellings: /a/b.html as /a/b and /a/b/, /a/index.html as /a/, /a and /a/index.
      if (path.endsWith('/index.html')) {
        const dirPath = path.slice(0, -'index.html'.length);
        out.push(dirPath, dirPath.slice(0, -1) || '/', path.slice(0, -'.html'.length));
      } else if (path.endsWith('.html')) {
        const bare = path.slice(0, -'.html'.length);
        out.push(bare, bare + '/');
      }
    }
  };
  if (existsSync(directory)) walk(directory);
  return out;
}

/** A run_worker_first pattern as a regular expression source: `*` is any run of characters. */
function globSource(glob: string): string {
  return '^' + glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*') + '$';
}

/**
 * Source of the bundle's entry: the Worker's module re-exported as it is, plus (with assets)
 * DIRECT_EXPORT, the handler the socket is bound to.
 */
export function entrySource(entry: string, assets: AssetOptions | undefined): string {
  const path = JSON.stringify(entry);
  const head =
    `export * from ${path};\nimport worker from ${path};\nexport default worker;\n` +
    `
// The client's address as the Worker knows it (src/routes/client-ip.ts): no client chooses it.
// workerd's socket does not tell the peer's address, so every client (loopback or LAN) is one. A
// request handed to the Worker here carries it in env (LOCAL_CLIENT_IP, in one copy of env made
// once: copying each request to set a header cost about 20 us of CPU per request); one handed to
// the router, which calls the Worker with its own env, carries it in CF-Connecting-IP.
const LOCAL_ENVS = new WeakMap();
function localEnv(env) {
  let local = LOCAL_ENVS.get(env);
  if (local === undefined) {
    local = { ...env, LOCAL_CLIENT_IP: ${JSON.stringify(LOCAL_CLIENT_IP)} };
    LOCAL_ENVS.set(env, local);
  }
  return local;
}
// workerd makes the request's URL from the client's Host header as sent: a Host that names no host
// (\`a b\`, \`[::1\`, a port past 65535, two Host headers) leaves a URL nothing can parse, and whatever
// reads it throws (a 500). Cloudflare's edge refuses such a request before any Worker; so does this
// socket: a JSON 400, as the Worker's routes answer what they cannot read.
function badHost() {
  return Response.json(
    { error: { code: 'InvalidHostHeader', message: 'The Host header does not name a host.' } },
    { status: 400, headers: { 'X-Content-Type-Options': 'nosniff' } },
  );
}
// A CONNECT request is handed to the entry's connect() handler, after workerd has answered it 200
// (the tunnel's status is workerd's, not a handler's); without one, workerd logs an uncaught
// exception and answers 500. The Worker serves HTTP only: the tunnel is closed at once, nothing
// passes through it.
function refuseConnect(socket) {
  return socket.close();
}
function fromClient(request) {
  const headers = new Headers(request.headers);
  headers.set('cf-connecting-ip', ${JSON.stringify(LOCAL_CLIENT_IP)});
  return new Request(request, { headers });
}
`;
  if (assets === undefined) {
    return (
      head +
      `export const ${DIRECT_EXPORT} = {
  connect: refuseConnect,
  fetch(request, env, ctx) {
    if (!URL.canParse(request.url)) return badHost();
    return worker.fetch(request, localEnv(env), ctx);
  },
};
`
    );
  }
  const handling = assets.assetConfig?.not_found_handling;
  const everything =
    (handling !== undefined && handling !== 'none') ||
    ['_redirects', '_headers'].some((f) => existsSync(join(assets.directory, f)));
  const paths = everything ? [] : candidatePaths(assets.directory);
  const routing = assets.routerConfig?.static_routing;
  const toAssets = (routing?.asset_worker ?? []).map(globSource);
  const toWorker = (routing?.user_worker ?? []).map(globSource);
  return (
    head +
    `
const EVERYTHING = ${everything};
const PATHS = new Set(${JSON.stringify(paths)});
const TO_ASSETS = ${JSON.stringify(toAssets)}.map((g) => new RegExp(g));
const TO_WORKER = ${JSON.stringify(toWorker)}.map((g) => new RegExp(g));
function viaRouter(pathname) {
  // Percent-encoded paths are left to the router's own decoding.
  if (EVERYTHING || pathname.includes('%') || typeof worker?.fetch !== 'function') return true;
  // The router's order: negative run_worker_first patterns (assets), then run_worker_first (the
  // Worker), then a matching file.
  if (TO_ASSETS.some((g) => g.test(pathname))) return true;
  if (TO_WORKER.some((g) => g.test(pathname))) return false;
  return PATHS.has(pathname);
}
export const ${DIRECT_EXPORT} = {
  connect: refuseConnect,
  fetch(request, env, ctx) {
    const url = URL.parse(request.url);
    if (url === null) return badHost();
    return viaRouter(url.pathname)
      ? env.${ROUTER_BINDING}.fetch(fromClient(request))
      : worker.fetch(request, localEnv(env), ctx);
  },
};
`
  );
}

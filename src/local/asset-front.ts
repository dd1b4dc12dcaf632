/**
 * With `[assets]`, Miniflare puts three Workers in front of the user Worker on every request (an
 * RPC proxy, the asset router, and the asset Worker hashing the path to look it up): about 0.6 ms
 * of CPU per request on the local server, for API calls that are never assets (on Cloudflare that
 * routing is not the Worker's CPU). The bundle's entry wrapper keeps the router's answers and skips
 * its cost: a request whose path could name a file of the assets directory (under any
 * html_handling spelling), or that static routing sends to the assets, goes to the router exactly
 * as before; any other path is one the router would hand to the Worker, so the Worker gets it
 * directly. When the configuration gives the router work beyond matching files
 * (`not_found_handling`, `_redirects`, `_headers`), every request goes through the router.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

export interface AssetOptions {
  directory: string;
  assetConfig?: { not_found_handling?: string };
  routerConfig?: { static_routing?: { asset_worker?: string[] } };
}

/** The named export the socket is bound to, and the binding through which it reaches the router. */
export const DIRECT_EXPORT = '__local_direct';
export const ROUTER_BINDING = '__LOCAL_ASSET_ROUTER';

/** Every request path that may name a file of `directory` (decoded, leading slash). */
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

/**
 * Source of the bundle's entry: the Worker's module re-exported as it is, plus (with assets)
 * DIRECT_EXPORT, the handler the socket is bound to.
 */
export function entrySource(entry: string, assets: AssetOptions | undefined): string {
  const path = JSON.stringify(entry);
  const head = `export * from ${path};\nimport worker from ${path};\nexport default worker;\n`;
  if (assets === undefined) return head;
  const handling = assets.assetConfig?.not_found_handling;
  const everything =
    (handling !== undefined && handling !== 'none') ||
    ['_redirects', '_headers'].some((f) => existsSync(join(assets.directory, f)));
  const paths = everything ? [] : candidatePaths(assets.directory);
  const globs = (assets.routerConfig?.static_routing?.asset_worker ?? []).map(
    (g) => '^' + g.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*') + '$',
  );
  return (
    head +
    `
const EVERYTHING = ${everything};
const PATHS = new Set(${JSON.stringify(paths)});
const GLOBS = ${JSON.stringify(globs)}.map((g) => new RegExp(g));
function viaRouter(pathname) {
  if (EVERYTHING || typeof worker?.fetch !== 'function') return true;
  let path = pathname;
  try { path = decodeURIComponent(pathname); } catch {}
  return PATHS.has(path) || PATHS.has(pathname) || GLOBS.some((g) => g.test(path));
}
export const ${DIRECT_EXPORT} = {
  fetch(request, env, ctx) {
    return viaRouter(new URL(request.url).pathname)
      ? env.${ROUTER_BINDING}.fetch(request)
      : worker.fetch(request, env, ctx);
  },
};
`
  );
}

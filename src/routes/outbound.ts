import { Hono } from 'hono/tiny';
import type { Env } from '../env.ts';
import { Errors } from '../protocol/errors.ts';
import { OUTBOUND_ID, outboundDiscovery, outboundIssuer } from '../oidc/outbound.ts';
import { publicJwks } from '../oidc/signing-keys.ts';
import { KvWebIdentityStore } from '../store/web-identity.ts';
import { jsonErrors } from './errors.ts';

/**
 * The outbound issuers' public documents, mounted at /outbound (IAM API Reference,
 * EnableOutboundWebIdentityFederation: the issuer hosts `/.well-known/openid-configuration` and
 * `/.well-known/jwks.json`). An id no account holds answers 404. Unauthenticated, read-only, and
 * one KV read each.
 */
export const outboundRoutes = new Hono<{ Bindings: Env }>();
outboundRoutes.onError(jsonErrors);

function notFound(path: string): never {
  throw Errors.routeNotFound('GET', path);
}

outboundRoutes.get('/:id/.well-known/openid-configuration', async (c) => {
  const id = c.req.param('id');
  const url = new URL(c.req.url);
  if (!OUTBOUND_ID.test(id)) return notFound(url.pathname);
  const store = new KvWebIdentityStore(c.env.IAM);
  if ((await store.accountOfOutboundIssuer(id)) === null) return notFound(url.pathname);
  c.header('Cache-Control', 'public, max-age=300');
  return c.json(
    outboundDiscovery(
      outboundIssuer({ host: url.host, secureTransport: url.protocol === 'https:' }, id),
    ),
  );
});

outboundRoutes.get('/:id/.well-known/jwks.json', async (c) => {
  const id = c.req.param('id');
  const url = new URL(c.req.url);
  if (!OUTBOUND_ID.test(id)) return notFound(url.pathname);
  const store = new KvWebIdentityStore(c.env.IAM);
  const account = await store.accountOfOutboundIssuer(id);
  if (account === null) return notFound(url.pathname);
  c.header('Cache-Control', 'public, max-age=60');
  return c.json(publicJwks(await store.getKeyRing(account, 'outbound')));
});

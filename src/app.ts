import { Hono } from 'hono/tiny';
import type { Env } from './env.ts';
import type { Service } from './protocol/xml.ts';
import { adminRoutes } from './routes/admin.ts';
import { authzenRoutes } from './routes/authzen.ts';
import { oidcRoutes } from './routes/oidc.ts';
import { oidcRunnerRoutes } from './routes/oidc-runner.ts';
import { outboundRoutes } from './routes/outbound.ts';
import { demoRoutes, pageRoutes } from './routes/demo.ts';
import { jsonErrors, routeNotFound } from './routes/errors.ts';
import { withRateLimits } from './routes/limits.ts';
import { queryRoutes } from './routes/query.ts';
import { simulateRoutes } from './routes/simulate.ts';

export const app = new Hono<{
  Bindings: Env;
  Variables: { service: Service; requestId: string };
}>();

app.get('/health', (c) => c.json({ ok: true }));
app.route('/v1/simulate', simulateRoutes);
app.route('/admin/v1', adminRoutes);
app.route('/oidc', oidcRoutes);
app.route('/oidc', oidcRunnerRoutes);
app.route('/outbound', outboundRoutes);
app.route('/demo/v1', demoRoutes);
app.route('/', authzenRoutes);
app.route('/', pageRoutes);
app.route('/', queryRoutes);

// Each route group renders its own errors (src/routes/errors.ts): the query API as AWS XML, the
// JSON APIs as `{ error: { code, message } }`. What reaches the root is a JSON API's (or a bug's).
app.onError(jsonErrors);
app.notFound(routeNotFound);

type Fetch = (request: Request, env: Env, ctx?: ExecutionContext) => Response | Promise<Response>;

/**
 * Every answer says `X-Content-Type-Options: nosniff`: JSON and XML answers echo what requests sent
 * (names, ids, messages), and a browser must never read one as a script, a style sheet or HTML.
 * AWS's STS and IAM do not send it (their answers carry Content-Type, Content-Length, Date and
 * x-amzn-RequestId); AWS clients ignore a header they do not read, so adding it breaks none.
 */
export function withNosniff(fetch: Fetch): Fetch {
  return async (request, env, ctx) => {
    const response = await fetch(request, env, ctx);
    try {
      response.headers.set('X-Content-Type-Options', 'nosniff');
      return response;
    } catch {
      // Immutable headers (a response passed through as fetched): a copy takes the header.
      const copy = new Response(response.body, response);
      copy.headers.set('X-Content-Type-Options', 'nosniff');
      return copy;
    }
  };
}

/**
 * The Worker's fetch handler: the routes, behind the per-client-IP limits of requests without
 * credentials and of failed authentications (src/routes/limits.ts, docs/security.md), every answer
 * with `nosniff` (the throttled ones too).
 */
export const worker = { fetch: withNosniff(withRateLimits(app.fetch)) };

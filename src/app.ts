import { Hono } from 'hono';
import type { Env } from './env.ts';
import { AwsError, Errors } from './protocol/errors.ts';
import { renderError, type Service } from './protocol/xml.ts';
import { adminRoutes } from './routes/admin.ts';
import { authzenRoutes } from './routes/authzen.ts';
import { oidcRoutes } from './routes/oidc.ts';
import { oidcRunnerRoutes } from './routes/oidc-runner.ts';
import { outboundRoutes } from './routes/outbound.ts';
import { demoRoutes, pageRoutes } from './routes/demo.ts';
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

/**
 * The one place errors become responses: AwsError renders as AWS's XML envelope (query APIs) or as
 * `{ error: { code, message } }` (JSON APIs under /v1 and /admin). Anything else is a bug: logged,
 * answered InternalFailure 500, never with its details.
 */
app.onError((err, c) => {
  const known = err instanceof AwsError;
  if (!known) console.error('unhandled error', err);
  const error = known ? err : Errors.internalFailure();
  const path = new URL(c.req.url).pathname;
  if (path.startsWith('/v1/') || path.startsWith('/admin/') || path.startsWith('/demo/')) {
    return c.json({ error: { code: error.code, message: error.message } }, error.status as 400);
  }
  const requestId = c.get('requestId') ?? crypto.randomUUID();
  return c.body(renderError(c.get('service') ?? 'sts', error, requestId), error.status as 400, {
    'Content-Type': 'text/xml',
    'x-amzn-RequestId': requestId,
  });
});

app.notFound((c) =>
  c.json(
    {
      error: {
        code: 'NotFound',
        message: `No route for ${c.req.method} ${new URL(c.req.url).pathname}`,
      },
    },
    404,
  ),
);

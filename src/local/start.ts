/**
 * `npm start`: serves the Worker on 127.0.0.1:8787 (PORT, HOST and ROLECALL_STATE override the port,
 * the address and the state folder) until SIGINT or SIGTERM. See src/local/serve.ts.
 */
import { startServer } from './serve.ts';
import { StateInUse } from './state-claim.ts';

const port = Number(process.env.PORT ?? 8787);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be a port number, got ${process.env.PORT}`);
  process.exit(2);
}
const started = performance.now();
const server = await startServer({
  host: process.env.HOST ?? '127.0.0.1',
  port,
  persist: process.env.ROLECALL_STATE,
}).catch((e: unknown) => {
  if (!(e instanceof StateInUse)) throw e;
  console.error(e.message);
  process.exit(1);
});
console.log(`rolecall listening on ${server.url} (${Math.round(performance.now() - started)} ms)`);

let stopping = false;
async function stop(signal: NodeJS.Signals): Promise<void> {
  if (stopping) return;
  stopping = true;
  await server.stop();
  console.log(`rolecall stopped (${signal})`);
  process.exit(0);
}
// Miniflare's own exit hook kills workerd and exits 130/143 at once; this process owns the server,
// so it disposes it and exits 0 (Miniflare's 'exit' hook stays as the safety net).
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.removeAllListeners(signal);
  process.on(signal, stop);
}

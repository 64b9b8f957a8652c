// Baseline for the benchmarks: a bare Hono app on @hono/node-server. Its report route only parses the JSON
// body (what any Hono JSON endpoint costs on this machine; the ingest and Docker benches compare ingest to
// it), and /bench/answer serves whatever body was last PUT there as it is (what sending an answer of that
// size costs once it is serialised; the state bench compares GET /api/state to it).
// Started as a child process with PORT set; stops on SIGTERM.
import { serve } from '@hono/node-server';
import { PATHS } from '@pulse/shared';
import { Hono } from 'hono';

const port = Number(process.env.PORT);
if (!Number.isInteger(port) || port <= 0) {
  process.stderr.write('bare-server: set PORT\n');
  process.exit(1);
}

const app = new Hono();
app.get('/api/health', (c) => c.json({ status: 'ok' }));
app.post(PATHS.hostReport, async (c) => {
  await c.req.json();
  return c.json({ success: true });
});
// Kept as bytes, so that serving it is a copy to the socket and nothing else.
let answer = new Uint8Array(Buffer.from('{}'));
app.put('/bench/answer', async (c) => {
  answer = new Uint8Array(await c.req.arrayBuffer());
  return c.body(null, 204);
});
app.get('/bench/answer', (c) => c.body(answer, 200, { 'Content-Type': 'application/json' }));

const server = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' });
const stop = () => server.close(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);

// Baseline for the ingest benchmark: a bare Hono app on @hono/node-server whose report route only parses
// the JSON body. It is what any Hono JSON endpoint costs on this machine; the bench compares ingest to it.
// Started as a child process by ingest.bench.ts with PORT set; stops on SIGTERM.
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

const server = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' });
const stop = () => server.close(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);

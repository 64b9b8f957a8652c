// Load generator process (forked by load.ts; config as JSON in argv[2]): the connections take the
// fleet's hosts in turn, each request the next host's report with fresh values.
import { gzipSync } from 'node:zlib';
import { createFleet } from './fleet.ts';
import type { LoadConfig } from './load.ts';
import { runLoadLoop, runWorker } from './load-loop.ts';

runWorker(async () => {
  const config = JSON.parse(process.argv[2] ?? '{}') as LoadConfig;
  const fleet = createFleet(config.hosts);
  const headers: Record<string, string> = { 'content-type': 'application/json', ...config.headers };
  if (config.gzip) headers['content-encoding'] = 'gzip';
  let nextHost = 0;
  await runLoadLoop(config, () => {
    const host = fleet[nextHost++ % fleet.length];
    if (!host) throw new Error('empty fleet');
    const json = host.next(Date.now());
    return { body: config.gzip ? gzipSync(json) : json, headers };
  });
});

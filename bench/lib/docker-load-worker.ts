// Docker report load generator process (forked by docker-load.ts; config as JSON in argv[2]). Connection c
// owns the hosts h with h mod N = c and loops over them: the host's next report (fresh timestamp), posted
// with that host's own token. So a host's reports are sent one at a time, in order, as its agent would.
import { gzipSync } from 'node:zlib';
import { createDockerFleet } from './docker-fleet.ts';
import type { DockerLoadConfig } from './docker-load.ts';
import { runLoadLoop, runWorker } from './load-loop.ts';

runWorker(async () => {
  const config = JSON.parse(process.argv[2] ?? '{}') as DockerLoadConfig;
  const fleet = createDockerFleet(config.hosts, config.containersPerHost, config.seed);
  const connections = Math.min(config.connections, fleet.length);
  const baseHeaders: Record<string, string> = { 'content-type': 'application/json' };
  if (config.gzip) baseHeaders['content-encoding'] = 'gzip';
  const headersOf = fleet.map((_, i) => {
    const token = config.tokens[i];
    return token === undefined ? baseHeaders : { ...baseHeaders, [config.tokenHeader]: token };
  });
  const owned = Array.from({ length: connections }, (_, c) =>
    fleet.map((_, i) => i).filter((i) => i % connections === c),
  );
  await runLoadLoop({ ...config, connections }, (c, k) => {
    const mine = owned[c] ?? [];
    const index = mine[k % mine.length] ?? 0;
    const host = fleet[index];
    if (!host) throw new Error('empty fleet');
    const json = host.next(Date.now());
    return {
      body: config.gzip ? gzipSync(json, { level: 1 }) : json,
      headers: headersOf[index] ?? baseHeaders,
    };
  });
});

// Docker report load generator process (forked by docker-load.ts; config as JSON in argv[2]). N connections
// over an undici Pool, pipelining 1. Connection c owns the hosts h with h mod N = c and loops over them:
// the host's next report (fresh timestamp) → POST with that host's token → read the answer. So a host's
// reports are sent one at a time, in order, as its agent would. Runs warmup, then the measured window, and
// reports latency percentiles and throughput to the parent over IPC.
import { gzipSync } from 'node:zlib';
import { Pool } from 'undici';
import { createDockerFleet } from './docker-fleet.ts';
import type { DockerLoadConfig } from './docker-load.ts';
import type { LoadStats, WorkerMessage } from './load.ts';

function send(msg: WorkerMessage): void {
  process.send?.(msg);
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? 0;
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? '{}') as DockerLoadConfig;
  const fleet = createDockerFleet(config.hosts, config.containersPerHost, config.seed);
  const connections = Math.min(config.connections, fleet.length);
  const pool = new Pool(config.origin, { connections, pipelining: 1 });
  const baseHeaders: Record<string, string> = { 'content-type': 'application/json' };
  if (config.gzip) baseHeaders['content-encoding'] = 'gzip';
  const headersOf = fleet.map((_, i) => {
    const token = config.tokens[i];
    return token === undefined ? baseHeaders : { ...baseHeaders, [config.tokenHeader]: token };
  });

  const ns = (ms: number) => BigInt(Math.round(ms * 1e6));
  const t0 = process.hrtime.bigint();
  const measureStart = t0 + ns(config.warmupMs);
  const measureEnd = measureStart + ns(config.measureMs);

  let latencies = new Float64Array(1 << 14);
  let recorded = 0;
  let lastDone = measureStart;
  let errors = 0;
  const errorSamples: Record<string, number> = {};
  const noteError = (what: string) => {
    errors += 1;
    if (what in errorSamples || Object.keys(errorSamples).length < 8)
      errorSamples[what] = (errorSamples[what] ?? 0) + 1;
  };
  let minBytes = Number.POSITIVE_INFINITY;
  let maxBytes = 0;
  let cpuAtStart: NodeJS.CpuUsage | undefined;
  let cpuUsed: NodeJS.CpuUsage | undefined;
  let cpuStartNs = 0n;
  let cpuWallNs = 0n;

  const startTimer = setTimeout(
    () => {
      cpuAtStart = process.cpuUsage();
      cpuStartNs = process.hrtime.bigint();
      send({ type: 'measure-start' });
    },
    Number(measureStart - process.hrtime.bigint()) / 1e6,
  );
  const endTimer = setTimeout(
    () => {
      cpuUsed = process.cpuUsage(cpuAtStart);
      cpuWallNs = process.hrtime.bigint() - cpuStartNs;
      send({ type: 'measure-end' });
    },
    Number(measureEnd - process.hrtime.bigint()) / 1e6,
  );

  const connection = async (c: number) => {
    const owned = fleet.map((_, i) => i).filter((i) => i % connections === c);
    for (let k = 0; ; k++) {
      if (process.hrtime.bigint() >= measureEnd) return;
      const index = owned[k % owned.length] ?? 0;
      const host = fleet[index];
      if (!host) throw new Error('empty fleet');
      const json = host.next(Date.now());
      const body = config.gzip ? gzipSync(json, { level: 1 }) : json;
      const bytes = Buffer.byteLength(body);
      if (bytes < minBytes) minBytes = bytes;
      if (bytes > maxBytes) maxBytes = bytes;

      const start = process.hrtime.bigint();
      try {
        const res = await pool.request({
          method: 'POST',
          path: config.path,
          headers: headersOf[index],
          body,
        });
        if (res.statusCode >= 200 && res.statusCode < 300) await res.body.dump();
        else noteError(`HTTP ${res.statusCode}: ${(await res.body.text()).slice(0, 300)}`);
      } catch (err) {
        noteError(err instanceof Error ? `${err.name}: ${err.message}` : String(err));
      }
      const done = process.hrtime.bigint();
      if (start >= measureStart) {
        if (recorded === latencies.length) {
          const grown = new Float64Array(latencies.length * 2);
          grown.set(latencies);
          latencies = grown;
        }
        latencies[recorded++] = Number(done - start) / 1e6;
        if (done > lastDone) lastDone = done;
      }
    }
  };

  await Promise.all(Array.from({ length: connections }, (_, c) => connection(c)));
  clearTimeout(startTimer);
  clearTimeout(endTimer);
  await pool.close();

  const sorted = latencies.subarray(0, recorded).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  const windowSeconds = Number(lastDone - measureStart) / 1e9;
  const cpu = cpuUsed ?? process.cpuUsage(cpuAtStart);
  const stats: LoadStats = {
    requests: recorded,
    errors,
    errorSamples,
    requestsPerSecond: windowSeconds > 0 ? recorded / windowSeconds : 0,
    latencyMs: {
      mean: recorded > 0 ? sum / recorded : 0,
      p50: percentile(sorted, 50),
      p90: percentile(sorted, 90),
      p99: percentile(sorted, 99),
      max: sorted[sorted.length - 1] ?? 0,
    },
    generatorCpu: cpuWallNs > 0n ? (cpu.user + cpu.system) / (Number(cpuWallNs) / 1e3) : 0,
    bodyBytes: { min: Number.isFinite(minBytes) ? minBytes : 0, max: maxBytes },
  };
  send({ type: 'result', stats });
  // Stay until the parent stops this process (or goes away), so the result is not raced by the exit.
}

process.on('disconnect', () => process.exit(0));
main().catch((err: unknown) => {
  send({ type: 'failed', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
});

// The measuring loop both load generator processes run (load-worker.ts, docker-load-worker.ts): N
// connections over an undici Pool, pipelining 1, each asking its source for the next request and timing
// its answer; warmup, then the measured window; percentiles, throughput and the generator's own CPU go
// to the parent over IPC.
import { Pool } from 'undici';
import type { LoadStats, WorkerMessage } from './load.ts';

export interface LoopConfig {
  origin: string;
  path: string;
  connections: number;
  warmupMs: number;
  measureMs: number;
}

/** The k-th request of connection c: its body (already gzipped when it should be) and headers. */
export type NextRequest = (
  connection: number,
  k: number,
) => { body: string | Buffer; headers: Record<string, string> };

function send(msg: WorkerMessage): void {
  process.send?.(msg);
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? 0;
}

export async function runLoadLoop(config: LoopConfig, next: NextRequest): Promise<void> {
  const pool = new Pool(config.origin, { connections: config.connections, pipelining: 1 });
  const ns = (ms: number) => BigInt(Math.round(ms * 1e6));
  const t0 = process.hrtime.bigint();
  const measureStart = t0 + ns(config.warmupMs);
  const measureEnd = measureStart + ns(config.measureMs);

  // Latencies of requests started inside the measured window, in ms. Grows by doubling.
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
    for (let k = 0; ; k++) {
      if (process.hrtime.bigint() >= measureEnd) return;
      const { body, headers } = next(c, k);
      const bytes = Buffer.byteLength(body);
      if (bytes < minBytes) minBytes = bytes;
      if (bytes > maxBytes) maxBytes = bytes;

      const start = process.hrtime.bigint();
      try {
        const res = await pool.request({ method: 'POST', path: config.path, headers, body });
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

  await Promise.all(Array.from({ length: config.connections }, (_, c) => connection(c)));
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

/** The worker process's frame: exits with its parent, reports a crash instead of dying silently. */
export function runWorker(main: () => Promise<void>): void {
  process.on('disconnect', () => process.exit(0));
  main().catch((err: unknown) => {
    send({ type: 'failed', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  });
}

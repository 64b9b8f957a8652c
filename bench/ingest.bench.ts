// Host report ingest throughput: the real server (POST /api/agents/host/report, ~2.7 KB reports from a
// 200-host fleet, 50 connections over loopback) against a bare Hono route that only parses the same JSON,
// in the same run. Prints both, their ratio, latency percentiles, CPU and RSS, and writes
// bench/results/ingest.json. It measures and reports; it fails only when requests fail, never on timings.
//
// Environment: BENCH_SECONDS (measured seconds per line, default 8), BENCH_WARMUP_SECONDS (default 2),
// BENCH_CONNECTIONS (50), BENCH_HOSTS (200), BENCH_CPU_PROF=<dir> (run the server with --cpu-prof).
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { HEADERS, HostReport, PATHS } from '@pulse/shared';
import { envNumber } from './lib/figures.ts';
import { createFleet } from './lib/fleet.ts';
import { type LoadConfig, type LoadResult, runLoad } from './lib/load.ts';
import { atExit, rssMiB, type Service, startBareServer, startPulseServer } from './lib/proc.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RESULTS = join(ROOT, 'bench', 'results', 'ingest.json');

/** The aim; printed for information only, it does not decide the exit code. */
const AIM = { ofBarePercent: 60, p99Ms: 50 };

interface Line {
  name: string;
  result: LoadResult;
  /** Requests/s relative to the bare route, in percent; undefined for the bare route itself. */
  ofBare?: number;
  /** Resident set size of the target right after the line, in MiB. */
  rss: number | undefined;
}

/** Cores busy on the machine outside the target and the generator (this runner, other work, steal). */
function otherCpu(r: LoadResult): number | undefined {
  if (r.machineCpu === undefined || r.targetCpu === undefined) return undefined;
  return Math.max(0, r.machineCpu - r.targetCpu - r.generatorCpu);
}

const fixed = (n: number | undefined, digits: number) => (n === undefined ? 'n/a' : n.toFixed(digits));

function table(lines: Line[]): string {
  const head = [
    'target',
    'req/s',
    'of bare',
    'p50 ms',
    'p90 ms',
    'p99 ms',
    'max ms',
    'errors',
    'srv CPU',
    'gen CPU',
    'other CPU',
    'srv RSS MiB',
  ];
  const rows = lines.map(({ name, result: r, ofBare, rss }) => [
    name,
    r.requestsPerSecond.toFixed(0),
    ofBare === undefined ? '-' : `${ofBare.toFixed(1)} %`,
    r.latencyMs.p50.toFixed(2),
    r.latencyMs.p90.toFixed(2),
    r.latencyMs.p99.toFixed(2),
    r.latencyMs.max.toFixed(1),
    String(r.errors),
    fixed(r.targetCpu, 2),
    r.generatorCpu.toFixed(2),
    fixed(otherCpu(r), 2),
    fixed(rss, 0),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const fmt = (row: string[]) =>
    row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ');
  return [fmt(head), fmt(widths.map((w) => '-'.repeat(w))), ...rows.map(fmt)].join('\n');
}

interface FleetSeen {
  hosts: number;
  online: number;
  withRates: number;
}

/** What the live state holds after the load: shows that the fleet went through the whole ingest path. */
async function fleetInState(origin: string, headers: Record<string, string>): Promise<FleetSeen> {
  const res = await fetch(`${origin}/api/state`, { headers, signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`GET /api/state answered ${res.status}`);
  const body: unknown = await res.json();
  const list = typeof body === 'object' && body !== null && 'hosts' in body ? body.hosts : undefined;
  const hosts = Array.isArray(list) ? (list as unknown[]) : [];
  const field = (h: unknown, key: string): unknown =>
    typeof h === 'object' && h !== null && key in h ? (h as Record<string, unknown>)[key] : undefined;
  return {
    hosts: hosts.length,
    online: hosts.filter((h) => field(h, 'status') === 'online').length,
    withRates: hosts.filter((h) => {
      const rate = field(h, 'netInRate');
      return typeof rate === 'number' && rate > 0;
    }).length,
  };
}

export default async function ingestBench(): Promise<void> {
  const measureSeconds = envNumber('BENCH_SECONDS', 8);
  const warmupSeconds = envNumber('BENCH_WARMUP_SECONDS', 2);
  const connections = Math.round(envNumber('BENCH_CONNECTIONS', 50));
  const hosts = Math.round(envNumber('BENCH_HOSTS', 200));
  const cpuProfDir = process.env.BENCH_CPU_PROF ? resolve(process.env.BENCH_CPU_PROF) : undefined;

  // One report as the load generator will send it, checked against the wire schema.
  const sample = createFleet(1)[0]?.next(Date.now()) ?? '';
  const checked = HostReport.safeParse(JSON.parse(sample));
  if (!checked.success) throw new Error(`bench report does not match HostReport: ${checked.error.message}`);
  const reportBytes = Buffer.byteLength(sample);
  const gzipBytes = gzipSync(sample).byteLength;

  const cpuModel = cpus()[0]?.model ?? 'unknown CPU';
  const cores = availableParallelism();
  console.log('Host report ingest');
  console.log(
    `node ${process.version}, ${cores} cores (${cpuModel}), ${process.platform}/${process.arch}, ` +
      'loopback 127.0.0.1',
  );
  console.log(
    `report ${reportBytes} B JSON (${gzipBytes} B gzip), ${hosts} hosts, ${connections} connections, ` +
      `pipelining 1, ${warmupSeconds} s warmup + ${measureSeconds} s measured per line`,
  );

  const load = (origin: string, headers: Record<string, string>, gzip: boolean): LoadConfig => ({
    origin,
    path: PATHS.hostReport,
    headers,
    gzip,
    connections,
    hosts,
    warmupMs: warmupSeconds * 1000,
    measureMs: measureSeconds * 1000,
  });

  const lines: Line[] = [];
  let fleetSeen: FleetSeen | undefined;
  const services: Service[] = [];
  const dataDir = mkdtempSync(join(tmpdir(), 'pulse-bench-'));
  const removeDataDir = () => rmSync(dataDir, { recursive: true, force: true });
  const forgetDataDir = atExit(removeDataDir);
  try {
    // Baseline: the bare route.
    const bare = await startBareServer();
    services.push(bare);
    console.log('\nrunning: bare Hono route (JSON)');
    const bareResult = await runLoad(load(bare.origin, {}, false), bare.pid);
    lines.push({ name: 'bare Hono, JSON.parse only', result: bareResult, rss: rssMiB(bare.pid) });
    await bare.stop();

    // Subject: the real server, on an empty data directory, with one full-access token.
    const token = randomBytes(32).toString('hex');
    const server = await startPulseServer({ dataDir: dataDir, token: token, cpuProfDir });
    services.push(server);
    const auth = { [HEADERS.apiToken]: token };
    console.log('running: ingest (JSON)');
    const json = await runLoad(load(server.origin, auth, false), server.pid);
    lines.push({ name: 'ingest, JSON', result: json, rss: rssMiB(server.pid) });
    // Same fleet again (hosts already known, new sequence streams), bodies gzip-compressed like the agent's.
    console.log('running: ingest (gzip)');
    const gz = await runLoad(load(server.origin, auth, true), server.pid);
    lines.push({ name: 'ingest, gzip', result: gz, rss: rssMiB(server.pid) });
    fleetSeen = await fleetInState(server.origin, auth);
    await server.stop();
  } finally {
    await Promise.all(services.map((s) => s.stop()));
    forgetDataDir();
    removeDataDir();
  }

  const bareRps = lines[0]?.result.requestsPerSecond ?? 0;
  for (const line of lines.slice(1))
    line.ofBare = bareRps > 0 ? (line.result.requestsPerSecond / bareRps) * 100 : undefined;
  const ingestJson = lines[1];

  console.log(`\n${table(lines)}\n`);
  console.log('srv CPU, gen CPU: cores used by the target and by the load generator in the measured window;');
  console.log(`other CPU: cores used by anything else on this ${cores}-core machine in that window`);
  console.log('srv RSS: resident memory of the target process right after the line');
  for (const { name, result } of lines) {
    const other = otherCpu(result);
    if (other !== undefined && other >= 0.25)
      console.log(
        `note: other work used ${other.toFixed(2)} cores during '${name}': that line competed for CPU ` +
          'and is lower than on a quiet machine',
      );
    if (result.generatorCpu >= 0.9)
      console.log(
        `note: the load generator used ${result.generatorCpu.toFixed(2)} cores on '${name}': that line is ` +
          'limited by the generator, the target may be able to do more',
      );
  }
  if (ingestJson?.ofBare !== undefined) {
    const met = ingestJson.ofBare >= AIM.ofBarePercent && ingestJson.result.latencyMs.p99 < AIM.p99Ms;
    console.log(`ingest / bare (JSON): ${ingestJson.ofBare.toFixed(1)} %`);
    console.log(
      `aim (ingest >= ${AIM.ofBarePercent} % of bare, p99 < ${AIM.p99Ms} ms): ` +
        `${met ? 'met' : 'not met'} (informative)`,
    );
  }
  if (fleetSeen)
    console.log(
      `server state after the run: ${fleetSeen.hosts} hosts, ${fleetSeen.online} online, ` +
        `${fleetSeen.withRates} with network rates derived from consecutive reports`,
    );
  if (cpuProfDir) console.log(`server CPU profile written to ${cpuProfDir}`);

  mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
  const results = {
    bench: 'ingest',
    date: new Date().toISOString(),
    machine: { node: process.version, platform: process.platform, arch: process.arch, cores, cpuModel },
    setup: {
      path: PATHS.hostReport,
      reportBytes,
      gzipBytes,
      hosts,
      connections,
      pipelining: 1,
      warmupSeconds,
      measureSeconds,
    },
    fleetInState: fleetSeen,
    lines: lines.map(({ name, result, ofBare, rss }) => ({
      name,
      ofBarePercent: ofBare,
      rssMiB: rss,
      otherCpu: otherCpu(result),
      ...result,
    })),
  };
  writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`results written to ${relative(process.cwd(), RESULTS)}`);

  if (fleetSeen && fleetSeen.hosts !== hosts)
    throw new Error(`the server's state holds ${fleetSeen.hosts} hosts after the run, expected ${hosts}`);
  const failed = lines.filter((l) => l.result.errors > 0);
  if (failed.length > 0) {
    const detail = failed
      .map((l) => `${l.name}: ${l.result.errors} errors ${JSON.stringify(l.result.errorSamples)}`)
      .join('; ');
    throw new Error(`requests failed, so the figures are not valid: ${detail}`);
  }
}

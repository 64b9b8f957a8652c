// GET /api/state and GET /api/resources?limit=100 at fleet scale: the real server (from source) holding
// 1,000 host agents and 200 Docker hosts × 100 containers (20,000 containers), half of the Docker hosts on
// the same machine as a host agent (so the projection merges them) and half on their own.
//
// Figures: answer bytes and time to the last byte (p50, p95, max) of each route, against a baseline
// measured in the same run: bench/bare-server.ts serving the very same bytes, already serialised, over
// the same loopback (what sending an answer of that size costs before any projection or serialisation).
// Bytes are also set against the stored inventory (the `hosts[]` and `dockerHosts[]` the answer carries),
// and one JSON.stringify of that inventory in this process is timed for reference. Also the server's RSS
// before and after the reads. Prints a table and writes bench/results/state.json. Fails only when the run
// is not valid (a process does not start, a report or read fails, the state does not hold the whole fleet);
// never on a time or a size.
//
// Environment: BENCH_STATE_HOSTS (1000), BENCH_STATE_DOCKER_HOSTS (200), BENCH_STATE_CONTAINERS (100 per
// Docker host), BENCH_STATE_REQUESTS (15 measured reads per line, after 2 warm-up reads),
// BENCH_CPU_PROF=<dir> (run the server with --cpu-prof).
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HEADERS, PATHS } from '@pulse/shared';
import { createAgentTokens, pool, SETUP_CONCURRENCY } from './lib/agent-tokens.ts';
import { dockerReport } from './lib/docker-fleet.ts';
import { envInt, median, quantile } from './lib/figures.ts';
import { createFleet } from './lib/fleet.ts';
import { atExit, rssMiB, startBareServer, startPulseServer } from './lib/proc.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RESULTS = join(ROOT, 'bench', 'results', 'state.json');
const WARMUP_READS = 2;

interface Read {
  ms: number;
  bytes: number;
  body: string;
}

interface Line {
  name: string;
  bytes: number;
  p50: number;
  p95: number;
  max: number;
}

async function post(origin: string, path: string, token: string, body: string): Promise<void> {
  const res = await fetch(`${origin}${path}`, {
    method: 'POST',
    headers: { [HEADERS.apiToken]: token, 'content-type': 'application/json' },
    body,
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`POST ${path} answered ${res.status}: ${text.slice(0, 300)}`);
}

/** One read, timed from the request to the last byte of the body. */
async function read(url: string, token: string): Promise<Read> {
  const started = performance.now();
  let res: Response;
  let body: string;
  try {
    const headers = token ? { [HEADERS.apiToken]: token } : undefined;
    res = await fetch(url, { headers, signal: AbortSignal.timeout(120_000) });
    body = await res.text();
  } catch (err) {
    // undici's "fetch failed" keeps the reason (reset, timeout) in `cause`.
    const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
    throw new Error(`GET ${url} failed: ${err instanceof Error ? err.message : String(err)}${cause}`);
  }
  const ms = performance.now() - started;
  if (res.status !== 200) throw new Error(`GET ${url} answered ${res.status}: ${body.slice(0, 300)}`);
  return { ms, bytes: Buffer.byteLength(body), body };
}

async function measure(name: string, url: string, token: string, requests: number): Promise<Line & Read> {
  let last: Read | undefined;
  for (let i = 0; i < WARMUP_READS; i++) last = await read(url, token);
  const times: number[] = [];
  for (let i = 0; i < requests; i++) {
    last = await read(url, token);
    times.push(last.ms);
  }
  if (!last) throw new Error('no read');
  return {
    ...last,
    name,
    p50: median(times),
    p95: quantile(times, 0.95),
    max: Math.max(...times),
  };
}

/** One JSON.stringify of the stored inventory in this process, timed like a read (p50 of `requests`). */
function stringifyTime(inventory: unknown, requests: number): Line {
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < WARMUP_READS + requests; i++) {
    const started = performance.now();
    const text = JSON.stringify(inventory);
    const ms = performance.now() - started;
    bytes = Buffer.byteLength(text);
    if (i >= WARMUP_READS) times.push(ms);
  }
  return {
    name: 'JSON.stringify(inventory), in process',
    bytes,
    p50: median(times),
    p95: quantile(times, 0.95),
    max: Math.max(...times),
  };
}

interface Row {
  line: Line;
  /** The bare line the p50 is set against; none for the bare lines themselves. */
  bare?: Line;
}

function table(rows: Row[], inventoryBytes: number): string {
  const head = ['read', 'bytes', 'of inventory', 'p50 ms', 'p95 ms', 'max ms', 'p50 of bare'];
  const cells = rows.map(({ line: l, bare }) => [
    l.name,
    l.bytes.toLocaleString('en-US'),
    `${(l.bytes / inventoryBytes).toFixed(3)}×`,
    l.p50.toFixed(1),
    l.p95.toFixed(1),
    l.max.toFixed(1),
    bare ? `${(l.p50 / bare.p50).toFixed(1)}×` : '-',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((row) => (row[i] ?? '').length)));
  const fmt = (row: string[]) =>
    row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ');
  return [fmt(head), fmt(widths.map((w) => '-'.repeat(w))), ...cells.map(fmt)].join('\n');
}

interface StateShape {
  hosts: unknown[];
  dockerHosts: { containers: unknown[] }[];
  resources: unknown[];
}

function stateShape(body: string): StateShape {
  const parsed: unknown = JSON.parse(body);
  const list = (key: string): unknown[] => {
    const value =
      typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>)[key] : [];
    return Array.isArray(value) ? value : [];
  };
  const dockerHosts = list('dockerHosts').map((d) => {
    const containers = typeof d === 'object' && d !== null ? (d as { containers?: unknown }).containers : [];
    return { containers: Array.isArray(containers) ? containers : [] };
  });
  return { hosts: list('hosts'), dockerHosts, resources: list('resources') };
}

export default async function stateBench(): Promise<void> {
  const hostCount = envInt('BENCH_STATE_HOSTS', 1000, 1);
  const dockerCount = envInt('BENCH_STATE_DOCKER_HOSTS', 200, 1);
  const perDocker = envInt('BENCH_STATE_CONTAINERS', 100, 1);
  const requests = envInt('BENCH_STATE_REQUESTS', 15, 3);
  const cpuProfDir = process.env.BENCH_CPU_PROF ? resolve(process.env.BENCH_CPU_PROF) : undefined;
  const cpuModel = cpus()[0]?.model ?? 'unknown CPU';
  const cores = availableParallelism();

  console.log('GET /api/state and /api/resources at fleet scale');
  console.log(`node ${process.version}, ${cores} cores (${cpuModel}), ${process.platform}/${process.arch}`);
  console.log(
    `${hostCount} host agents, ${dockerCount} Docker hosts × ${perDocker} containers ` +
      `(${dockerCount * perDocker} containers; every other Docker host shares a host agent's machine id), ` +
      `${WARMUP_READS} warm-up + ${requests} measured reads per route, one at a time`,
  );

  const dataDir = mkdtempSync(join(tmpdir(), 'pulse-bench-state-'));
  const removeDataDir = () => rmSync(dataDir, { recursive: true, force: true });
  const forgetDataDir = atExit(removeDataDir);
  const admin = randomBytes(32).toString('hex');
  const server = await startPulseServer({ dataDir: dataDir, token: admin, cpuProfDir });
  const origin = server.origin;
  const bare = await startBareServer();
  try {
    // Every agent gets its own token, as an installer would give it; one token serves one Docker host.
    const setupStarted = performance.now();
    const hostTokens = await createAgentTokens({
      origin,
      admin,
      count: hostCount,
      prefix: 'bench-host',
      scope: 'agent:report',
    });
    const dockerTokens = await createAgentTokens({
      origin,
      admin,
      count: dockerCount,
      prefix: 'bench-docker',
      scope: 'docker:report',
    });

    const now = Date.now();
    const fleet = createFleet(hostCount);
    const hostBodies = fleet.map((h) => h.next(now));
    const machineIds = hostBodies.map((body) => {
      const parsed = JSON.parse(body) as { host: { machineId?: string } };
      return parsed.host.machineId;
    });
    let reportedBytes = 0;
    await pool(hostCount, SETUP_CONCURRENCY, async (i) => {
      const body = hostBodies[i] ?? '';
      reportedBytes += Buffer.byteLength(body);
      await post(origin, PATHS.hostReport, hostTokens[i] ?? '', body);
    });
    await pool(dockerCount, SETUP_CONCURRENCY, async (i) => {
      const report = dockerReport(i, perDocker, new Date(now).toISOString());
      const shared = i % 2 === 0 ? machineIds[i % hostCount] : undefined;
      if (shared) report.host.machineId = shared;
      const body = JSON.stringify(report);
      reportedBytes += Buffer.byteLength(body);
      await post(origin, PATHS.dockerReport, dockerTokens[i] ?? '', body);
    });
    const setupSeconds = (performance.now() - setupStarted) / 1000;
    console.log(
      `setup: ${hostCount + dockerCount} tokens and reports in ${setupSeconds.toFixed(1)} s, ` +
        `${reportedBytes.toLocaleString('en-US')} bytes of report JSON`,
    );

    const rssBefore = rssMiB(server.pid);
    // A read that fails says whether the server is still there, so a crash is not taken for a network fault.
    const alive = async <T>(work: Promise<T>): Promise<T> =>
      work.catch((err: unknown) => {
        const { exitCode, signalCode } = server.child;
        const gone = exitCode !== null || signalCode !== null;
        const how = gone
          ? `the server exited (code ${exitCode}, signal ${signalCode})`
          : 'the server is running';
        throw new Error(`${err instanceof Error ? err.message : String(err)}; ${how}`);
      });
    /** The route's answer, then the bare server serving those very bytes, then the route itself. */
    const pair = async (name: string, path: string): Promise<{ bare: Line; line: Line & Read }> => {
      const sample = await alive(read(`${origin}${path}`, admin));
      const put = await fetch(`${bare.origin}/bench/answer`, { method: 'PUT', body: sample.body });
      if (put.status !== 204) throw new Error(`PUT /bench/answer answered ${put.status}`);
      console.log(`reading the same ${sample.bytes.toLocaleString('en-US')} bytes from the bare server`);
      const baseline = await measure(
        `bare Hono, the same bytes`,
        `${bare.origin}/bench/answer`,
        '',
        requests,
      );
      if (baseline.bytes !== sample.bytes) throw new Error('the bare server answered other bytes');
      console.log(`reading ${name}`);
      return { bare: baseline, line: await alive(measure(name, `${origin}${path}`, admin, requests)) };
    };
    const state = await pair('GET /api/state', '/api/state');
    const page = await pair('GET /api/resources?limit=100', '/api/resources?limit=100');
    const rssAfter = rssMiB(server.pid);

    const shape = stateShape(state.line.body);
    const containers = shape.dockerHosts.reduce((n, d) => n + d.containers.length, 0);
    if (shape.hosts.length !== hostCount || shape.dockerHosts.length !== dockerCount)
      throw new Error(
        `the state holds ${shape.hosts.length} hosts and ${shape.dockerHosts.length} Docker hosts, ` +
          `expected ${hostCount} and ${dockerCount}`,
      );
    if (containers !== dockerCount * perDocker)
      throw new Error(`the state holds ${containers} containers, expected ${dockerCount * perDocker}`);

    const stringify = stringifyTime({ hosts: shape.hosts, dockerHosts: shape.dockerHosts }, requests);
    const inventoryBytes = stringify.bytes;
    const rows: Row[] = [
      { line: state.bare },
      { line: state.line, bare: state.bare },
      { line: page.bare },
      { line: page.line, bare: page.bare },
      { line: stringify, bare: state.bare },
    ];
    console.log(`\n${table(rows, inventoryBytes)}\n`);
    console.log(
      `inventory: the answer's hosts[] and dockerHosts[], ${inventoryBytes.toLocaleString('en-US')} bytes; ` +
        `resources[]: ${shape.resources.length} items; reads one at a time, time to the last byte`,
    );
    console.log(
      `server RSS: ${rssBefore?.toFixed(0) ?? 'n/a'} MiB before the reads, ${rssAfter?.toFixed(0) ?? 'n/a'} MiB after`,
    );
    if (cpuProfDir) console.log(`server CPU profile written to ${cpuProfDir}`);

    mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
    const results = {
      bench: 'state',
      date: new Date().toISOString(),
      machine: { node: process.version, platform: process.platform, arch: process.arch, cores, cpuModel },
      setup: { hosts: hostCount, dockerHosts: dockerCount, containersPerDockerHost: perDocker, requests },
      reportedBytes,
      inventoryBytes,
      resources: shape.resources.length,
      rssMiB: { before: rssBefore, after: rssAfter },
      lines: rows.map(({ line, bare }) => ({
        name: line.name,
        bytes: line.bytes,
        ofInventory: line.bytes / inventoryBytes,
        p50: line.p50,
        p95: line.p95,
        max: line.max,
        p50OfBare: bare ? line.p50 / bare.p50 : undefined,
      })),
    };
    writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
    console.log(`results written to ${relative(process.cwd(), RESULTS)}`);
  } finally {
    await Promise.all([server.stop(), bare.stop()]);
    forgetDataDir();
    removeDataDir();
  }
}

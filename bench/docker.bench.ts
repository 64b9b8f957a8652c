// Docker module footprint and Docker report ingest, in two parts.
//
// 1. Agent with N containers (50 and 200): a real, throwaway dockerd (scripts/docker-engine.sh) runs N
//    `sleep` containers of pulse-test/busybox with --network none. Then:
//    - collection time: the agent's own Docker collector (createDockerCollector) in this process, against
//      the same engine: one priming collection, then up to BENCH_DOCKER_COLLECTS timed ones (`durationMs`;
//      no new one after BENCH_DOCKER_COLLECT_SECONDS, but at least 3), a random 0-1 s apart, with the
//      cycle budget the agent has at its default 30 s interval, so a collection is never cut short;
//    - footprint: the real agent from source (node agent/src/cli.ts) with the Docker module only, reporting
//      every 5 s to the real server. After the warm-up reports, a window of about BENCH_DOCKER_CYCLES
//      intervals that starts and ends on a delivered report: VmRSS sampled every 250 ms (median and max,
//      with RssAnon / RssFile),
//      CPU of the agent per delivered report from /proc/<pid>/stat, CPU of the engine (dockerd,
//      containerd, shims) per report, and how many containers each report had without stats (the agent's
//      /status notes). Baseline: an idle Node process of the same binary, sampled alongside (the floor of
//      agent.bench.ts).
//    The containers are removed (docker rm -f) between sizes, the engine is stopped at the end.
// 2. Server ingest of a 200-container Docker report: BENCH_DOCKER_HOSTS synthetic Docker hosts, each
//    with its own docker:report token (one token serves one Docker host), POST /api/agents/docker/report
//    over BENCH_DOCKER_CONNECTIONS connections (each host on one connection, so its reports arrive in
//    order, each with a fresh timestamp), as JSON and gzip; against bench/bare-server.ts parsing the same
//    JSON, in the same run. Afterwards /api/state must hold every host with all its containers.
//
// Prints tables and writes bench/results/docker.json. It measures and reports; it fails only when the run
// is not valid (the engine or a process does not start, a request fails, a report does not arrive).
//
// Environment: BENCH_DOCKER_SIZES (default 50,200), BENCH_DOCKER_INTERVAL (agent interval, s, 5),
// BENCH_DOCKER_WARMUP (warm-up reports, 2), BENCH_DOCKER_CYCLES (window length in intervals, 12),
// BENCH_DOCKER_COLLECTS (timed in-process collections, 10), BENCH_DOCKER_COLLECT_SECONDS (20),
// BENCH_DOCKER_INGEST_CONTAINERS (200), BENCH_DOCKER_HOSTS (24), BENCH_DOCKER_CONNECTIONS (8),
// BENCH_SECONDS (8), BENCH_WARMUP_SECONDS (2), BENCH_CPU_PROF=<dir> (run the ingest server with --cpu-prof).
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { availableParallelism, cpus, release, tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { CreateTokenResponse, createLogger, DockerReport, HEADERS, PATHS } from '@pulse/shared';
import { createDockerCollector } from '../agent/src/collectors/docker/collect.ts';
import {
  type DockerEngine,
  engineGet,
  engineSkipReason,
  startDockerEngine,
  TEST_IMAGE,
} from '../test/support/docker-engine.ts';
import { dockerReport } from './lib/docker-fleet.ts';
import { runDockerLoad } from './lib/docker-load.ts';
import { envInt, median } from './lib/figures.ts';
import type { LoadResult } from './lib/load.ts';
import {
  atExit,
  cleanEnv,
  cpuSeconds,
  freePort,
  machineBusySeconds,
  type Proc,
  rssMiB,
  type Service,
  startBareServer,
  startProcess,
  startPulseServer,
  waitForHttp,
} from './lib/proc.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RESULTS = join(ROOT, 'bench', 'results', 'docker.json');
const AGENT_CLI = join(ROOT, 'agent', 'src', 'cli.ts');
const ENGINE_SCRIPT = join(ROOT, 'scripts', 'docker-engine.sh');
/** The in-process collector's cycle budget: the agent's at its default 30 s interval (min(25 s, 0.8 × interval)). */
const COLLECTOR_BUDGET_MS = 25_000;
/** Containers created and started at the same time during setup. */
const SETUP_CONCURRENCY = 8;
const RSS_SAMPLE_MS = 250;

function envSizes(name: string, fallback: number[]): number[] {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const sizes = raw.split(',').map((s) => Number(s.trim()));
  if (sizes.some((n) => !Number.isInteger(n) || n < 1 || n > 2000))
    throw new Error(`${name} must be a comma-separated list of container counts (1-2000), got '${raw}'`);
  return sizes;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));

const fixed = (n: number | undefined, digits: number) =>
  n === undefined || !Number.isFinite(n) ? '-' : n.toFixed(digits);

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const fmt = (row: string[]) =>
    row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ');
  return [fmt(head), fmt(widths.map((w) => '-'.repeat(w))), ...rows.map(fmt)].join('\n');
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null && key in value
    ? (value as Record<string, unknown>)[key]
    : undefined;
}

// ---- the engine ----------------------------------------------------------------------------------------

interface EngineAnswer {
  status: number;
  body: string;
}

/** One request to the Engine API over its unix socket. */
function engineRequest(
  socketPath: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<EngineAnswer> {
  return new Promise((resolvePromise, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      {
        socketPath,
        method,
        path,
        timeout: 60_000,
        headers:
          data === undefined
            ? {}
            : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('error', reject);
        res.on('end', () => resolvePromise({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer within 60 s`)));
    req.on('error', reject);
    req.end(data);
  });
}

/**
 * `docker run -d --network none --label pulse.bench=1 --name bench-<i> IMAGE sleep 1000000` for `count`
 * containers, as create + start through the Engine API, SETUP_CONCURRENCY at a time. Returns their ids.
 */
async function startContainers(engine: DockerEngine, count: number): Promise<string[]> {
  const ids: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const name = `bench-${String(i).padStart(4, '0')}`;
      const created = await engineRequest(engine.socketPath, 'POST', `/containers/create?name=${name}`, {
        Image: TEST_IMAGE,
        Cmd: ['sleep', '1000000'],
        Labels: { 'pulse.bench': '1' },
        HostConfig: { NetworkMode: 'none' },
      });
      const id = field(created.status === 201 ? JSON.parse(created.body) : undefined, 'Id');
      if (typeof id !== 'string') throw new Error(`create ${name}: HTTP ${created.status} ${created.body}`);
      const started = await engineRequest(engine.socketPath, 'POST', `/containers/${id}/start`);
      if (started.status !== 204) throw new Error(`start ${name}: HTTP ${started.status} ${started.body}`);
      ids.push(id);
    }
  };
  await Promise.all(Array.from({ length: SETUP_CONCURRENCY }, worker));
  return ids;
}

/** `docker rm -f` of the given containers, SETUP_CONCURRENCY at a time. */
async function removeContainers(engine: DockerEngine, ids: string[]): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < ids.length) {
      const id = ids[next++] ?? '';
      const res = await engineRequest(engine.socketPath, 'DELETE', `/containers/${id}?force=true`);
      if (res.status !== 204 && res.status !== 404)
        throw new Error(`rm -f ${id.slice(0, 12)}: HTTP ${res.status} ${res.body}`);
    }
  };
  await Promise.all(Array.from({ length: SETUP_CONCURRENCY }, worker));
}

async function runningContainers(engine: DockerEngine): Promise<number> {
  const list = await engineGet(engine, '/containers/json');
  return Array.isArray(list) ? list.length : 0;
}

/** Processes of the engine: dockerd, its containerd and the containers' shims (their command lines name its dir). */
function enginePids(engine: DockerEngine): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ');
      const exe = cmdline.split(' ')[0] ?? '';
      if (cmdline.includes(engine.dir) && /dockerd|containerd/.test(exe)) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

function cpuOf(pids: number[]): number {
  return pids.reduce((sum, pid) => sum + (cpuSeconds(pid) ?? 0), 0);
}

interface EngineFacts {
  version: string;
  cgroupVersion: string;
  cgroupDriver: string;
  storageDriver: string;
  kernel: string;
}

async function engineFacts(engine: DockerEngine): Promise<EngineFacts> {
  const info = await engineGet(engine, '/info');
  const str = (key: string) => {
    const v = field(info, key);
    return typeof v === 'string' ? v : 'unknown';
  };
  return {
    version: str('ServerVersion'),
    cgroupVersion: str('CgroupVersion'),
    cgroupDriver: str('CgroupDriver'),
    storageDriver: str('Driver'),
    kernel: str('KernelVersion'),
  };
}

// ---- child processes -----------------------------------------------------------------------------------

interface AgentStatus {
  version: string;
  reportsSent: number;
  reportsBuffered: number;
  reportsDropped: number;
  lastError: string | undefined;
  /** The Docker module's state, when its last collection ended, and its notes (sections cut short). */
  docker: { state: string; updatedAt: string; notes: Record<string, string> } | undefined;
}

async function agentStatus(origin: string): Promise<AgentStatus> {
  const res = await fetch(`${origin}/status`, { signal: AbortSignal.timeout(5_000) });
  if (!res.ok) throw new Error(`agent /status answered ${res.status}`);
  const body: unknown = await res.json();
  const num = (key: string) => {
    const v = field(body, key);
    if (typeof v !== 'number') throw new Error(`agent /status has no number '${key}'`);
    return v;
  };
  const modules = field(body, 'modules');
  const docker = Array.isArray(modules)
    ? (modules as unknown[]).find((m) => field(m, 'name') === 'docker')
    : undefined;
  const notes = field(docker, 'notes');
  const lastError = field(body, 'lastError');
  return {
    version: String(field(body, 'version') ?? 'unknown'),
    reportsSent: num('reportsSent'),
    reportsBuffered: num('reportsBuffered'),
    reportsDropped: num('reportsDropped'),
    lastError: typeof lastError === 'string' ? lastError : undefined,
    docker:
      docker === undefined
        ? undefined
        : {
            state: String(field(docker, 'state')),
            updatedAt: String(field(docker, 'updatedAt')),
            notes:
              typeof notes === 'object' && notes !== null
                ? Object.fromEntries(Object.entries(notes).map(([k, v]) => [k, String(v)]))
                : {},
          },
  };
}

/** VmRSS, RssAnon and RssFile of a live process, MiB. */
function memory(pid: number): { rss: number; anon: number; file: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (key: string) => {
    const m = new RegExp(`^${key}:\\s+(\\d+)\\s+kB`, 'm').exec(status);
    return m?.[1] ? Number(m[1]) / 1024 : Number.NaN;
  };
  const mem = { rss: kib('VmRSS'), anon: kib('RssAnon'), file: kib('RssFile') };
  if (!Number.isFinite(mem.rss)) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return mem;
}

/** "71 running without stats: a, b, ..." → 71. */
function withoutStats(notes: Record<string, string> | undefined): number {
  const m = /^(\d+) running without stats/.exec(notes?.stats ?? '');
  return m?.[1] ? Number(m[1]) : 0;
}

// ---- part 1: collector and agent -----------------------------------------------------------------------

interface Collection {
  cycle: number;
  /** The collector's own figure. */
  durationMs: number;
  /** CPU of this process during the collection. */
  cpuMs: number;
  /** CPU of dockerd, containerd and the shims during the collection. */
  engineCpuMs: number;
  containers: number;
  withoutStats: number;
  /** Container sizes and `system df` are asked every 10th cycle (cycle 0, 10, ...). */
  withSizes: boolean;
}

/**
 * One priming collection, then timed ones: `plan.max` of them, or fewer once `plan.seconds` have passed
 * (but at least `plan.min`), so that a slow engine does not make the run long.
 */
async function measureCollector(
  engine: DockerEngine,
  expected: number,
  plan: { max: number; min: number; seconds: number },
): Promise<Collection[]> {
  const log = createLogger('warn', (line) => process.stderr.write(`[collector] ${line}`));
  const collector = createDockerCollector({
    runtime: 'docker',
    env: { DOCKER_HOST: `unix://${engine.socketPath}` },
    log,
    cycleBudgetMs: COLLECTOR_BUDGET_MS,
  });
  const conn = await collector.connect();
  if (!conn.ok) throw new Error(`the collector found no engine: ${conn.reason}`);
  const pids = enginePids(engine);
  const out: Collection[] = [];
  try {
    let timedSince = 0;
    for (let cycle = 0; cycle <= plan.max; cycle++) {
      if (cycle === 1) timedSince = performance.now();
      if (cycle > plan.min && performance.now() - timedSince > plan.seconds * 1000) break;
      // A random phase against dockerd's 1-second stats tick, as an agent's interval has.
      if (cycle > 0) await sleep(Math.random() * 1000);
      const cpu0 = process.cpuUsage();
      const engine0 = cpuOf(pids);
      const c = await collector.collect();
      const cpu = process.cpuUsage(cpu0);
      out.push({
        cycle,
        durationMs: c.durationMs,
        cpuMs: (cpu.user + cpu.system) / 1000,
        engineCpuMs: (cpuOf(pids) - engine0) * 1000,
        containers: c.containers.length,
        withoutStats: withoutStats(c.notes),
        withSizes: cycle % 10 === 0,
      });
      if (c.containers.length !== expected)
        throw new Error(`the collector saw ${c.containers.length} containers, expected ${expected}`);
    }
  } finally {
    collector.close();
  }
  return out;
}

interface AgentWindow {
  rss: number[];
  /** RssAnon (heap, stacks, code) and RssFile (mapped binary, libraries) with each RSS sample. */
  anon: number[];
  file: number[];
  floorRss: number[];
  cpuSeconds: number;
  engineCpuSeconds: number;
  reports: number;
  seconds: number;
  machineCores: number | undefined;
  /** Containers without stats in each report seen in the window (one /status reading per interval). */
  withoutStats: number[];
  reportsSent: number;
  version: string;
}

async function measureAgent(
  engine: DockerEngine,
  server: Service,
  token: string,
  floor: Proc,
  scratch: string,
  plan: { intervalMs: number; warmup: number; cycles: number },
  containers: number,
): Promise<AgentWindow> {
  const healthPort = await freePort();
  const stateDir = mkdtempSync(join(scratch, 'agent-state-'));
  const origin = `http://127.0.0.1:${healthPort}`;
  const agent = startProcess(
    `agent ${containers}`,
    process.execPath,
    [
      AGENT_CLI,
      '--url',
      server.origin,
      '--token',
      token,
      '--enable-docker',
      '--docker-runtime',
      'docker',
      '--enable-host',
      'false',
      '--interval',
      `${plan.intervalMs / 1000}s`,
      '--state-dir',
      stateDir,
      '--health-addr',
      `127.0.0.1:${healthPort}`,
      '--log-level',
      'warn',
    ],
    cleanEnv({ DOCKER_HOST: `unix://${engine.socketPath}` }),
  );
  const status = () => Promise.race([agentStatus(origin), agent.exited]);
  const failIfLost = (s: AgentStatus) => {
    if (s.reportsDropped > 0)
      throw new Error(`agent dropped ${s.reportsDropped} reports (last error: ${s.lastError ?? 'none'})`);
  };
  /** Polls until reportsSent exceeds `after`; fails at `deadline`. */
  const nextDelivery = async (after: number, deadline: number): Promise<AgentStatus> => {
    for (;;) {
      const s = await status();
      failIfLost(s);
      if (s.reportsSent > after) return s;
      if (Date.now() > deadline)
        throw new Error(
          `agent delivered ${s.reportsSent} reports, waited for more than ${after} ` +
            `(buffered ${s.reportsBuffered}, last error: ${s.lastError ?? 'none'}, docker: ${JSON.stringify(s.docker)})`,
        );
      await Promise.race([sleep(200), agent.exited]);
    }
  };
  try {
    await waitForHttp(agent, `${origin}/healthz`);
    const budget = (intervals: number) => Date.now() + intervals * plan.intervalMs * 2 + 30_000;
    // Warm-up: the first reports load code, fill caches and prime the CPU samples.
    let s = await nextDelivery(plan.warmup - 1, budget(plan.warmup));
    const startSent = s.reportsSent;
    const pids = enginePids(engine);
    const cpu0 = cpuSeconds(agent.pid);
    const engine0 = cpuOf(pids);
    const machine0 = machineBusySeconds();
    const t0 = performance.now();
    const rss: number[] = [];
    const anon: number[] = [];
    const file: number[] = [];
    const floorRss: number[] = [];
    const seen = new Map<string, number>();
    const lengthMs = (plan.cycles - 0.5) * plan.intervalMs;
    let nextPoll = plan.intervalMs / 2;
    while (performance.now() - t0 < lengthMs) {
      await Promise.race([sleep(RSS_SAMPLE_MS), agent.exited]);
      const a = memory(agent.pid);
      const f = rssMiB(floor.pid);
      if (f === undefined) throw new Error('cannot read VmRSS of the floor');
      rss.push(a.rss);
      anon.push(a.anon);
      file.push(a.file);
      floorRss.push(f);
      if (performance.now() - t0 >= nextPoll) {
        nextPoll += plan.intervalMs;
        s = await status();
        failIfLost(s);
        if (s.docker && s.reportsSent > startSent) seen.set(s.docker.updatedAt, withoutStats(s.docker.notes));
      }
    }
    // The window ends with the first report delivered after this point, so it holds whole cycles.
    s = await status();
    s = await nextDelivery(s.reportsSent, budget(3));
    const cpu1 = cpuSeconds(agent.pid);
    const engine1 = cpuOf(pids);
    const seconds = (performance.now() - t0) / 1000;
    const machine1 = machineBusySeconds();
    if (s.docker) seen.set(s.docker.updatedAt, withoutStats(s.docker.notes));
    if (cpu0 === undefined || cpu1 === undefined) throw new Error('cannot read the agent CPU time');
    if (s.reportsBuffered > 0)
      throw new Error(
        `agent has ${s.reportsBuffered} reports buffered (last error: ${s.lastError ?? 'none'})`,
      );
    return {
      rss,
      anon,
      file,
      floorRss,
      cpuSeconds: cpu1 - cpu0,
      engineCpuSeconds: engine1 - engine0,
      reports: s.reportsSent - startSent,
      seconds,
      machineCores:
        machine0 === undefined || machine1 === undefined ? undefined : (machine1 - machine0) / seconds,
      withoutStats: [...seen.values()],
      reportsSent: s.reportsSent,
      version: s.version,
    };
  } finally {
    await agent.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

/** The containers the server holds for the agent's Docker host(s), from GET /api/state. */
async function serverDockerHosts(origin: string, token: string): Promise<number[]> {
  const res = await fetch(`${origin}/api/state`, {
    headers: { [HEADERS.apiToken]: token },
    signal: AbortSignal.timeout(30_000),
  });
  if (!res.ok) throw new Error(`GET /api/state answered ${res.status}`);
  const hosts = field(await res.json(), 'dockerHosts');
  return Array.isArray(hosts)
    ? (hosts as unknown[]).map((h) => {
        const list = field(h, 'containers');
        return Array.isArray(list) ? list.length : 0;
      })
    : [];
}

interface SizeResult {
  containers: number;
  setupSeconds: number;
  removeSeconds: number;
  collector: {
    budgetMs: number;
    priming: Collection;
    timed: Collection[];
    durationMsP50: number;
    durationMsMax: number;
    cpuMsP50: number;
    engineCpuMsP50: number;
    withoutStatsMax: number;
  };
  agent: {
    steadyRssMiB: number;
    maxRssMiB: number;
    steadyAnonMiB: number;
    steadyFileMiB: number;
    floorRssMiB: number;
    rssOfFloor: number;
    cpuMsPerReport: number;
    engineCpuMsPerReport: number;
    reports: number;
    windowSeconds: number;
    secondsPerReport: number;
    machineCores: number | undefined;
    withoutStatsPerReport: number[];
    serverContainers: number;
  };
}

// ---- part 2: ingest ------------------------------------------------------------------------------------

interface IngestLine {
  name: string;
  result: LoadResult;
  ofBare?: number;
  rss: number | undefined;
}

function otherCpu(r: LoadResult): number | undefined {
  if (r.machineCpu === undefined || r.targetCpu === undefined) return undefined;
  return Math.max(0, r.machineCpu - r.targetCpu - r.generatorCpu);
}

async function createTokens(origin: string, adminToken: string, count: number): Promise<string[]> {
  const tokens: string[] = [];
  for (let i = 0; i < count; i++) {
    const res = await fetch(`${origin}/api/security/tokens`, {
      method: 'POST',
      headers: { [HEADERS.apiToken]: adminToken, 'content-type': 'application/json' },
      body: JSON.stringify({ name: `bench-docker-${i}`, scopes: ['docker:report'] }),
      signal: AbortSignal.timeout(10_000),
    });
    if (res.status !== 201)
      throw new Error(`POST /api/security/tokens answered ${res.status}: ${await res.text()}`);
    tokens.push(CreateTokenResponse.parse(await res.json()).token);
  }
  return tokens;
}

// ---- the bench -----------------------------------------------------------------------------------------

export default async function dockerBench(): Promise<void> {
  if (process.platform !== 'linux')
    throw new Error('the Docker bench runs dockerd and reads /proc: run it on Linux');
  const skip = engineSkipReason();
  if (skip !== undefined) throw new Error(`no Docker engine: ${skip}`);
  const sizes = envSizes('BENCH_DOCKER_SIZES', [50, 200]);
  const plan = {
    intervalMs: envInt('BENCH_DOCKER_INTERVAL', 5, 1) * 1000,
    warmup: envInt('BENCH_DOCKER_WARMUP', 2, 1),
    cycles: envInt('BENCH_DOCKER_CYCLES', 12, 2),
  };
  const maxCollections = envInt('BENCH_DOCKER_COLLECTS', 10, 1);
  const collectPlan = {
    max: maxCollections,
    min: Math.min(3, maxCollections),
    seconds: envInt('BENCH_DOCKER_COLLECT_SECONDS', 20, 1),
  };
  const ingestContainers = envInt('BENCH_DOCKER_INGEST_CONTAINERS', 200, 1);
  const hosts = envInt('BENCH_DOCKER_HOSTS', 24, 1);
  const connections = envInt('BENCH_DOCKER_CONNECTIONS', 8, 1);
  const measureSeconds = envInt('BENCH_SECONDS', 8, 1);
  const warmupSeconds = envInt('BENCH_WARMUP_SECONDS', 2, 0);
  const cpuProfDir = process.env.BENCH_CPU_PROF ? resolve(process.env.BENCH_CPU_PROF) : undefined;

  const cpuModel = cpus()[0]?.model ?? 'unknown CPU';
  const cores = availableParallelism();
  console.log('Docker agent footprint and Docker report ingest');
  console.log(
    `node ${process.version}, ${cores} cores (${cpuModel}), ${process.platform}/${process.arch} ${release()}, ` +
      'loopback 127.0.0.1',
  );

  const scratch = mkdtempSync(join(tmpdir(), 'pulse-bench-docker-'));
  const forgetScratch = atExit(() => rmSync(scratch, { recursive: true, force: true }));
  const sizeResults: SizeResult[] = [];
  let facts: EngineFacts | undefined;
  let engineStartSeconds = 0;
  let agentVersion = 'unknown';

  // ---- part 1 ----
  const engineT0 = performance.now();
  const engine = await startDockerEngine();
  if (engine === undefined) throw new Error('the Docker engine did not start');
  engineStartSeconds = (performance.now() - engineT0) / 1000;
  // Should this process end abruptly, the engine and its containers go with it.
  const forgetEngine = atExit(() => {
    spawnSync('bash', [ENGINE_SCRIPT, 'stop', engine.dir], { stdio: 'ignore', timeout: 120_000 });
  });
  const procs: Array<{ stop(): Promise<void> }> = [];
  try {
    facts = await engineFacts(engine);
    console.log(
      `dockerd ${facts.version} (cgroup v${facts.cgroupVersion}, ${facts.cgroupDriver} driver, ` +
        `${facts.storageDriver}), started in ${engineStartSeconds.toFixed(1)} s`,
    );
    console.log(
      `part 1: ${sizes.join(' and ')} containers (${TEST_IMAGE}, sleep, --network none); agent interval ` +
        `${plan.intervalMs / 1000} s, ${plan.warmup} warm-up reports, then a window of ~${plan.cycles} intervals; ` +
        `collector: one priming collection, then ${collectPlan.max} timed ones (fewer, at least ${collectPlan.min}, ` +
        `once ${collectPlan.seconds} s have passed), budget ${COLLECTOR_BUDGET_MS / 1000} s`,
    );

    const floor = startProcess('floor', process.execPath, ['-e', 'setInterval(() => {}, 1000)'], cleanEnv());
    procs.push(floor);
    const token = randomBytes(32).toString('hex');
    const server = await startPulseServer({
      dataDir: mkdtempSync(join(scratch, 'server-data-')),
      token: token,
    });
    procs.push(server);

    for (const n of sizes) {
      console.log(`\n${n} containers: starting them`);
      const setupT0 = performance.now();
      const ids = await startContainers(engine, n);
      const setupSeconds = (performance.now() - setupT0) / 1000;
      const running = await runningContainers(engine);
      if (running !== n) throw new Error(`${running} containers running, expected ${n}`);
      console.log(`  ${n} containers created and started in ${setupSeconds.toFixed(1)} s`);

      console.log('  collector: one priming collection, then timed ones, in this process');
      const collections = await measureCollector(engine, n, collectPlan);
      const [priming, ...timed] = collections;
      if (!priming) throw new Error('no collection');

      console.log(`  agent: ${plan.warmup} warm-up reports, then ~${plan.cycles} intervals`);
      const w = await measureAgent(engine, server, token, floor, scratch, plan, n);
      agentVersion = w.version;
      const held = await serverDockerHosts(server.origin, token);
      if (held.length !== 1 || held[0] !== n)
        throw new Error(
          `the server holds Docker hosts with ${JSON.stringify(held)} containers, expected [${n}]`,
        );

      const rmT0 = performance.now();
      await removeContainers(engine, ids);
      const removeSeconds = (performance.now() - rmT0) / 1000;
      console.log(`  containers removed in ${removeSeconds.toFixed(1)} s`);

      const steady = median(w.rss);
      const floorRss = median(w.floorRss);
      sizeResults.push({
        containers: n,
        setupSeconds,
        removeSeconds,
        collector: {
          budgetMs: COLLECTOR_BUDGET_MS,
          priming,
          timed,
          durationMsP50: median(timed.map((c) => c.durationMs)),
          durationMsMax: Math.max(...timed.map((c) => c.durationMs)),
          cpuMsP50: median(timed.map((c) => c.cpuMs)),
          engineCpuMsP50: median(timed.map((c) => c.engineCpuMs)),
          withoutStatsMax: Math.max(...timed.map((c) => c.withoutStats)),
        },
        agent: {
          steadyRssMiB: steady,
          maxRssMiB: Math.max(...w.rss),
          steadyAnonMiB: median(w.anon),
          steadyFileMiB: median(w.file),
          floorRssMiB: floorRss,
          rssOfFloor: steady / floorRss,
          cpuMsPerReport: (w.cpuSeconds * 1000) / w.reports,
          engineCpuMsPerReport: (w.engineCpuSeconds * 1000) / w.reports,
          reports: w.reports,
          windowSeconds: w.seconds,
          secondsPerReport: w.seconds / w.reports,
          machineCores: w.machineCores,
          withoutStatsPerReport: w.withoutStats,
          serverContainers: held[0] ?? 0,
        },
      });
    }
  } finally {
    await Promise.all(procs.map((p) => p.stop()));
    await engine.stop();
    forgetEngine();
  }

  // ---- part 2 ----
  const sample = dockerReport(0, ingestContainers, new Date().toISOString());
  const checked = DockerReport.safeParse(sample);
  if (!checked.success) throw new Error(`bench report does not match DockerReport: ${checked.error.message}`);
  if (checked.data.containers.length !== ingestContainers)
    throw new Error(`bench report has ${checked.data.containers.length} containers after parsing`);
  const sampleJson = JSON.stringify(sample);
  const reportBytes = Buffer.byteLength(sampleJson);
  const gzipBytes = gzipSync(sampleJson, { level: 1 }).byteLength;
  console.log(
    `\npart 2: ${ingestContainers}-container Docker report, ${reportBytes} B JSON (${gzipBytes} B gzip level 1, ` +
      `as the agent sends it); ${hosts} hosts with a token each, ${connections} connections, ` +
      `${warmupSeconds} s warmup + ${measureSeconds} s measured per line`,
  );
  const load = (origin: string, path: string, tokens: string[], gzip: boolean) => ({
    origin,
    path,
    tokenHeader: HEADERS.apiToken,
    tokens,
    hosts,
    containersPerHost: ingestContainers,
    seed: 'pulse-bench',
    gzip,
    connections,
    warmupMs: warmupSeconds * 1000,
    measureMs: measureSeconds * 1000,
  });
  const lines: IngestLine[] = [];
  let hostsHeld: number[] = [];
  const services: Service[] = [];
  try {
    const bare = await startBareServer();
    services.push(bare);
    // bare-server.ts has one POST route; it only parses the body, so the path does not matter.
    console.log('running: bare Hono route (JSON)');
    const bareResult = await runDockerLoad(load(bare.origin, PATHS.hostReport, [], false), bare.pid);
    lines.push({ name: 'bare Hono, JSON.parse only', result: bareResult, rss: rssMiB(bare.pid) });
    await bare.stop();

    const adminToken = randomBytes(32).toString('hex');
    const server = await startPulseServer({
      dataDir: mkdtempSync(join(scratch, 'ingest-data-')),
      token: adminToken,
      cpuProfDir,
    });
    services.push(server);
    const tokens = await createTokens(server.origin, adminToken, hosts);
    console.log('running: ingest (JSON)');
    const json = await runDockerLoad(load(server.origin, PATHS.dockerReport, tokens, false), server.pid);
    lines.push({ name: 'ingest, JSON', result: json, rss: rssMiB(server.pid) });
    console.log('running: ingest (gzip)');
    const gz = await runDockerLoad(load(server.origin, PATHS.dockerReport, tokens, true), server.pid);
    lines.push({ name: 'ingest, gzip', result: gz, rss: rssMiB(server.pid) });
    hostsHeld = await serverDockerHosts(server.origin, adminToken);
    await server.stop();
  } finally {
    await Promise.all(services.map((s) => s.stop()));
    forgetScratch();
    rmSync(scratch, { recursive: true, force: true });
  }
  const bareRps = lines[0]?.result.requestsPerSecond ?? 0;
  for (const line of lines.slice(1))
    line.ofBare = bareRps > 0 ? (line.result.requestsPerSecond / bareRps) * 100 : undefined;

  // ---- output ----
  console.log(`\nAgent with N containers (interval ${plan.intervalMs / 1000} s, Docker module only)\n`);
  console.log(
    table(
      [
        'containers',
        'setup s',
        'collect p50 ms',
        'collect max ms',
        'collector CPU ms',
        'agent RSS MiB',
        'max RSS MiB',
        'anon/file MiB',
        'RSS / floor',
        'agent CPU ms/report',
        's per report',
        'engine CPU ms/report',
        'without stats',
      ],
      sizeResults.map((r) => [
        String(r.containers),
        fixed(r.setupSeconds, 1),
        fixed(r.collector.durationMsP50, 0),
        fixed(r.collector.durationMsMax, 0),
        fixed(r.collector.cpuMsP50, 0),
        fixed(r.agent.steadyRssMiB, 1),
        fixed(r.agent.maxRssMiB, 1),
        `${fixed(r.agent.steadyAnonMiB, 0)} / ${fixed(r.agent.steadyFileMiB, 0)}`,
        `${fixed(r.agent.rssOfFloor, 2)}×`,
        fixed(r.agent.cpuMsPerReport, 0),
        fixed(r.agent.secondsPerReport, 1),
        fixed(r.agent.engineCpuMsPerReport, 0),
        r.agent.withoutStatsPerReport.length === 0
          ? '-'
          : `max ${Math.max(...r.agent.withoutStatsPerReport)}`,
      ]),
    ),
  );
  const floorAll = median(sizeResults.map((r) => r.agent.floorRssMiB));
  console.log(`\nbare Node (floor): ${fixed(floorAll, 1)} MiB RSS, sampled alongside the agent`);
  console.log(
    "collect: durationMs of the agent's Docker collector in this process (p50 / max of the timed ones, " +
      `budget ${COLLECTOR_BUDGET_MS / 1000} s, every 10th cycle also asks sizes and system df); collector CPU: ` +
      'p50 CPU of this process per collection',
  );
  console.log(
    'agent RSS: median / max of VmRSS every 250 ms over the window; agent CPU: utime + stime per delivered ' +
      'report; engine CPU: dockerd + containerd + shims per report; without stats: running containers ' +
      "reported without stats (the agent's /status notes)",
  );
  for (const r of sizeResults) {
    console.log(
      `${r.containers}: window ${r.agent.windowSeconds.toFixed(1)} s, ${r.agent.reports} reports; ` +
        `collections ${r.collector.timed.map((c) => `${c.durationMs}${c.withSizes ? '*' : ''}`).join(' ')} ms ` +
        `(* with sizes; priming ${r.collector.priming.durationMs} ms); machine busy ${fixed(r.agent.machineCores, 2)} cores`,
    );
    if (r.agent.secondsPerReport > (plan.intervalMs / 1000) * 1.2)
      console.log(
        `note: with ${r.containers} containers the agent sent a report every ${r.agent.secondsPerReport.toFixed(1)} s, ` +
          `not every ${plan.intervalMs / 1000} s: a collection takes longer than the interval, so ticks are skipped`,
      );
    if (r.agent.withoutStatsPerReport.some((x) => x > 0))
      console.log(
        `note: with ${r.containers} containers the agent's collections hit their cycle budget ` +
          `(${Math.min(25, Math.max(5, (plan.intervalMs / 1000) * 0.8))} s): up to ` +
          `${Math.max(...r.agent.withoutStatsPerReport)} running containers per report had no stats`,
      );
    const measuredCores =
      ((r.agent.cpuMsPerReport + r.agent.engineCpuMsPerReport) * r.agent.reports) /
      1000 /
      r.agent.windowSeconds;
    const other = (r.agent.machineCores ?? 0) - measuredCores;
    if (other >= 0.25)
      console.log(
        `note: other work used about ${other.toFixed(2)} cores during the ${r.containers}-container agent window ` +
          '(this process, the server, anything else on the machine): its CPU figures may be inflated',
      );
  }

  console.log(`\nDocker report ingest (${ingestContainers} containers per report)\n`);
  console.log(
    table(
      [
        'target',
        'req/s',
        'containers/s',
        'of bare',
        'p50 ms',
        'p90 ms',
        'p99 ms',
        'max ms',
        'errors',
        'srv CPU',
        'CPU ms/report',
        'gen CPU',
        'other CPU',
        'srv RSS MiB',
      ],
      lines.map(({ name, result: r, ofBare, rss }) => [
        name,
        r.requestsPerSecond.toFixed(1),
        (r.requestsPerSecond * ingestContainers).toFixed(0),
        ofBare === undefined ? '-' : `${ofBare.toFixed(1)} %`,
        r.latencyMs.p50.toFixed(1),
        r.latencyMs.p90.toFixed(1),
        r.latencyMs.p99.toFixed(1),
        r.latencyMs.max.toFixed(1),
        String(r.errors),
        fixed(r.targetCpu, 2),
        r.targetCpu === undefined || r.requestsPerSecond <= 0
          ? '-'
          : ((r.targetCpu / r.requestsPerSecond) * 1000).toFixed(2),
        r.generatorCpu.toFixed(2),
        fixed(otherCpu(r), 2),
        fixed(rss, 0),
      ]),
    ),
  );
  console.log(
    '\nsrv CPU, gen CPU, other CPU: cores used in the measured window by the target, the generator,',
  );
  console.log('and anything else; CPU ms/report: target CPU per request; srv RSS: right after the line');
  for (const { name, result } of lines) {
    const other = otherCpu(result);
    if (other !== undefined && other >= 0.25)
      console.log(
        `note: other work used ${other.toFixed(2)} cores during '${name}': that line competed for CPU`,
      );
    if (result.generatorCpu >= 0.9)
      console.log(`note: the load generator used ${result.generatorCpu.toFixed(2)} cores on '${name}'`);
  }
  console.log(
    `server state after the run: ${hostsHeld.length} Docker hosts, containers per host ` +
      `${[...new Set(hostsHeld)].join(', ') || 'none'}`,
  );
  if (cpuProfDir) console.log(`server CPU profile written to ${cpuProfDir}`);

  mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
  const results = {
    bench: 'docker',
    date: new Date().toISOString(),
    machine: {
      node: process.version,
      platform: process.platform,
      arch: process.arch,
      kernel: release(),
      cores,
      cpuModel,
      engine: facts,
    },
    setup: {
      agent: {
        intervalSeconds: plan.intervalMs / 1000,
        warmupReports: plan.warmup,
        windowIntervals: plan.cycles,
        version: agentVersion,
        image: TEST_IMAGE,
        engineStartSeconds,
      },
      collector: { ...collectPlan, budgetMs: COLLECTOR_BUDGET_MS },
      ingest: {
        path: PATHS.dockerReport,
        containersPerReport: ingestContainers,
        reportBytes,
        gzipBytes,
        hosts,
        connections,
        warmupSeconds,
        measureSeconds,
      },
    },
    sizes: sizeResults,
    ingest: {
      hostsHeld,
      lines: lines.map(({ name, result, ofBare, rss }) => ({
        name,
        ofBarePercent: ofBare,
        rssMiB: rss,
        containersPerSecond: result.requestsPerSecond * ingestContainers,
        cpuMsPerReport:
          result.targetCpu === undefined || result.requestsPerSecond <= 0
            ? undefined
            : (result.targetCpu / result.requestsPerSecond) * 1000,
        otherCpu: otherCpu(result),
        ...result,
      })),
    },
  };
  writeFileSync(
    RESULTS,
    `${JSON.stringify(results, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`,
  );
  console.log(`results written to ${relative(process.cwd(), RESULTS)}`);

  if (hostsHeld.length !== hosts || hostsHeld.some((c) => c !== ingestContainers))
    throw new Error(
      `the server holds ${hostsHeld.length} Docker hosts after the run (expected ${hosts} with ${ingestContainers} containers)`,
    );
  const failed = lines.filter((l) => l.result.errors > 0);
  if (failed.length > 0) {
    const detail = failed
      .map((l) => `${l.name}: ${l.result.errors} errors ${JSON.stringify(l.result.errorSamples)}`)
      .join('; ');
    throw new Error(`requests failed, so the figures are not valid: ${detail}`);
  }
}

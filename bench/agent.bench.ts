// Agent footprint: the real pulse-agent reporting to the real server at a fixed interval, against two
// baselines measured in the same run: an idle Node process of the same binary (the RSS floor) and Debian's
// prometheus-node-exporter scraped at the same interval (CPU per scrape). For each subject: steady
// (median) and max RSS over the measured cycles, and CPU time per cycle from /proc/<pid>/stat. Prints the
// figures and their ratios and writes bench/results/agent.json. It measures and reports; it fails only
// when something does not run (a subject does not start, a report is not delivered, a scrape fails),
// never on the figures.
//
// Subjects run one after the other; the idle Node process runs alongside all of them. The agent's window
// is exactly N reports the server accepted (its /status reportsSent); node_exporter's is N scrapes made by
// this process. RSS is sampled once per cycle, half an interval after the cycle's start.
//
// Environment: BENCH_AGENT_CYCLES (measured cycles per subject, default 100), BENCH_AGENT_WARMUP (cycles
// skipped first, default 5), BENCH_AGENT_INTERVAL (seconds, at least 1, default 1),
// BENCH_AGENT_EXECUTABLE (the single executable to measure; default dist/pulse-agent-linux-<arch> when it
// exists, 'off' to skip), BENCH_NODE_EXPORTER (path of the node_exporter binary),
// BENCH_AGENT_CPU_PROF=<dir> (run the source agent with --cpu-prof; its CPU figures then include the
// profiler).

import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  accessSync,
  constants,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { delimiter, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { envInt, median } from './lib/figures.ts';
import {
  atExit,
  cleanEnv,
  freePort,
  machineBusySeconds,
  type Proc,
  type Service,
  startProcess,
  startPulseServer,
  waitForHttp,
} from './lib/proc.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RESULTS = join(ROOT, 'bench', 'results', 'agent.json');
const AGENT_CLI = join(ROOT, 'agent', 'src', 'cli.ts');
const INSTALL_SCRIPT = join(ROOT, 'scripts', 'install-node-exporter.sh');
const NODE_EXPORTER = 'prometheus-node-exporter';

/** The aims; printed for information only, they do not decide the exit code. */
const AIM = { rssOfFloor: 1.25, cpuOfNodeExporter: 1 };

/** What Prometheus 2.x sends when it scrapes a target. */
const SCRAPE_HEADERS = {
  accept:
    'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,' +
    'text/plain;version=0.0.4;q=0.5,*/*;q=0.1',
  'accept-encoding': 'gzip',
  'user-agent': 'Prometheus/2.45.3',
};

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));

// ---- /proc readings ------------------------------------------------------------------------------------

let clockTicks: number | undefined;
function ticksPerSecond(): number {
  clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  return clockTicks;
}

interface CpuTimes {
  /** utime + stime of the process (all its threads), seconds. */
  self: number;
  /** cutime + cstime: children it waited for (tools it ran), seconds. */
  children: number;
}

function cpuTimes(pid: number): CpuTimes {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesised command name; utime, stime, cutime, cstime are fields 14 to 17.
  const f = stat
    .slice(stat.lastIndexOf(')') + 2)
    .split(' ')
    .slice(11, 15)
    .map((v) => Number(v) / ticksPerSecond());
  const [utime = Number.NaN, stime = Number.NaN, cutime = Number.NaN, cstime = Number.NaN] = f;
  const times = { self: utime + stime, children: cutime + cstime };
  if (!Number.isFinite(times.self) || !Number.isFinite(times.children))
    throw new Error(`cannot parse /proc/${pid}/stat`);
  return times;
}

interface Memory {
  /** VmRSS, RssAnon (heap, stacks, JIT code) and RssFile (mapped binary and libraries), MiB. */
  rss: number;
  anon: number;
  file: number;
}

function memory(pid: number): Memory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (key: string) => {
    const m = new RegExp(`^${key}:\\s+(\\d+)\\s+kB`, 'm').exec(status);
    return m?.[1] ? Number(m[1]) / 1024 : Number.NaN;
  };
  const mem = { rss: kib('VmRSS'), anon: kib('RssAnon'), file: kib('RssFile') };
  if (!Number.isFinite(mem.rss)) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return mem;
}

function busyCores(startSeconds: number | undefined, seconds: number): number | undefined {
  const end = machineBusySeconds();
  return startSeconds === undefined || end === undefined || seconds <= 0
    ? undefined
    : (end - startSeconds) / seconds;
}

// ---- processes -----------------------------------------------------------------------------------------

function findOnPath(name: string): string | undefined {
  for (const dir of [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/bin']) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not there, or not executable: try the next directory
    }
  }
  return undefined;
}

/** The node_exporter binary; runs scripts/install-node-exporter.sh first when it is missing and we are root. */
function nodeExporterBinary(): string {
  const configured = process.env.BENCH_NODE_EXPORTER;
  if (configured) return resolve(configured);
  const found = findOnPath(NODE_EXPORTER);
  if (found) return found;
  if (process.getuid?.() !== 0)
    throw new Error(
      `${NODE_EXPORTER} is not installed: run 'sudo sh scripts/install-node-exporter.sh' ` +
        '(or set BENCH_NODE_EXPORTER to a node_exporter binary)',
    );
  console.log(`${NODE_EXPORTER} not found: running scripts/install-node-exporter.sh`);
  const run = spawnSync('sh', [INSTALL_SCRIPT], {
    stdio: ['ignore', 'inherit', 'inherit'],
    timeout: 600_000,
  });
  if (run.status !== 0)
    throw new Error(
      `scripts/install-node-exporter.sh failed (status ${run.status}, ${run.error ?? 'no error'})`,
    );
  const installed = findOnPath(NODE_EXPORTER);
  if (!installed) throw new Error(`${NODE_EXPORTER} is still missing after scripts/install-node-exporter.sh`);
  return installed;
}

function versionOf(cmd: string, args: string[]): string {
  const run = spawnSync(cmd, args, { encoding: 'utf8', timeout: 10_000 });
  return `${run.stdout ?? ''}${run.stderr ?? ''}`.trim().split('\n')[0] ?? 'unknown';
}

/** The single executable built for this machine, unless BENCH_AGENT_EXECUTABLE says otherwise. */
function agentExecutable(): string | undefined {
  const configured = process.env.BENCH_AGENT_EXECUTABLE;
  if (configured === 'off') return undefined;
  if (configured) return resolve(configured);
  if (process.platform !== 'linux') return undefined;
  const arch = process.arch === 'x64' ? 'amd64' : process.arch;
  const path = join(ROOT, 'dist', `pulse-agent-linux-${arch}`);
  try {
    accessSync(path, constants.X_OK);
    return path;
  } catch {
    return undefined;
  }
}

/** Newest modification time of the agent's and shared package's source files, ms. */
function newestSourceMtime(): number {
  let newest = 0;
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts'))
        newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  walk(join(ROOT, 'agent', 'src'));
  walk(join(ROOT, 'shared', 'src'));
  return newest;
}

function sha256Of(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

// ---- measurement ---------------------------------------------------------------------------------------

interface Plan {
  cycles: number;
  warmup: number;
  intervalMs: number;
}

interface Window {
  rss: number[];
  anon: number[];
  file: number[];
  /** The floor's memory, sampled with the subject's. */
  floor: Memory[];
  /** The subject's CPU (self + children, seconds) at each RSS sample: shows whether cycles cost alike. */
  cpu: number[];
  cpuStart: CpuTimes;
  cpuEnd: CpuTimes;
  seconds: number;
  /** Cores the whole machine kept busy over the window (subject, server, this process, anything else). */
  machineCores: number | undefined;
}

interface Subject {
  name: string;
  kind: 'agent' | 'node_exporter' | 'floor';
  /** What one cycle is for this subject. */
  unit: 'cycle' | 'scrape' | 'interval';
  steadyRssMiB: number;
  maxRssMiB: number;
  steadyAnonMiB: number;
  steadyFileMiB: number;
  /** CPU of the process itself per cycle, ms; children (tools it ran) separately. */
  cpuMsPerCycle: number;
  childCpuMsPerCycle: number;
  cycles: number;
  windowSeconds: number;
  machineCores: number | undefined;
  /** CPU per cycle as sampled with RSS (clock-tick resolution); the busiest one; mean of each half. */
  cpuMsByCycle: number[];
  busiestCycleMs: number;
  cpuMsPerCycleHalves: [number, number];
  rssOfFloor?: number;
  cpuOfNodeExporter?: number;
  detail: Record<string, unknown>;
}

/**
 * Samples RSS of `pid` (and of the floor) half an interval into each of `plan.cycles` cycles counted from
 * `t0`, which is when the window started.
 */
async function sampleCycles(
  pid: number,
  floorPid: number,
  plan: Plan,
  t0: number,
  until: Promise<never>,
): Promise<Pick<Window, 'rss' | 'anon' | 'file' | 'floor' | 'cpu'>> {
  const out = {
    rss: [] as number[],
    anon: [] as number[],
    file: [] as number[],
    floor: [] as Memory[],
    cpu: [] as number[],
  };
  for (let k = 0; k < plan.cycles; k++) {
    await Promise.race([sleep(t0 + (k + 0.5) * plan.intervalMs - performance.now()), until]);
    const m = memory(pid);
    out.rss.push(m.rss);
    out.anon.push(m.anon);
    out.file.push(m.file);
    out.floor.push(memory(floorPid));
    const c = cpuTimes(pid);
    out.cpu.push(c.self + c.children);
  }
  return out;
}

interface AgentStatus {
  version: string;
  reportsSent: number;
  reportsBuffered: number;
  reportsDropped: number;
  lastError: string | undefined;
}

async function agentStatus(origin: string): Promise<AgentStatus> {
  const res = await fetch(`${origin}/status`, { signal: AbortSignal.timeout(5_000) });
  if (!res.ok) throw new Error(`agent /status answered ${res.status}`);
  const body: unknown = await res.json();
  const field = (key: string): unknown =>
    typeof body === 'object' && body !== null && key in body
      ? (body as Record<string, unknown>)[key]
      : undefined;
  const num = (key: string) => {
    const v = field(key);
    if (typeof v !== 'number') throw new Error(`agent /status has no number '${key}'`);
    return v;
  };
  const lastError = field('lastError');
  const modules = field('modules');
  const enabled = Array.isArray(modules)
    ? modules
        .filter((m: unknown) => typeof m === 'object' && m !== null && 'enabled' in m && m.enabled === true)
        .map((m: unknown) => String(typeof m === 'object' && m !== null && 'name' in m ? m.name : '?'))
    : [];
  if (enabled.join(',') !== 'host')
    throw new Error(
      `agent modules enabled: ${enabled.join(', ') || 'none'}; the bench expects the host module only`,
    );
  return {
    version: String(field('version') ?? 'unknown'),
    reportsSent: num('reportsSent'),
    reportsBuffered: num('reportsBuffered'),
    reportsDropped: num('reportsDropped'),
    lastError: typeof lastError === 'string' ? lastError : undefined,
  };
}

/** Polls the agent's /status every `everyMs` until reportsSent reaches `count`; fails at `deadline`. */
async function waitForReports(
  proc: Proc,
  origin: string,
  count: number,
  deadline: number,
  everyMs: number,
): Promise<AgentStatus> {
  for (;;) {
    const status = await Promise.race([agentStatus(origin), proc.exited]);
    if (status.reportsSent >= count) return status;
    if (Date.now() > deadline)
      throw new Error(
        `${proc.name} delivered ${status.reportsSent} of ${count} reports in time ` +
          `(buffered ${status.reportsBuffered}, dropped ${status.reportsDropped}, last error: ${status.lastError ?? 'none'})`,
      );
    await Promise.race([sleep(everyMs), proc.exited]);
  }
}

async function measureAgent(
  name: string,
  command: { cmd: string; args: string[] },
  server: Service,
  token: string,
  floorPid: number,
  plan: Plan,
  scratch: string,
): Promise<{ window: Window; version: string; reports: AgentStatus }> {
  const healthPort = await freePort();
  const stateDir = mkdtempSync(join(scratch, 'agent-state-'));
  const origin = `http://127.0.0.1:${healthPort}`;
  const agent = startProcess(
    name,
    command.cmd,
    [
      ...command.args,
      '--url',
      server.origin,
      '--token',
      token,
      '--interval',
      `${plan.intervalMs / 1000}s`,
      '--state-dir',
      stateDir,
      '--health-addr',
      `127.0.0.1:${healthPort}`,
      '--log-level',
      'warn',
      // The host module only: node_exporter has no counterpart for the container modules, and the agent
      // turns Docker on by itself on a machine where a docker or podman binary exists.
      '--enable-host',
      'true',
      '--enable-docker',
      'false',
      '--enable-kubernetes',
      'false',
    ],
    cleanEnv(),
  );
  try {
    await waitForHttp(agent, `${origin}/healthz`);
    // Warm-up: the first cycles load code, fill caches and compile; the window starts after them.
    const budget = (cycles: number) => Date.now() + cycles * plan.intervalMs * 2 + 30_000;
    const first = await waitForReports(agent, origin, plan.warmup, budget(plan.warmup), 50);
    // Normally exactly the warm-up count; more only if buffered reports went out together.
    const target = first.reportsSent + plan.cycles;
    const cpuStart = cpuTimes(agent.pid);
    const machineStart = machineBusySeconds();
    const t0 = performance.now();
    const samples = await sampleCycles(agent.pid, floorPid, plan, t0, agent.exited);
    // The window ends when the N-th report after the warm-up is accepted, at the phase it started at.
    const last = await waitForReports(agent, origin, target, budget(plan.cycles), 50);
    const cpuEnd = cpuTimes(agent.pid);
    const seconds = (performance.now() - t0) / 1000;
    const machineCores = busyCores(machineStart, seconds);
    if (last.reportsSent !== target)
      throw new Error(`${name}: saw ${last.reportsSent} reports when waiting for ${target}`);
    if (last.reportsDropped > 0 || last.reportsBuffered > 0)
      throw new Error(
        `${name}: ${last.reportsDropped} reports dropped, ${last.reportsBuffered} buffered ` +
          `(last error: ${last.lastError ?? 'none'}), so the cycles are not all deliveries`,
      );
    return {
      window: { ...samples, cpuStart, cpuEnd, seconds, machineCores },
      version: last.version,
      reports: last,
    };
  } finally {
    await agent.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

interface Scrape {
  bytes: number;
  samples: number;
  ms: number;
}

async function scrape(url: string): Promise<Scrape> {
  const started = performance.now();
  const res = await fetch(url, { headers: SCRAPE_HEADERS, signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  if (!res.ok) throw new Error(`node_exporter /metrics answered ${res.status}: ${text.slice(0, 200)}`);
  let samples = 0;
  for (const line of text.split('\n')) if (line !== '' && !line.startsWith('#')) samples += 1;
  return { bytes: Buffer.byteLength(text), samples, ms: performance.now() - started };
}

async function measureNodeExporter(
  binary: string,
  floorPid: number,
  plan: Plan,
): Promise<{ window: Window; scrapes: Scrape[] }> {
  const port = await freePort();
  const exporter = startProcess(
    'node_exporter',
    binary,
    [`--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
    cleanEnv(),
  );
  const url = `http://127.0.0.1:${port}/metrics`;
  try {
    await waitForHttp(exporter, url);
    // Scrape k starts at start + k × interval, as Prometheus schedules them; RSS is read half-way between.
    const start = performance.now();
    let k = 0;
    const next = () =>
      Promise.race([sleep(start + k * plan.intervalMs - performance.now()), exporter.exited]);
    for (; k < plan.warmup; k++) {
      await next();
      await scrape(url);
    }
    const cpuStart = cpuTimes(exporter.pid);
    const machineStart = machineBusySeconds();
    const t0 = performance.now();
    const scrapes: Scrape[] = [];
    const mem = {
      rss: [] as number[],
      anon: [] as number[],
      file: [] as number[],
      floor: [] as Memory[],
      cpu: [] as number[],
    };
    for (let i = 0; i < plan.cycles; i++, k++) {
      await next();
      scrapes.push(await Promise.race([scrape(url), exporter.exited]));
      await Promise.race([sleep(start + (k + 0.5) * plan.intervalMs - performance.now()), exporter.exited]);
      const m = memory(exporter.pid);
      mem.rss.push(m.rss);
      mem.anon.push(m.anon);
      mem.file.push(m.file);
      mem.floor.push(memory(floorPid));
      const c = cpuTimes(exporter.pid);
      mem.cpu.push(c.self + c.children);
    }
    // Half an interval after the last scrape started, as the agent's window ends right after a cycle.
    const cpuEnd = cpuTimes(exporter.pid);
    const seconds = (performance.now() - t0) / 1000;
    const machineCores = busyCores(machineStart, seconds);
    return { window: { ...mem, cpuStart, cpuEnd, seconds, machineCores }, scrapes };
  } finally {
    await exporter.stop();
  }
}

function subjectOf(
  name: string,
  kind: Subject['kind'],
  unit: Subject['unit'],
  w: Window,
  cycles: number,
  detail: Record<string, unknown>,
): Subject {
  return {
    name,
    kind,
    unit,
    steadyRssMiB: median(w.rss),
    maxRssMiB: Math.max(...w.rss),
    steadyAnonMiB: median(w.anon),
    steadyFileMiB: median(w.file),
    cpuMsPerCycle: ((w.cpuEnd.self - w.cpuStart.self) * 1000) / cycles,
    childCpuMsPerCycle: ((w.cpuEnd.children - w.cpuStart.children) * 1000) / cycles,
    cycles,
    windowSeconds: w.seconds,
    machineCores: w.machineCores,
    ...cpuShape(w),
    detail,
  };
}

/** Per-cycle CPU between consecutive samples (clock-tick resolution), and the window's halves. */
function cpuShape(w: Window): Pick<Subject, 'cpuMsByCycle' | 'busiestCycleMs' | 'cpuMsPerCycleHalves'> {
  const start = w.cpuStart.self + w.cpuStart.children;
  const byCycle = w.cpu.map(
    (c, i) => Math.round((c - (i === 0 ? start : (w.cpu[i - 1] ?? c))) * 1000 * 10) / 10,
  );
  const half = Math.floor(byCycle.length / 2);
  const mean = (xs: number[]) => (xs.length === 0 ? Number.NaN : xs.reduce((a, b) => a + b, 0) / xs.length);
  return {
    cpuMsByCycle: byCycle,
    busiestCycleMs: Math.max(...byCycle),
    cpuMsPerCycleHalves: [mean(byCycle.slice(0, half)), mean(byCycle.slice(half))],
  };
}

const fixed = (n: number | undefined, digits: number) =>
  n === undefined || !Number.isFinite(n) ? '-' : n.toFixed(digits);

function table(subjects: Subject[]): string {
  const head = [
    'subject',
    'steady RSS MiB',
    'max RSS MiB',
    'anon/file MiB',
    'CPU ms per cycle',
    'RSS / floor',
    'CPU / node_exporter',
  ];
  const rows = subjects.map((s) => [
    s.name,
    fixed(s.steadyRssMiB, 1),
    fixed(s.maxRssMiB, 1),
    `${fixed(s.steadyAnonMiB, 1)} / ${fixed(s.steadyFileMiB, 1)}`,
    `${fixed(s.cpuMsPerCycle + s.childCpuMsPerCycle, 2)} per ${s.unit}`,
    s.rssOfFloor === undefined ? '-' : `${s.rssOfFloor.toFixed(2)}×`,
    s.cpuOfNodeExporter === undefined ? '-' : `${s.cpuOfNodeExporter.toFixed(2)}×`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const fmt = (row: string[]) =>
    row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ');
  return [fmt(head), fmt(widths.map((w) => '-'.repeat(w))), ...rows.map(fmt)].join('\n');
}

export default async function agentBench(): Promise<void> {
  if (process.platform !== 'linux') throw new Error('the agent footprint bench reads /proc: run it on Linux');
  const plan: Plan = {
    cycles: envInt('BENCH_AGENT_CYCLES', 100, 1),
    warmup: envInt('BENCH_AGENT_WARMUP', 5, 1),
    intervalMs: envInt('BENCH_AGENT_INTERVAL', 1, 1) * 1000,
  };
  const cpuProfDir = process.env.BENCH_AGENT_CPU_PROF ? resolve(process.env.BENCH_AGENT_CPU_PROF) : undefined;
  const exporterBinary = nodeExporterBinary();
  const exporterVersion = versionOf(exporterBinary, ['--version']);
  const executable = agentExecutable();
  const staleExecutable =
    executable !== undefined && statSync(executable).mtimeMs < newestSourceMtime() ? executable : undefined;

  const cpuModel = cpus()[0]?.model ?? 'unknown CPU';
  const cores = availableParallelism();
  const minutes = ((plan.cycles + plan.warmup) * plan.intervalMs * (executable ? 3 : 2)) / 60_000;
  console.log('Agent footprint');
  console.log(
    `node ${process.version}, ${cores} cores (${cpuModel}), ${process.platform}/${process.arch}, ` +
      'loopback 127.0.0.1',
  );
  console.log(
    `interval ${plan.intervalMs / 1000} s, ${plan.warmup} warm-up + ${plan.cycles} measured cycles per subject, ` +
      `subjects one after the other (about ${minutes.toFixed(1)} min)`,
  );
  console.log(`baseline: ${exporterVersion} (${exporterBinary}), default collectors`);
  if (executable) console.log(`single executable: ${relative(process.cwd(), executable)}`);
  else console.log('single executable: none (build it with npm run build:agent -- linux-amd64)');
  if (staleExecutable)
    console.log(
      `note: ${relative(process.cwd(), staleExecutable)} is older than the agent's source; ` +
        'rebuild it to measure the current code',
    );
  if (cpuProfDir)
    console.log(`note: the source agent runs with --cpu-prof; its CPU figure includes the profiler`);

  const scratch = mkdtempSync(join(tmpdir(), 'pulse-bench-agent-'));
  const removeScratch = () => rmSync(scratch, { recursive: true, force: true });
  const forgetScratch = atExit(removeScratch);
  const subjects: Subject[] = [];
  let floorWindow: { mem: Memory[]; cpuStart: CpuTimes; cpuEnd: CpuTimes; seconds: number } | undefined;
  const procs: Array<{ stop(): Promise<void> }> = [];
  let agentVersion = 'unknown';
  try {
    // The floor: an idle Node process of the same binary, alive for the whole run.
    const floor = startProcess('floor', process.execPath, ['-e', 'setInterval(() => {}, 1000)'], cleanEnv());
    procs.push(floor);
    const floorMem: Memory[] = [];

    const token = randomBytes(32).toString('hex');
    const server = await startPulseServer({
      dataDir: mkdtempSync(join(scratch, 'server-data-')),
      token: token,
    });
    procs.push(server);
    // The floor has settled by now (the server took longer to start than it did).
    const floorT0 = performance.now();
    const floorCpuStart = cpuTimes(floor.pid);

    const agents: Array<{ name: string; cmd: string; args: string[] }> = [
      {
        name: 'agent (node + source)',
        cmd: process.execPath,
        args: [...(cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`] : []), AGENT_CLI],
      },
    ];
    if (executable) agents.push({ name: 'agent (single executable)', cmd: executable, args: [] });
    for (const a of agents) {
      console.log(`running: ${a.name}`);
      // What ran: the executable's hash, or the source's newest change; checked again afterwards, because
      // a build or an edit during the window would make the figures belong to neither version.
      const isSource = a.cmd === process.execPath;
      const sha256 = isSource ? undefined : sha256Of(a.cmd);
      const changedAt = () => (isSource ? newestSourceMtime() : statSync(a.cmd).mtimeMs);
      const before = changedAt();
      const { window, version, reports } = await measureAgent(
        a.name,
        a,
        server,
        token,
        floor.pid,
        plan,
        scratch,
      );
      agentVersion = version;
      floorMem.push(...window.floor);
      const changed = changedAt() !== before;
      if (changed)
        console.log(
          `note: ${isSource ? "the agent's source" : relative(process.cwd(), a.cmd)} changed while ` +
            `'${a.name}' was measured; its figures are for the version that was running`,
        );
      subjects.push(
        subjectOf(a.name, 'agent', 'cycle', window, plan.cycles, {
          version,
          command: [relative(ROOT, a.cmd) || a.cmd, ...a.args.map((x) => relative(ROOT, x) || x)].join(' '),
          reportsSent: reports.reportsSent,
          reportsDropped: reports.reportsDropped,
          sha256,
          changedDuringRun: changed,
        }),
      );
    }
    await server.stop();

    console.log('running: node_exporter');
    const { window, scrapes } = await measureNodeExporter(exporterBinary, floor.pid, plan);
    floorMem.push(...window.floor);
    const scrapeMs = scrapes.map((s) => s.ms);
    subjects.push(
      subjectOf('node_exporter', 'node_exporter', 'scrape', window, plan.cycles, {
        version: exporterVersion,
        scrapeBytes: median(scrapes.map((s) => s.bytes)),
        scrapeSamples: median(scrapes.map((s) => s.samples)),
        scrapeMsMedian: median(scrapeMs),
        scrapeMsMax: Math.max(...scrapeMs),
      }),
    );

    floorWindow = {
      mem: floorMem,
      cpuStart: floorCpuStart,
      cpuEnd: cpuTimes(floor.pid),
      seconds: (performance.now() - floorT0) / 1000,
    };
    await floor.stop();
  } finally {
    await Promise.all(procs.map((p) => p.stop()));
    forgetScratch();
    removeScratch();
  }

  // The floor's memory is sampled with every subject's; its CPU is over the whole run, per interval.
  const floorIntervals = (floorWindow.seconds * 1000) / plan.intervalMs;
  const floorRss = floorWindow.mem.map((m) => m.rss);
  const floor: Subject = {
    name: 'bare Node (floor)',
    kind: 'floor',
    unit: 'interval',
    steadyRssMiB: median(floorRss),
    maxRssMiB: Math.max(...floorRss),
    steadyAnonMiB: median(floorWindow.mem.map((m) => m.anon)),
    steadyFileMiB: median(floorWindow.mem.map((m) => m.file)),
    cpuMsPerCycle: ((floorWindow.cpuEnd.self - floorWindow.cpuStart.self) * 1000) / floorIntervals,
    childCpuMsPerCycle: 0,
    cycles: floorRss.length,
    windowSeconds: floorWindow.seconds,
    machineCores: undefined,
    cpuMsByCycle: [],
    busiestCycleMs: Number.NaN,
    cpuMsPerCycleHalves: [Number.NaN, Number.NaN],
    detail: { command: 'node -e "setInterval(() => {}, 1000)"', samples: floorRss.length },
  };
  const exporter = subjects.find((s) => s.kind === 'node_exporter');
  const exporterCpu = exporter ? exporter.cpuMsPerCycle + exporter.childCpuMsPerCycle : Number.NaN;
  for (const s of subjects) {
    if (s.kind !== 'agent') continue;
    s.rssOfFloor = s.steadyRssMiB / floor.steadyRssMiB;
    s.cpuOfNodeExporter =
      exporterCpu > 0 ? (s.cpuMsPerCycle + s.childCpuMsPerCycle) / exporterCpu : undefined;
  }
  const all = [floor, ...subjects];

  console.log(`\n${table(all)}\n`);
  console.log(
    `steady RSS: median of ${plan.cycles} samples (VmRSS, one per cycle, half an interval in); ` +
      'anon/file: RssAnon (heap, stacks, code) / RssFile (mapped binary, libraries)',
  );
  console.log(
    `CPU: utime + stime (+ tools it ran) from /proc/<pid>/stat over ${plan.cycles} cycles, ` +
      `clock tick ${(1000 / ticksPerSecond()).toFixed(0)} ms, so ±${(1000 / ticksPerSecond() / plan.cycles).toFixed(2)} ms per cycle`,
  );
  for (const s of subjects)
    console.log(
      `${s.name}: CPU ms per ${s.unit} ${fixed(s.cpuMsPerCycleHalves[0], 2)} in the first half of the window, ` +
        `${fixed(s.cpuMsPerCycleHalves[1], 2)} in the second; busiest ${s.unit} ${fixed(s.busiestCycleMs, 0)} ms`,
    );
  console.log(
    `machine busy during the windows (all processes, of ${cores} cores): ` +
      subjects.map((s) => `${s.name} ${fixed(s.machineCores, 2)}`).join(', '),
  );
  for (const s of subjects)
    if ((s.machineCores ?? 0) >= 0.25)
      console.log(
        `note: the machine was busy with ${fixed(s.machineCores, 2)} cores during '${s.name}': other work ` +
          'ran at the same time, so its CPU figure may be inflated; run again on a quiet machine',
      );
  for (const s of subjects) {
    const expected = (plan.cycles * plan.intervalMs) / 1000;
    if (s.windowSeconds > expected * 1.1 + 1)
      console.log(
        `note: ${s.name} took ${s.windowSeconds.toFixed(1)} s for ${plan.cycles} cycles (expected ~${expected} s)`,
      );
  }
  for (const s of subjects) {
    if (s.kind !== 'agent') continue;
    // Judged on the ratios as printed (two decimals), so that 1.00× never reads as below 1×.
    const printed = (n: number | undefined) =>
      n === undefined ? Number.POSITIVE_INFINITY : Number(n.toFixed(2));
    const rssMet = printed(s.rssOfFloor) <= AIM.rssOfFloor;
    const cpuMet = printed(s.cpuOfNodeExporter) < AIM.cpuOfNodeExporter;
    console.log(
      `${s.name}: RSS ${fixed(s.rssOfFloor, 2)}× the floor (aim <= ${AIM.rssOfFloor}×: ${rssMet ? 'met' : 'not met'}), ` +
        `CPU ${fixed(s.cpuOfNodeExporter, 2)}× node_exporter's per scrape (aim < 1×: ${cpuMet ? 'met' : 'not met'}) ` +
        '(informative)',
    );
  }

  mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
  const results = {
    bench: 'agent',
    date: new Date().toISOString(),
    machine: { node: process.version, platform: process.platform, arch: process.arch, cores, cpuModel },
    setup: {
      intervalSeconds: plan.intervalMs / 1000,
      cycles: plan.cycles,
      warmupCycles: plan.warmup,
      clockTicksPerSecond: ticksPerSecond(),
      agentVersion,
      nodeExporter: exporterVersion,
      singleExecutable: executable ? relative(ROOT, executable) : undefined,
      singleExecutableOlderThanSource: staleExecutable !== undefined,
      cpuProfile: cpuProfDir !== undefined,
    },
    aims: AIM,
    subjects: all.map((s) => ({
      ...s,
      cpuMsPerCycleTotal: s.cpuMsPerCycle + s.childCpuMsPerCycle,
    })),
  };
  writeFileSync(
    RESULTS,
    `${JSON.stringify(results, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`,
  );
  console.log(`results written to ${relative(process.cwd(), RESULTS)}`);
}

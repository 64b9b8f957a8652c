// The agent footprint bench's measuring parts: /proc readings of a process, an agent run for N delivered
// reports against the real server (RSS sampled once per cycle, CPU over the window), and the figures and
// table made of them. Used by bench/agent.bench.ts and its levers and Docker modes.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { median } from './figures.ts';
import {
  cleanEnv,
  freePort,
  machineBusySeconds,
  type Proc,
  type Service,
  startProcess,
  waitForHttp,
} from './proc.ts';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));

// ---- /proc readings ------------------------------------------------------------------------------------

let clockTicks: number | undefined;
export function ticksPerSecond(): number {
  clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  return clockTicks;
}

export interface CpuTimes {
  /** utime + stime of the process (all its threads), seconds. */
  self: number;
  /** cutime + cstime: children it waited for (tools it ran), seconds. */
  children: number;
}

export function cpuTimes(pid: number): CpuTimes {
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

export interface Memory {
  /** VmRSS, RssAnon (heap, stacks, JIT code) and RssFile (mapped binary and libraries), MiB. */
  rss: number;
  anon: number;
  file: number;
}

export function memory(pid: number): Memory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (key: string) => {
    const m = new RegExp(`^${key}:\\s+(\\d+)\\s+kB`, 'm').exec(status);
    return m?.[1] ? Number(m[1]) / 1024 : Number.NaN;
  };
  const mem = { rss: kib('VmRSS'), anon: kib('RssAnon'), file: kib('RssFile') };
  if (!Number.isFinite(mem.rss)) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return mem;
}

export function busyCores(startSeconds: number | undefined, seconds: number): number | undefined {
  const end = machineBusySeconds();
  return startSeconds === undefined || end === undefined || seconds <= 0
    ? undefined
    : (end - startSeconds) / seconds;
}

// ---- measurement ---------------------------------------------------------------------------------------

export interface Plan {
  cycles: number;
  warmup: number;
  intervalMs: number;
}

export interface Window {
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

export interface Subject {
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
export async function sampleCycles(
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

export interface AgentStatus {
  version: string;
  reportsSent: number;
  reportsBuffered: number;
  reportsDropped: number;
  lastError: string | undefined;
  /** Module name → state (running, retrying, unavailable, ...). */
  states: Record<string, string>;
}

export async function agentStatus(origin: string, expected = 'host'): Promise<AgentStatus> {
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
  if (enabled.join(',') !== expected)
    throw new Error(
      `agent modules enabled: ${enabled.join(', ') || 'none'}; the bench expects ${expected} only`,
    );
  const states = Array.isArray(modules)
    ? Object.fromEntries(
        modules.flatMap((m: unknown) =>
          typeof m === 'object' && m !== null && 'name' in m && 'state' in m
            ? [[String(m.name), String(m.state)]]
            : [],
        ),
      )
    : {};
  return {
    version: String(field('version') ?? 'unknown'),
    reportsSent: num('reportsSent'),
    reportsBuffered: num('reportsBuffered'),
    reportsDropped: num('reportsDropped'),
    lastError: typeof lastError === 'string' ? lastError : undefined,
    states,
  };
}

/** Polls the agent's /status every `everyMs` until reportsSent reaches `count`; fails at `deadline`. */
export async function waitForReports(
  proc: Proc,
  origin: string,
  count: number,
  deadline: number,
  everyMs: number,
  expected = 'host',
): Promise<AgentStatus> {
  for (;;) {
    const status = await Promise.race([agentStatus(origin, expected), proc.exited]);
    if (status.reportsSent >= count) return status;
    if (Date.now() > deadline)
      throw new Error(
        `${proc.name} delivered ${status.reportsSent} of ${count} reports in time ` +
          `(buffered ${status.reportsBuffered}, dropped ${status.reportsDropped}, last error: ${status.lastError ?? 'none'})`,
      );
    await Promise.race([sleep(everyMs), proc.exited]);
  }
}

/** Which modules the agent runs with, and the environment it gets (PATH and HOME, plus `env`). */
export interface AgentSetup {
  /** The module the bench expects to be the only one enabled. */
  module: 'host' | 'docker';
  env?: Record<string, string>;
}

export interface RunningAgent {
  proc: Proc;
  /** The agent's health server, for /status. */
  origin: string;
  module: AgentSetup['module'];
  stop(): Promise<void>;
}

/** Starts `command` as the agent reporting to `server` every plan.intervalMs, with its own state dir. */
export async function startAgentProcess(
  name: string,
  command: { cmd: string; args: string[] },
  server: Service,
  token: string,
  plan: Plan,
  scratch: string,
  setup: AgentSetup = { module: 'host' },
): Promise<RunningAgent> {
  const healthPort = await freePort();
  const stateDir = mkdtempSync(join(scratch, 'agent-state-'));
  const origin = `http://127.0.0.1:${healthPort}`;
  // One module only. For the host line, node_exporter has no counterpart for the container modules, and
  // the agent turns Docker on by itself on a machine where a docker or podman binary exists.
  const modules =
    setup.module === 'host'
      ? ['--enable-host', 'true', '--enable-docker', 'false']
      : ['--enable-host', 'false', '--enable-docker', 'true', '--docker-runtime', 'docker'];
  const proc = startProcess(
    name,
    command.cmd,
    [
      ...command.args,
      ...['--url', server.origin, '--token', token, '--interval', `${plan.intervalMs / 1000}s`],
      ...['--state-dir', stateDir, '--health-addr', `127.0.0.1:${healthPort}`, '--log-level', 'warn'],
      ...modules,
      ...['--enable-kubernetes', 'false'],
    ],
    cleanEnv(setup.env),
  );
  const stop = async () => {
    await proc.stop();
    rmSync(stateDir, { recursive: true, force: true });
  };
  try {
    await waitForHttp(proc, `${origin}/healthz`);
  } catch (err) {
    await stop();
    throw err;
  }
  return { proc, origin, module: setup.module, stop };
}

/**
 * A window of plan.cycles delivered reports after `warmup` more: RSS sampled once per cycle (with the
 * floor's), CPU over the window. Fails when a report is dropped or left buffered.
 */
export async function measureWindow(
  agent: RunningAgent,
  floorPid: number,
  plan: Plan,
  warmup = plan.warmup,
): Promise<{ window: Window; reports: AgentStatus }> {
  const { proc, origin } = agent;
  const budget = (cycles: number) => Date.now() + cycles * plan.intervalMs * 2 + 30_000;
  const wait = (count: number, deadline: number) =>
    waitForReports(proc, origin, count, deadline, 50, agent.module);
  // Warm-up: the first cycles load code, fill caches and compile; the window starts after them.
  const now = await wait(0, budget(0));
  const first = await wait(now.reportsSent + warmup, budget(warmup));
  // Normally exactly the warm-up count; more only if buffered reports went out together.
  const target = first.reportsSent + plan.cycles;
  const cpuStart = cpuTimes(proc.pid);
  const machineStart = machineBusySeconds();
  const t0 = performance.now();
  const samples = await sampleCycles(proc.pid, floorPid, plan, t0, proc.exited);
  // The window ends when the N-th report after the warm-up is accepted, at the phase it started at.
  const last = await wait(target, budget(plan.cycles));
  const cpuEnd = cpuTimes(proc.pid);
  const seconds = (performance.now() - t0) / 1000;
  const machineCores = busyCores(machineStart, seconds);
  if (last.reportsSent !== target)
    throw new Error(`${proc.name}: saw ${last.reportsSent} reports when waiting for ${target}`);
  if (last.reportsDropped > 0 || last.reportsBuffered > 0)
    throw new Error(
      `${proc.name}: ${last.reportsDropped} reports dropped, ${last.reportsBuffered} buffered ` +
        `(last error: ${last.lastError ?? 'none'}), so the cycles are not all deliveries`,
    );
  return { window: { ...samples, cpuStart, cpuEnd, seconds, machineCores }, reports: last };
}

/** The host-module agent started, measured for one window, and stopped. */
export async function measureAgent(
  name: string,
  command: { cmd: string; args: string[] },
  server: Service,
  token: string,
  floorPid: number,
  plan: Plan,
  scratch: string,
): Promise<{ window: Window; version: string; reports: AgentStatus }> {
  const agent = await startAgentProcess(name, command, server, token, plan, scratch);
  try {
    const { window, reports } = await measureWindow(agent, floorPid, plan);
    return { window, version: reports.version, reports };
  } finally {
    await agent.stop();
  }
}

export function subjectOf(
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
export function cpuShape(
  w: Window,
): Pick<Subject, 'cpuMsByCycle' | 'busiestCycleMs' | 'cpuMsPerCycleHalves'> {
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

export const fixed = (n: number | undefined, digits: number) =>
  n === undefined || !Number.isFinite(n) ? '-' : n.toFixed(digits);

export function table(subjects: Subject[]): string {
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

/**
 * Drops the page cache of a single executable before it runs (fsync, then posix_fadvise DONTNEED through
 * GNU dd). Its file-backed RSS depends on how its pages came into the cache: a just-built executable,
 * written whole, maps up to ~30 MiB more of itself than the same file started from a cold cache (after a
 * boot, or a download), because the kernel maps cached pages around each fault. Dropping it makes runs
 * comparable and is what a service start after a boot sees. Returns false when it could not.
 */
export function evictPageCache(path: string): boolean {
  try {
    execFileSync('sync', [path], { stdio: 'ignore' });
    execFileSync('dd', [`if=${path}`, 'iflag=nocache', 'count=0', 'status=none'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

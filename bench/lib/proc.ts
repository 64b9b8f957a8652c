// Child processes for benchmarks: start, wait until healthy, read RSS and CPU time, stop. Every child is
// tracked so that it is killed when the bench finishes, fails, or is interrupted.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

const children = new Set<ChildProcess>();
const exitHooks = new Set<() => void>();

function killAll(): void {
  for (const child of children) child.kill('SIGKILL');
  children.clear();
  for (const hook of exitHooks) hook();
  exitHooks.clear();
}
process.on('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killAll();
    process.exit(130);
  });
}

/** Registers a child started elsewhere (for example with fork) so that it is cleaned up too. */
export function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** Runs `hook` synchronously when this process exits, interrupted or not; the result unregisters it. */
export function atExit(hook: () => void): () => void {
  exitHooks.add(hook);
  return () => exitHooks.delete(hook);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

export interface Service {
  name: string;
  child: ChildProcess;
  pid: number;
  origin: string;
  stop(): Promise<void>;
}

/** A log line without what changes between its repeats (timestamps, durations). */
function repeatKey(line: string): string {
  return line
    .replace(/"(time|ts|timestamp)":"[^"]*"/g, '')
    .replace(/\bts=\S+\s*/, '')
    .replace(/\bduration_seconds=\S+\s*/, '');
}

/**
 * Copies a child's output lines to stderr with a prefix. With `seen`, each distinct line only once
 * (a subject that logs the same error on every cycle would bury the figures).
 */
function forwardLines(stream: NodeJS.ReadableStream | null, prefix: string, seen?: Set<string>): void {
  let pending = '';
  stream?.setEncoding('utf8');
  stream?.on('data', (chunk: string) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.trim()) continue;
      if (seen) {
        const key = repeatKey(line);
        if (seen.has(key)) continue;
        seen.add(key);
      }
      process.stderr.write(`${prefix} ${line}${seen?.size === 1 ? ' (repeats are not shown)' : ''}\n`);
    }
  });
}

export interface Proc {
  name: string;
  child: ChildProcess;
  pid: number;
  /** Rejects when the process exits before stop() was called. */
  exited: Promise<never>;
  stop(): Promise<void>;
}

/** A benchmark subject: `cmd args` with `env` only, its output forwarded once per distinct line. */
export function startProcess(name: string, cmd: string, args: string[], env: NodeJS.ProcessEnv): Proc {
  const child = track(spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] }));
  const seen = new Set<string>();
  forwardLines(child.stdout, `[${name}]`, seen);
  forwardLines(child.stderr, `[${name}]`, seen);
  let stopping = false;
  const exited = new Promise<never>((_, reject) => {
    child.once('error', (err) => reject(new Error(`${name} did not start: ${err.message}`)));
    child.once('exit', (code, signal) => {
      if (!stopping) reject(new Error(`${name} exited unexpectedly (code ${code}, signal ${signal})`));
    });
  });
  exited.catch(() => {});
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${name} has no pid (${cmd} could not be started)`);
  return {
    name,
    child,
    pid,
    exited,
    stop: async () => {
      stopping = true;
      await stopChild(child, 5_000);
    },
  };
}

/** Resolves once `url` answers 2xx; fails when `proc` exits or after `timeoutMs`. */
export async function waitForHttp(proc: Proc, url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await Promise.race([
      fetch(url, { signal: AbortSignal.timeout(1_000) }).then(
        async (res) => {
          await res.body?.cancel();
          return res.ok;
        },
        () => false,
      ),
      proc.exited,
    ]);
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`${proc.name}: ${url} did not answer within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The environment a subject runs with: PATH and HOME only, so no PULSE_* or NODE_* setting leaks in. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin' };
  if (process.env.HOME) env.HOME = process.env.HOME;
  return { ...env, ...extra };
}

/**
 * Runs `node <args>` with `env` on top of this process's environment, then polls `healthPath` until it
 * answers 2xx. Fails if the child exits first or is not healthy within `timeoutMs`.
 */
export async function startService(opts: {
  name: string;
  args: string[];
  env: Record<string, string>;
  port: number;
  healthPath: string;
  timeoutMs?: number;
  /** Time between two health probes while starting; 100 ms unless said. */
  pollMs?: number;
}): Promise<Service> {
  const child = track(
    spawn(process.execPath, opts.args, {
      env: { ...process.env, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  forwardLines(child.stdout, `[${opts.name}]`);
  forwardLines(child.stderr, `[${opts.name}]`);
  const origin = `http://127.0.0.1:${opts.port}`;
  const exited = new Promise<never>((_, reject) => {
    child.once('exit', (code, signal) =>
      reject(new Error(`${opts.name} exited during start (code ${code}, signal ${signal})`)),
    );
  });
  exited.catch(() => {});

  const deadline = Date.now() + (opts.timeoutMs ?? 20_000);
  for (;;) {
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${opts.name} was not healthy within ${opts.timeoutMs ?? 20_000} ms`);
    }
    const healthy = await Promise.race([
      fetch(`${origin}${opts.healthPath}`, { signal: AbortSignal.timeout(1_000) }).then(
        async (res) => {
          await res.body?.cancel();
          return res.ok;
        },
        () => false,
      ),
      exited,
    ]);
    if (healthy) break;
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 100));
  }

  const pid = child.pid;
  if (pid === undefined) throw new Error(`${opts.name} has no pid`);
  return {
    name: opts.name,
    child,
    pid,
    origin,
    stop: () => stopChild(child),
  };
}

const SERVER_MAIN = new URL('../../server/src/main.ts', import.meta.url).pathname;

/**
 * The Pulse server from source on a free loopback port, with one full-access token and warn-level logs.
 * `cpuProfDir` runs it under --cpu-prof; `env` adds or overrides variables (PVE_POLLING_INTERVAL, ...).
 * `script` runs another entry point (the esbuild bundle), `nodeArgs` go to node before it, and
 * `healthPollMs` probes /api/health more often when the time to healthy is what is measured.
 */
export async function startPulseServer(opts: {
  dataDir: string;
  token: string;
  cpuProfDir?: string;
  env?: Record<string, string>;
  script?: string;
  nodeArgs?: string[];
  healthPollMs?: number;
  timeoutMs?: number;
}): Promise<Service> {
  const port = await freePort();
  return startService({
    name: 'server',
    args: [
      ...(opts.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${opts.cpuProfDir}`] : []),
      ...(opts.nodeArgs ?? []),
      opts.script ?? SERVER_MAIN,
    ],
    env: {
      PORT: String(port),
      BIND_ADDRESS: '127.0.0.1',
      PULSE_DATA_DIR: opts.dataDir,
      API_TOKENS: opts.token,
      API_TOKEN: '',
      LOG_LEVEL: 'warn',
      ...opts.env,
    },
    port,
    healthPath: '/api/health',
    pollMs: opts.healthPollMs,
    timeoutMs: opts.timeoutMs,
  });
}

const BARE_SERVER = new URL('../bare-server.ts', import.meta.url).pathname;

/**
 * bench/bare-server.ts on a free loopback port: the baseline the benches measure the server against.
 * `script` runs a bundle of it instead (to compare with the bundled server).
 */
export async function startBareServer(script = BARE_SERVER): Promise<Service> {
  const port = await freePort();
  return startService({
    name: 'bare',
    args: [script],
    env: { PORT: String(port) },
    port,
    healthPath: '/api/health',
  });
}

/** SIGTERM, then SIGKILL if the child is still there after `graceMs`. */
export async function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await gone;
  clearTimeout(timer);
}

/** Resident set size of a live process in MiB, from /proc (Linux); undefined elsewhere. */
export function rssMiB(pid: number): number | undefined {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m?.[1] ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

let clockTicks: number | undefined;

function ticksPerSecond(): number {
  clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  return clockTicks;
}

/** User + system CPU seconds used so far by a process and all its threads, from /proc (Linux). */
export function cpuSeconds(pid: number): number | undefined {
  try {
    const clockTicks = ticksPerSecond();
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15 of the line.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / clockTicks;
  } catch {
    return undefined;
  }
}

/** CPU seconds the whole machine has been busy (all cores, all processes, steal too), from /proc/stat. */
export function machineBusySeconds(): number | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
    // cpu user nice system idle iowait irq softirq steal ...
    const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1, 9).map(Number);
    const busy = [user, nice, system, irq, softirq, steal].reduce<number>((sum, v) => sum + (v ?? 0), 0);
    return Number.isFinite(busy) ? busy / ticksPerSecond() : undefined;
  } catch {
    return undefined;
  }
}

// The Docker module when its engine goes away and comes back, against a real dockerd and the real server:
// the source drops its module (collector, clients, memo) so it can be collected, pings again on the
// back-off (5 s, then 10 s), and loads a new module and reports again once the engine answers.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { type Logger, StateResponse } from '@pulse/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerSource } from '../agent/src/runtime/docker-source.ts';
import { ModuleRegistry, type ModuleStatus } from '../agent/src/runtime/module-status.ts';
import { Reporter } from '../agent/src/runtime/reporter.ts';
import { PulseClient } from '../agent/src/transport/client.ts';
import { type DockerEngine, engineSkipReason, startDockerEngine } from './support/docker-engine.ts';
import { type ServerProcess, startServer } from './support/server-process.ts';

const ROOT = new URL('..', import.meta.url).pathname;
const skip = engineSkipReason();
const token = randomBytes(32).toString('hex');
let engine: DockerEngine | undefined;
let server: ServerProcess | undefined;
let stateDir: string | undefined;

// A test reading whether an object was collected needs the collector on demand.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

beforeAll(async () => {
  if (skip) return;
  engine = await startDockerEngine();
  if (!engine) throw new Error('the Docker engine did not start');
  server = await startServer({ env: { API_TOKENS: token } });
  stateDir = mkdtempSync(join(tmpdir(), 'pulse-lost-engine-'));
}, 300_000);

afterAll(async () => {
  await server?.stop();
  server?.cleanup();
  await engine?.stop();
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
}, 120_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(read: () => T | undefined, what: string, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = read();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`${what}: not seen within ${timeoutMs} ms`);
    await sleep(100);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Stops dockerd the way a service manager does (SIGTERM), keeping its directory for the restart. */
async function stopDockerd(dir: string): Promise<void> {
  const pid = Number(readFileSync(join(dir, 'docker.pid'), 'utf8').trim());
  process.kill(pid, 'SIGTERM');
  await until(() => (alive(pid) ? undefined : true), 'dockerd exit');
}

/** Starts dockerd again on the same directory and socket (scripts/docker-engine.sh start is idempotent). */
function restartDockerd(dir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(
      'bash',
      [join(ROOT, 'scripts/docker-engine.sh'), 'start', dir],
      { timeout: 180_000 },
      (err, _o, e) => (err ? reject(new Error(`docker-engine.sh start failed: ${e}`)) : resolve()),
    );
  });
}

describe.skipIf(skip !== undefined)('the Docker module when the engine is lost', () => {
  it('releases the module, retries with back-off, and reloads and reports when the engine is back', async () => {
    if (!engine || !server || !stateDir) throw new Error('setup did not run');
    const warnings: string[] = [];
    const infos: string[] = [];
    const log: Logger = {
      debug: () => {},
      info: (msg) => infos.push(msg),
      warn: (msg) => warnings.push(msg),
      error: (msg) => warnings.push(msg),
    };
    const modules = new ModuleRegistry();
    modules.set('docker', { enabled: true, state: 'starting' });
    const opened: Array<WeakRef<object>> = [];
    const identity = {
      agentId: 'lost-engine-agent',
      machineId: undefined,
      hostname: 'lost-engine-host',
      version: '0.0.0',
      intervalSeconds: 1,
      tags: [],
      diskExclude: [],
    };
    const source = dockerSource(
      { intervalMs: 1000, dockerRuntime: 'docker' },
      identity,
      modules,
      log,
      { DOCKER_HOST: `unix://${engine.socketPath}` },
      { onModule: (m) => opened.push(new WeakRef(m)) },
    );
    const client = new PulseClient({
      baseUrl: server.url,
      token,
      userAgent: 'pulse-agent-test',
      insecure: false,
      cacert: undefined,
    });
    const reporter = new Reporter(source, { client, log, stateDir, intervalMs: 1000, modules });
    const controller = new AbortController();
    const running = reporter.run(controller.signal);
    const docker = (): ModuleStatus | undefined => modules.list().find((m) => m.name === 'docker');
    // The status is rewritten at the failed cycle ('retrying') and at every failed attempt to get ready
    // ('unavailable'): its updatedAt tells when each happened.
    const failedPings = new Set<string>();
    let lostAt: string | undefined;
    const watch = setInterval(() => {
      const s = docker();
      if (s?.state === 'retrying') lostAt ??= s.updatedAt;
      if (s?.state === 'unavailable') failedPings.add(s.updatedAt);
    }, 50);
    try {
      // 1. The engine answers: the module is loaded and reports reach the server.
      await until(() => (reporter.delivery.stats.sent >= 2 ? true : undefined), 'two reports delivered');
      expect(docker()?.state).toBe('running');
      expect(opened).toHaveLength(1);
      const res = await fetch(`${server.url}/api/state`, { headers: { 'X-API-Token': token } });
      expect(StateResponse.parse(await res.json()).dockerHosts.map((h) => h.hostname)).toContain(
        'lost-engine-host',
      );

      // 2. The engine goes away: the cycle fails, the module is dropped and can be collected.
      await stopDockerd(engine.dir);
      const lost = Date.parse(await until(() => lostAt, 'the failed cycle'));
      // Each poll collects first: a deref keeps its target alive until the job it ran in ends.
      await until(
        () => {
          gc();
          return opened[0]?.deref() === undefined ? true : undefined;
        },
        'the first module collected',
        30_000,
      );

      // 3. It pings again on the back-off: 5 s after the loss, then 10 s later; the reason is said once.
      await until(() => (failedPings.size >= 2 ? true : undefined), 'two failed pings', 60_000);
      const [first = 0, second = 0] = [...failedPings].map((t) => Date.parse(t)).sort((a, b) => a - b);
      // Lower bounds only: a busy machine makes the waits longer, never shorter.
      expect(first - lost).toBeGreaterThanOrEqual(4_000);
      expect(second - first).toBeGreaterThanOrEqual(9_000);
      expect(docker()?.lastError).toMatch(/^no Docker or Podman engine answers at unix:\/\/.*docker\.sock/);
      expect(warnings.filter((w) => w === 'docker: unavailable; will keep trying')).toHaveLength(1);
      expect(opened).toHaveLength(1);

      // 4. The engine comes back: the next attempt loads a new module and reports again.
      const sentBefore = reporter.delivery.stats.sent;
      await restartDockerd(engine.dir);
      await until(
        () => (reporter.delivery.stats.sent >= sentBefore + 2 ? true : undefined),
        'reports after the engine came back',
        90_000,
      );
      expect(docker()?.state).toBe('running');
      expect(opened).toHaveLength(2);
      expect(infos).toContain('docker: available again');
    } finally {
      clearInterval(watch);
      controller.abort();
      await running;
      source.close?.();
      await client.close();
    }
  }, 300_000);
});

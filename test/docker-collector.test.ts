// The Docker/Podman collector against real engines (a throwaway dockerd and Podman service, each on its
// own socket), with CPU and memory checked against what the host's /proc and cgroup files say.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, type DockerContainer, DockerReport } from '@pulse/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createDockerCollector,
  type DockerCollection,
  type DockerCollector,
} from '../agent/src/collectors/docker/collect.ts';
import {
  DOCKER,
  type DockerEngine,
  type EngineScript,
  engineGet,
  engineSkipReason,
  runContainer,
  SCENARIOS,
  type ScenarioContainers,
  startDockerEngine,
  startScenarioContainers,
  TEST_IMAGE,
} from './support/docker-engine.ts';
import { PODMAN, startPodmanEngine } from './support/podman-engine.ts';

interface EngineCase {
  kind: DockerEngine['kind'];
  spec: EngineScript;
  start: () => Promise<DockerEngine | undefined>;
  /** The variable a user of this engine sets to point clients at it. */
  hostVar: 'DOCKER_HOST' | 'CONTAINER_HOST';
}

const ENGINES: EngineCase[] = [
  { kind: 'docker', spec: DOCKER, start: startDockerEngine, hostVar: 'DOCKER_HOST' },
  { kind: 'podman', spec: PODMAN, start: startPodmanEngine, hostVar: 'CONTAINER_HOST' },
];

const MiB = 1024 * 1024;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Inspect {
  RestartCount: number;
  State: { Status: string; Pid: number; Health?: { Status: string } | null };
}

async function waitFor<T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  let last = await read();
  while (!ok(last)) {
    if (Date.now() > deadline)
      throw new Error(`${what} not seen in ${timeoutMs} ms: ${JSON.stringify(last)}`);
    await sleep(250);
    last = await read();
  }
  return last;
}

function clockTicksPerSecond(): number {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
}

/** utime + stime of a process from /proc/<pid>/stat, in clock ticks (fields 14 and 15, after the name). */
function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

function memoryStat(dir: string, key: string): number {
  const line = readFileSync(join(dir, 'memory.stat'), 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${key} `));
  return Number(line?.split(' ')[1] ?? 0);
}

/**
 * The container's memory as the kernel counts it, minus page cache, from the cgroup of its main process:
 * cgroup v2 `memory.current - inactive_file`, v1 `memory.usage_in_bytes - total_cache`.
 */
function cgroupMemory(pid: number): number {
  const lines = readFileSync(`/proc/${pid}/cgroup`, 'utf8').trim().split('\n');
  if (existsSync('/sys/fs/cgroup/cgroup.controllers')) {
    const dir = join('/sys/fs/cgroup', lines.find((l) => l.startsWith('0::'))?.slice(3) ?? '');
    return Number(readFileSync(join(dir, 'memory.current'), 'utf8')) - memoryStat(dir, 'inactive_file');
  }
  const path = lines.find((l) => l.split(':')[1]?.split(',').includes('memory'))?.split(':')[2] ?? '';
  const dir = join('/sys/fs/cgroup/memory', path);
  return Number(readFileSync(join(dir, 'memory.usage_in_bytes'), 'utf8')) - memoryStat(dir, 'total_cache');
}

/** A report as the agent would send it, through JSON like the wire. */
function assembleReport(c: DockerCollection): unknown {
  const { notes: _notes, durationMs: _duration, host, ...lists } = c;
  return JSON.parse(
    JSON.stringify({
      agent: { id: 'test-agent', version: '0.1.0', type: 'unified', intervalSeconds: 30 },
      host: { ...host, hostname: 'test-host' },
      ...lists,
      timestamp: new Date().toISOString(),
    }),
  );
}

describe.each(ENGINES)('docker collector on a real $kind engine', (c) => {
  const skip = engineSkipReason(c.spec);
  if (skip !== undefined) {
    it.skip(`skipped: ${skip}`, () => {});
    return;
  }

  let engine: DockerEngine | undefined;
  let scenario: ScenarioContainers | undefined;
  let collector: DockerCollector | undefined;
  let first: DockerCollection | undefined;
  let second: DockerCollection | undefined;
  let busyShare = Number.NaN;

  beforeAll(async () => {
    engine = await c.start();
    if (engine === undefined) throw new Error(`${c.kind} engine did not start`);
    const e = engine;
    scenario = await startScenarioContainers(e);
    runContainer(
      e,
      ['run', '-d', '--name', 'envy', '--label', 'pulse.test=1', '--network', 'none'].concat([
        '-e',
        'DB_PASSWORD=hunter2',
        '-e',
        'PLAIN=ok',
        TEST_IMAGE,
        'sleep',
        '100000',
      ]),
    );
    const { ids } = scenario;
    const inspect = (id: string) => engineGet(e, `/containers/${id}/json`) as Promise<Inspect>;
    await waitFor(
      () => inspect(ids.oom137),
      (i) => i.State.Status === 'exited',
      'oom137 exited',
    );
    await waitFor(
      () => inspect(ids.restarter),
      (i) => i.RestartCount > 0,
      'restarter restarted',
    );
    await waitFor(
      () => inspect(ids.unhealthy),
      (i) => i.State.Health?.Status === 'unhealthy',
      'unhealthy',
    );

    collector = createDockerCollector({
      runtime: c.kind,
      env: { [c.hostVar]: `unix://${e.socketPath}` },
      log: createLogger('silent'),
      // This suite checks values, not speed: on a loaded machine Podman took over the default 5 s to
      // answer the connect probe, and a budget that runs out would only hide the values checked here.
      connectTimeoutMs: 60_000,
      containerBudgetMs: 60_000,
      cycleBudgetMs: 120_000,
    });
    const connected = await collector.connect();
    if (!connected.ok) throw new Error(connected.reason);

    // busy's own CPU time from /proc, read right after each collection so both intervals line up.
    const busyPid = (await inspect(ids.busy)).State.Pid;
    first = await collector.collect();
    const ticks0 = cpuTicks(busyPid);
    const at0 = performance.now();
    await sleep(2000);
    second = await collector.collect();
    const ticks1 = cpuTicks(busyPid);
    const seconds = (performance.now() - at0) / 1000;
    busyShare = ((ticks1 - ticks0) / clockTicksPerSecond() / seconds) * 100;
    console.info(
      `${c.kind}: collections took ${first.durationMs} ms and ${second.durationMs} ms ` +
        `for ${second.containers.length} containers`,
    );
  }, 300_000);

  afterAll(async () => {
    collector?.close();
    await engine?.stop();
  }, 120_000);

  function byName(name: string, from = second): DockerContainer {
    const found = from?.containers.find((x) => x.name === name);
    if (found === undefined) throw new Error(`${name} not collected on ${c.kind}`);
    return found;
  }

  it('lists every scenario container with its state', () => {
    const names = second?.containers.map((x) => x.name) ?? [];
    for (const name of [...SCENARIOS, 'envy']) expect(names).toContain(name);
    expect(byName('busy').state).toBe('running');
    expect(byName('sleeper').state).toBe('running');
    expect(byName('unhealthy').state).toBe('running');
    // dockerd shows `restarting` during its restart delay; Podman restarts at once, but between a run's
    // end and its cleanup it says `stopped` (caught on a loaded machine, where that window is wider).
    expect(['running', 'restarting', 'exited', 'stopped']).toContain(byName('restarter').state);
    expect(second?.host).toMatchObject({ runtime: c.kind, totalCpu: expect.any(Number) });
  });

  it('gives busy no CPU % on the first sample and its real share on the second, as /proc counts it', () => {
    expect(byName('busy', first).cpuPercent).toBe(0);
    expect(first?.notes.cpu).toContain('busy');
    const measured = byName('busy').cpuPercent;
    console.info(`${c.kind}: busy cpuPercent ${measured.toFixed(1)}, /proc says ${busyShare.toFixed(1)}`);
    if (scenario?.cpuLimit) expect(busyShare).toBeLessThan(75);
    expect(Math.abs(measured - busyShare)).toBeLessThanOrEqual(15);
  });

  it("reports sleeper's memory as its cgroup counts it, and its 64 MiB limit", async () => {
    const e = engine;
    if (e === undefined || scenario === undefined) throw new Error('engine not started');
    const pid = ((await engineGet(e, `/containers/${scenario.ids.sleeper}/json`)) as Inspect).State.Pid;
    const expected = cgroupMemory(pid);
    const sleeper = byName('sleeper');
    console.info(`${c.kind}: sleeper memoryUsageBytes ${sleeper.memoryUsageBytes}, cgroup says ${expected}`);
    expect(Math.abs(sleeper.memoryUsageBytes - expected)).toBeLessThanOrEqual(Math.max(MiB, expected * 0.1));
    if (scenario.memoryLimit) {
      expect(sleeper.memoryLimitBytes).toBe(64 * MiB);
      expect(sleeper.memoryPercent).toBeCloseTo((sleeper.memoryUsageBytes / (64 * MiB)) * 100, 6);
    }
  });

  it('reports oom137 exited with code 137, restarter restarted and unhealthy unhealthy', () => {
    expect(byName('oom137')).toMatchObject({
      state: 'exited',
      exitCode: 137,
      cpuPercent: 0,
      uptimeSeconds: 0,
    });
    expect(byName('oom137').finishedAt).toBeDefined();
    expect(byName('restarter').restartCount).toBeGreaterThan(0);
    expect(byName('unhealthy').health).toBe('unhealthy');
    expect(byName('busy').health).toBeUndefined();
  });

  it('masks secret-looking environment values and keeps the others', () => {
    const env = byName('envy').env ?? [];
    expect(env).toContain('DB_PASSWORD=***');
    expect(env).toContain('PLAIN=ok');
    expect(JSON.stringify(second)).not.toContain('hunter2');
  });

  it('assembles a report the wire schema accepts', () => {
    if (second === undefined) throw new Error('no collection');
    const parsed = DockerReport.safeParse(assembleReport(second));
    expect(parsed.error?.issues ?? []).toEqual([]);
    expect(second.images?.length).toBeGreaterThan(0);
    expect(second.storageUsage?.images?.totalCount).toBeGreaterThan(0);
    expect(byName('busy').rootFilesystemBytes).toBeGreaterThan(0);
  });

  if (c.kind === 'docker') {
    it('on a Swarm manager, also lists services, tasks, nodes, secrets and configs (never their payloads)', async (ctx) => {
      const e = engine;
      if (e === undefined || collector === undefined) throw new Error('engine not started');
      try {
        runContainer(e, ['swarm', 'init', '--advertise-addr', '127.0.0.1']);
      } catch (err) {
        ctx.skip(`docker swarm init failed here: ${String(err)}`);
        return;
      }
      const payload = join(e.dir, 'swarm-payload');
      writeFileSync(payload, 'top-secret-payload\n');
      runContainer(e, ['secret', 'create', '--label', 'pulse.test=1', 'db_pass', payload]);
      runContainer(e, ['config', 'create', 'app_conf', payload]);
      runContainer(
        e,
        ['service', 'create', '--detach', '--name', 'web', '--replicas', '1'].concat([
          '--label',
          'pulse.test=1',
          TEST_IMAGE,
          'sleep',
          '100000',
        ]),
      );
      const swarmed = await collector.collect();
      expect(swarmed.host.swarm).toMatchObject({
        nodeRole: 'manager',
        controlAvailable: true,
        localState: 'active',
      });
      expect(swarmed.services?.find((s) => s.name === 'web')).toMatchObject({
        mode: 'replicated',
        desiredTasks: 1,
      });
      expect(swarmed.nodes?.[0]).toMatchObject({ role: 'manager', leader: true });
      expect(swarmed.secrets?.map((s) => s.name)).toEqual(['db_pass']);
      expect(swarmed.configs?.map((s) => s.name)).toEqual(['app_conf']);
      expect(swarmed.tasks?.every((t) => t.serviceName === 'web')).toBe(true);
      expect(JSON.stringify(swarmed)).not.toContain('top-secret-payload');
      expect(JSON.stringify(swarmed)).not.toContain(Buffer.from('top-secret-payload\n').toString('base64'));
      expect(DockerReport.safeParse(assembleReport(swarmed)).error?.issues ?? []).toEqual([]);
    }, 60_000);
  }
});

describe('docker collector without an engine', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pulse-dead-engine-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A socket file nobody listens on: its server was SIGKILLed, so the file stayed behind. */
  function deadSocket(): string {
    const path = join(dir, 'dead.sock');
    const script = `require('node:net').createServer().listen(${JSON.stringify(path)}, () => process.kill(process.pid, 'SIGKILL'))`;
    spawnSync(process.execPath, ['-e', script], { timeout: 10_000 });
    if (!existsSync(path)) throw new Error(`no stale socket at ${path}`);
    return path;
  }

  it('connect() answers unavailable with a reason naming the dead socket, and collect() throws EngineLost', async () => {
    const path = deadSocket();
    const collector = createDockerCollector({
      runtime: 'docker',
      env: { DOCKER_HOST: `unix://${path}` },
      log: createLogger('silent'),
      endpoints: [{ kind: 'unix', socketPath: path, source: 'DOCKER_HOST' }],
    });
    const result = await collector.connect();
    expect(result).toEqual({
      ok: false,
      reason: `no container engine answered; tried unix://${path} (DOCKER_HOST): connection refused (nothing is listening)`,
    });
    await expect(collector.collect()).rejects.toThrow(`container engine at unix://${path} is gone`);
    collector.close();
  });

  it('names the DOCKER_HOST socket among the addresses it tried from the environment', async () => {
    const path = join(dir, 'missing.sock');
    const collector = createDockerCollector({
      runtime: 'docker',
      env: { DOCKER_HOST: `unix://${path}` },
      log: createLogger('silent'),
    });
    const result = await collector.connect();
    // The rootful default socket is tried too; on a machine with a system dockerd that one may answer.
    if (!result.ok) expect(result.reason).toContain(`unix://${path} (DOCKER_HOST): no such socket`);
    collector.close();
  });
});

import { DockerReport, type Logger } from '@pulse/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { createDockerCollector, type DockerCollection, type DockerCollectorOptions } from './collect.ts';
import { EngineLost } from './engine-api.ts';
import {
  type FakeAnswer,
  type FakeEngine,
  removeFakeEngine,
  startFakeEngine,
} from './fixtures/fake-engine.ts';
import { fixture } from './fixtures/fixture.ts';
import { obj, type View } from './json.ts';

type Obj = View<string>;
const object = (name: string): Obj => obj<Obj>(fixture(name)) ?? {};
const idOf = (i: number) => i.toString(16).padStart(4, '0').repeat(16);

interface FakeSetup {
  runtime?: 'docker' | 'podman';
  containers?: number;
  manager?: boolean;
  /** Per-request answer overrides (hang, delay, 404) by path. */
  override?: (path: string) => FakeAnswer | undefined;
  delayMs?: number;
  /**
   * Inspect and stats answers wait until this many of their kind are open at the engine at once (then
   * flow freely): the collector reaching its limit is then certain, not a matter of timing.
   */
  holdUntilOpen?: { inspect?: number; stats?: number };
}

const INSPECTS = '/containers/*/json';
const STATS = '/containers/*/stats';

interface Gate {
  release(): void;
  opened: Promise<void>;
}

function gate(): Gate {
  let release: () => void = () => {};
  const opened = new Promise<void>((resolve) => {
    release = resolve;
  });
  return { release, opened };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `ok` until it holds; throws after `timeoutMs`, which is generous: this waits, it does not time. */
async function until(ok: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`${what} not seen in ${timeoutMs} ms`);
    await sleep(10);
  }
}

/** A fake engine with `containers` containers (every tenth exited), answering like dockerd or Podman. */
async function fakeEngine(setup: FakeSetup): Promise<FakeEngine> {
  const podman = setup.runtime === 'podman';
  const n = setup.containers ?? 3;
  const statsCalls = new Map<string, number>();
  const running = (i: number) => i % 10 !== 9;
  const info = { ...object(podman ? 'podman-info.json' : 'docker-info.json') };
  if (!podman) info.Swarm = { ...obj<Obj>(info.Swarm), ControlAvailable: setup.manager === true };
  const delayMs = setup.delayMs ?? 0;
  let engine: FakeEngine | undefined;
  const gates = new Map<string, { open: number; gate: Gate }>();
  for (const [kind, open] of [
    [INSPECTS, setup.holdUntilOpen?.inspect],
    [STATS, setup.holdUntilOpen?.stats],
  ] as const) {
    if (open !== undefined) gates.set(kind, { open, gate: gate() });
  }
  // Checked as each request arrives (already counted as open): the one that makes `open` releases all.
  const held = (kind: string): Promise<void> | undefined => {
    const g = gates.get(kind);
    if (g === undefined) return undefined;
    if ((engine?.inFlight(kind).now ?? 0) >= g.open) g.gate.release();
    return g.gate.opened;
  };
  engine = await startFakeEngine((url) => {
    const path = url.pathname;
    const own = setup.override?.(path);
    if (own !== undefined) return own;
    const m = /^\/containers\/([0-9a-f]+)\/(json|stats)$/.exec(path);
    if (m?.[1] !== undefined) {
      const i = Number.parseInt(m[1].slice(0, 4), 16);
      if (m[2] === 'json') {
        const base = object(running(i) ? 'docker-inspect.json' : 'docker-inspect-exited.json');
        return { delayMs, after: held(INSPECTS), body: { ...base, Id: m[1], Name: `/app-${i}` } };
      }
      const k = statsCalls.get(m[1]) ?? 0;
      statsCalls.set(m[1], k + 1);
      const s = object(podman ? 'podman-stats.json' : 'docker-v1-stats.json');
      // Each sample 10 s after the last; 5 s of CPU used, of 40 s of host CPU time (4 CPUs).
      const read = new Date(Date.parse('2026-03-14T09:26:53Z') + k * 10_000).toISOString();
      const cpu = {
        cpu_usage: { total_usage: 120e9 + k * 5e9 },
        system_cpu_usage: 4e15 + k * 40e9,
        online_cpus: 4,
      };
      return { delayMs, after: held(STATS), body: { ...s, read, cpu_stats: cpu } };
    }
    if (path === '/containers/json') {
      const sized = url.searchParams.get('size') === 'true';
      const list = Array.from({ length: n }, (_, i) => ({
        Id: idOf(i),
        Names: [`/app-${i}`],
        Image: 'registry.example.com/shop/web:2.4',
        ImageID: 'sha256:5c1e',
        Created: 1773400000,
        State: running(i) ? 'running' : 'exited',
        Status: running(i) ? 'Up 2 days' : 'Exited (137) 3 hours ago',
        ...(sized ? { SizeRw: 1000 + i, SizeRootFs: 5000 + i } : {}),
      }));
      return { body: list };
    }
    if (path.startsWith('/images/') && path.endsWith('/json')) {
      return { body: { RepoDigests: ['registry.example.com/shop/web@sha256:aa11'] } };
    }
    const routes: Record<string, unknown> = {
      '/_ping': 'OK',
      '/version': fixture(podman ? 'podman-version.json' : 'docker-version.json'),
      '/info': info,
      '/images/json': fixture('docker-images.json'),
      '/volumes': fixture('docker-volumes.json'),
      '/networks': fixture('docker-networks.json'),
      '/system/df': fixture(podman ? 'podman-df.json' : 'docker-df.json'),
      '/v5.2.3/libpod/containers/json': [{ Id: idOf(0), Pod: 'p0d', PodName: 'team-pod', IsInfra: false }],
      '/services': fixture('swarm-services.json'),
      '/tasks': fixture('swarm-tasks.json'),
      '/nodes': fixture('swarm-nodes.json'),
      '/secrets': fixture('swarm-secrets.json'),
      '/configs': fixture('swarm-configs.json'),
    };
    return path in routes ? { body: routes[path] } : undefined;
  });
  return engine;
}

interface Logged {
  level: string;
  msg: string;
}
function recordingLog(): { log: Logger; lines: Logged[] } {
  const lines: Logged[] = [];
  const at = (level: string) => (msg: string) => {
    lines.push({ level, msg });
  };
  return { log: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }, lines };
}

function toReport(c: DockerCollection): unknown {
  const { notes: _notes, durationMs: _ms, host, ...lists } = c;
  const report = {
    agent: { id: 'agent-1', version: '0.1.0', intervalSeconds: 30 },
    host: { ...host, hostname: 'node-a' },
    ...lists,
    timestamp: new Date().toISOString(),
  };
  return JSON.parse(JSON.stringify(report));
}

describe('createDockerCollector against a fake engine', () => {
  const engines: FakeEngine[] = [];
  const closers: Array<() => void> = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) close();
    for (const e of engines.splice(0)) {
      await e.close();
      removeFakeEngine(e);
    }
  });

  async function setup(fake: FakeSetup, options: Partial<DockerCollectorOptions> = {}) {
    const engine = await fakeEngine(fake);
    engines.push(engine);
    const { log, lines } = recordingLog();
    const runtime = fake.runtime ?? 'docker';
    const env = { [runtime === 'docker' ? 'DOCKER_HOST' : 'CONTAINER_HOST']: `unix://${engine.socketPath}` };
    const collector = createDockerCollector({ runtime, env, log, ...options });
    closers.push(() => collector.close());
    const connected = await collector.connect();
    if (!connected.ok) throw new Error(connected.reason);
    return { engine, collector, lines };
  }

  it('collects 200 containers with up to 8 inspects and 32 stats open at the engine, and CPU % from the second cycle', async () => {
    // The limits are given: the default stats limit (256) is above the 180 running containers here.
    // Answers wait until each pool is full, so the counts below are exact on a busy machine too.
    const { engine, collector } = await setup(
      { containers: 200, holdUntilOpen: { inspect: 8, stats: 32 } },
      { concurrency: 8, statsConcurrency: 32 },
    );
    const first = await collector.collect();
    expect(first.containers).toHaveLength(200);
    expect(engine.inFlight(INSPECTS).most).toBe(8);
    expect(engine.inFlight(STATS).most).toBe(32);
    // Exited containers are not asked for stats at all.
    expect(engine.requests.filter((r) => r.includes('/stats')).length).toBe(180);
    expect(first.notes.cpu).toMatch(/^180 with CPU % 0 until the next sample: app-0, app-1/);
    expect(first.containers.every((c) => c.cpuPercent === 0)).toBe(true);
    // One image lookup for 200 containers of the same image.
    expect(engine.requests.filter((r) => r.startsWith('/images/sha256')).length).toBe(1);

    const second = await collector.collect();
    const running = second.containers.filter((c) => c.state === 'running');
    expect(running).toHaveLength(180);
    for (const c of running) expect(c.cpuPercent).toBeCloseTo(50, 6);
    expect(second.notes).toEqual({});
    expect(second.containers[0]).toMatchObject({ imageDigest: 'sha256:aa11', writableLayerBytes: 1000 });
    expect(DockerReport.safeParse(toReport(second)).success).toBe(true);
  });

  it('never has more stats requests open at the engine than the limit when answers come after the budget', async () => {
    // Every stats answer would take 20 s, far past the 1 s budget: each request is given up. Had the
    // collector freed a slot while the engine still held the request, all 11 would pile up there.
    const { engine, collector } = await setup(
      {
        containers: 12,
        override: (p) => (/^\/containers\/[0-9a-f]+\/stats$/.test(p) ? { delayMs: 20_000 } : undefined),
      },
      { statsConcurrency: 4, containerBudgetMs: 1000 },
    );
    const c = await collector.collect();
    expect(c.notes.stats).toMatch(/^11 running without stats: /);
    // How many reach the engine before their budget ends depends on the machine's load; the limit not.
    expect(engine.inFlight(STATS).most).toBeLessThanOrEqual(4);
    expect(engine.inFlight(STATS).most).toBeGreaterThan(0);
    // Given up means closed: none of them stays open at the engine once the cycle is over.
    await until(() => engine.inFlight(STATS).now === 0, 'no stats request open at the engine');
  });

  it('reports a container whose stats never answer without stats after its budget, the rest as usual', async () => {
    const stuck = idOf(1);
    const { collector } = await setup(
      { containers: 5, override: (p) => (p === `/containers/${stuck}/stats` ? { hang: true } : undefined) },
      { containerBudgetMs: 300 },
    );
    // The stuck request never answers: only the container budget can end this cycle (else the test
    // times out), so no clock is read here.
    const c = await collector.collect();
    expect(c.notes.stats).toBe('1 running without stats: app-1');
    const app1 = c.containers.find((x) => x.name === 'app-1');
    expect(app1).toMatchObject({ state: 'running', restartCount: 2, cpuPercent: 0, memoryUsageBytes: 0 });
    expect(c.containers.find((x) => x.name === 'app-0')?.memoryUsageBytes).toBeGreaterThan(0);
  });

  it('ends a cycle at the cycle budget when the engine stops answering inspects, reporting from the list', async () => {
    const { collector } = await setup(
      {
        containers: 20,
        override: (p) => (/^\/containers\/[0-9a-f]+\/json$/.test(p) ? { hang: true } : undefined),
      },
      // A container budget far past the test's timeout: only the cycle budget can end this cycle.
      { cycleBudgetMs: 400, containerBudgetMs: 3_600_000 },
    );
    const c = await collector.collect();
    expect(c.containers).toHaveLength(20);
    expect(c.notes.inspect).toMatch(/^20 not inspected: /);
    expect(c.containers.find((x) => x.name === 'app-9')).toMatchObject({ state: 'exited', exitCode: 137 });
  });

  it('fails a cycle whose container list does not answer in the cycle budget, without losing the engine', async () => {
    let hang = true;
    const { collector } = await setup(
      { override: (p) => (p === '/containers/json' && hang ? { hang: true } : undefined) },
      { cycleBudgetMs: 300 },
    );
    await expect(collector.collect()).rejects.toThrow('docker: the engine did not answer within 300 ms');
    hang = false;
    expect((await collector.collect()).containers).toHaveLength(3);
  });

  it('asks for sizes and system df every sizeEveryCycles cycles and keeps the last ones in between', async () => {
    const { engine, collector } = await setup({ containers: 2 }, { sizeEveryCycles: 3 });
    const cycles: DockerCollection[] = [];
    for (let i = 0; i < 4; i++) cycles.push(await collector.collect());
    const lists = engine.requests.filter((r) => r.startsWith('/containers/json'));
    expect(lists).toEqual([
      '/containers/json?all=true&size=true',
      '/containers/json?all=true',
      '/containers/json?all=true',
      '/containers/json?all=true&size=true',
    ]);
    expect(engine.requests.filter((r) => r === '/system/df')).toHaveLength(2);
    for (const c of cycles) {
      expect(c.containers[0]).toMatchObject({ writableLayerBytes: 1000, rootFilesystemBytes: 5000 });
      expect(c.storageUsage?.images?.totalCount).toBe(2);
      expect(c.volumes?.[0]?.sizeBytes).toBe(734003200);
    }
  });

  it('lists services, tasks, nodes, secrets and configs only when the engine is a Swarm manager', async () => {
    const worker = await setup({ manager: false });
    const plain = await worker.collector.collect();
    expect(plain.services).toBeUndefined();
    expect(worker.engine.requests.some((r) => /^\/(services|tasks|nodes|secrets|configs)/.test(r))).toBe(
      false,
    );

    const manager = await setup({ manager: true });
    const c = await manager.collector.collect();
    expect(manager.engine.requests).toContain('/services?status=true');
    expect(c.services?.map((s) => s.name)).toEqual(['shop_web', 'node-exporter', 'migrate']);
    expect(c.tasks?.[0]).toMatchObject({ serviceName: 'shop_web', nodeName: 'node-a' });
    expect(c.nodes).toHaveLength(2);
    expect(c.secrets?.[0]?.name).toBe('db_password');
    expect(c.configs?.[0]?.name).toBe('nginx_conf');
    expect(c.host.swarm).toMatchObject({ nodeRole: 'manager', controlAvailable: true });
    expect(DockerReport.safeParse(toReport(c)).success).toBe(true);
  });

  it('leaves out a section the engine fails, with the reason, and reports the rest', async () => {
    const { collector } = await setup({
      override: (p) =>
        p === '/images/json' ? { status: 500, body: { message: 'layer store busy' } } : undefined,
    });
    const c = await collector.collect();
    expect(c.images).toBeUndefined();
    expect(c.notes.images).toMatch(/HTTP code 500.*layer store busy/);
    expect(c.containers).toHaveLength(3);
  });

  it('drops a container removed between the list and its inspect', async () => {
    const gone = idOf(2);
    const { collector } = await setup({
      override: (p) =>
        p === `/containers/${gone}/json`
          ? { status: 404, body: { message: 'No such container' } }
          : undefined,
    });
    expect((await collector.collect()).containers.map((c) => c.name)).toEqual(['app-0', 'app-1']);
  });

  it('throws EngineLost when the engine goes away, says so once while it stays away, and finds it again', async () => {
    const { engine, collector, lines } = await setup({});
    await collector.collect();
    await engine.close();
    await expect(collector.collect()).rejects.toBeInstanceOf(EngineLost);
    await expect(collector.collect()).rejects.toThrow(/not connected/);
    const first = await collector.connect();
    const second = await collector.connect();
    expect(first.ok).toBe(false);
    if (!first.ok)
      expect(first.reason).toContain(`unix://${engine.socketPath} (DOCKER_HOST): no such socket`);
    expect(second).toEqual(first);
    expect(lines.filter((l) => l.level === 'warn').map((l) => l.msg)).toEqual([
      'docker: container engine lost',
      'docker: no container engine',
    ]);
    await engine.restart();
    expect((await collector.connect()).ok).toBe(true);
    expect((await collector.collect()).containers).toHaveLength(3);
  });

  it('Podman: pods from the libpod list, CPU from elapsed time only', async () => {
    const { engine, collector } = await setup({ runtime: 'podman', containers: 2 });
    await collector.collect();
    const c = await collector.collect();
    expect(engine.requests).toContain('/v5.2.3/libpod/containers/json?all=true');
    expect(c.host).toMatchObject({ runtime: 'podman', runtimeVersion: '5.2.3' });
    expect(c.containers[0]?.podman).toMatchObject({ podName: 'team-pod', podId: 'p0d' });
    // 5 s of CPU in 10 s: 50 % by time; the dockerd formula would have used the system counter.
    expect(c.containers[0]?.cpuPercent).toBeCloseTo(50, 6);
    expect(DockerReport.safeParse(toReport(c)).success).toBe(true);
  });
});

// Real container engines on this machine: a dockerd (Debian's docker.io) and a Podman service, each on its own
// socket under a temp dir, running the scenario containers; asserted through the Docker Engine API over the
// unix socket with plain node:http. An engine that should start here and does not fails the suite.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DOCKER,
  type DockerEngine,
  type EngineScript,
  engineGet,
  engineSkipReason,
  SCENARIOS,
  type ScenarioContainers,
  startDockerEngine,
  startScenarioContainers,
} from './support/docker-engine.ts';
import { PODMAN, startPodmanEngine } from './support/podman-engine.ts';

interface ContainerSummary {
  Id: string;
  Names: string[];
  Labels: Record<string, string> | null;
}

interface ContainerInspect {
  Id: string;
  RestartCount: number;
  State: { Status: string; ExitCode: number; Health?: { Status: string } | null };
}

interface CpuStats {
  cpu_usage: { total_usage: number };
}

interface ContainerStats {
  read: string;
  cpu_stats: CpuStats;
  precpu_stats: CpuStats;
  memory_stats: { usage?: number; limit?: number };
}

interface EngineCase {
  kind: DockerEngine['kind'];
  spec: EngineScript;
  start: () => Promise<DockerEngine | undefined>;
  /**
   * Whether one stats?stream=false sample carries a CPU delta (precpu_stats filled): dockerd takes two
   * readings for it, Podman returns precpu_stats zeroed, so a CPU % needs two samples there.
   */
  deltaInOneSample: boolean;
}

const ENGINES: EngineCase[] = [
  { kind: 'docker', spec: DOCKER, start: startDockerEngine, deltaInOneSample: true },
  { kind: 'podman', spec: PODMAN, start: startPodmanEngine, deltaInOneSample: false },
];

/** An API timestamp (RFC 3339 with up to nanoseconds) in nanoseconds since the epoch. */
function timestampNs(t: string): number {
  const m = /^(.*?)(?:\.(\d+))?Z$/.exec(t);
  if (m === null || m[1] === undefined) throw new Error(`not an RFC 3339 UTC timestamp: ${t}`);
  return Date.parse(`${m[1]}Z`) * 1e6 + Number((m[2] ?? '').padEnd(9, '0').slice(0, 9));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `read` until `ok` holds for what it returns, or fails with the last value after timeoutMs. */
async function waitFor<T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  let last = await read();
  while (!ok(last)) {
    if (Date.now() > deadline) {
      throw new Error(
        `${what} not seen within ${timeoutMs} ms; last: ${JSON.stringify(last).slice(0, 2000)}`,
      );
    }
    await sleep(250);
    last = await read();
  }
  return last;
}

describe.each(ENGINES)('$kind engine (real, Docker Engine API over a unix socket)', (c) => {
  const skip = engineSkipReason(c.spec);
  if (skip !== undefined) {
    it.skip(`skipped: ${skip}`, () => {});
    return;
  }

  let engine: DockerEngine | undefined;
  let scenario: ScenarioContainers | undefined;

  beforeAll(async () => {
    const started = Date.now();
    engine = await c.start();
    if (engine === undefined) throw new Error(`${c.kind} engine did not start`);
    scenario = await startScenarioContainers(engine);
    console.info(
      `${c.kind}: engine and scenario containers up in ${Date.now() - started} ms ` +
        `(cpu limit: ${scenario.cpuLimit}, memory limit: ${scenario.memoryLimit})`,
    );
  }, 300_000);

  afterAll(async () => {
    await engine?.stop();
  }, 120_000);

  function ready(): { engine: DockerEngine; scenario: ScenarioContainers } {
    if (engine === undefined || scenario === undefined) throw new Error(`${c.kind} engine not started`);
    return { engine, scenario };
  }

  const inspect = (id: string) =>
    engineGet(ready().engine, `/containers/${id}/json`) as Promise<ContainerInspect>;
  const stats = (id: string) =>
    engineGet(ready().engine, `/containers/${id}/stats?stream=false`) as Promise<ContainerStats>;

  it('lists all five scenario containers with their label', async () => {
    const { engine, scenario } = ready();
    const list = (await engineGet(engine, '/containers/json?all=1')) as ContainerSummary[];
    const ours = list.filter((s) => s.Labels?.['pulse.test'] === '1');
    const names = ours.flatMap((s) => s.Names.map((n) => n.replace(/^\//, ''))).sort();
    expect(names).toEqual([...SCENARIOS].sort());
    for (const name of SCENARIOS) {
      expect(ours.map((s) => s.Id)).toContain(scenario.ids[name]);
    }
  });

  it('oom137 has exited with code 137', async () => {
    const { scenario } = ready();
    const s = await waitFor(
      () => inspect(scenario.ids.oom137),
      (i) => i.State.Status === 'exited',
      'oom137 exited',
    );
    expect(s.State.ExitCode).toBe(137);
  });

  it("restarter's RestartCount grows above 0", async () => {
    const { scenario } = ready();
    const s = await waitFor(
      () => inspect(scenario.ids.restarter),
      (i) => i.RestartCount > 0,
      'restarter restarted',
    );
    expect(s.RestartCount).toBeGreaterThan(0);
  });

  it('unhealthy turns unhealthy', async () => {
    const { scenario } = ready();
    const s = await waitFor(
      () => inspect(scenario.ids.unhealthy),
      (i) => i.State.Health?.Status === 'unhealthy',
      'unhealthy health status',
    );
    expect(s.State.Health?.Status).toBe('unhealthy');
  });

  it("busy's CPU usage grows between two samples (and stays under --cpus 0.5 where enforced)", async () => {
    const { scenario } = ready();
    const first = await stats(scenario.ids.busy);
    await sleep(1000);
    const second = await stats(scenario.ids.busy);
    const used = second.cpu_stats.cpu_usage.total_usage - first.cpu_stats.cpu_usage.total_usage;
    expect(used).toBeGreaterThan(0);
    const wallNs = timestampNs(second.read) - timestampNs(first.read);
    expect(wallNs).toBeGreaterThan(0);
    if (scenario.cpuLimit) expect(used / wallNs).toBeLessThan(0.75);
    if (c.deltaInOneSample) {
      expect(second.precpu_stats.cpu_usage.total_usage).toBeGreaterThan(0);
      expect(second.cpu_stats.cpu_usage.total_usage).toBeGreaterThan(
        second.precpu_stats.cpu_usage.total_usage,
      );
    } else {
      expect(second.precpu_stats.cpu_usage.total_usage).toBe(0);
    }
  });

  it("sleeper's memory usage is above 0 (and its limit is 64 MiB where enforced)", async () => {
    const { scenario } = ready();
    const s = await stats(scenario.ids.sleeper);
    expect(s.memory_stats.usage).toBeGreaterThan(0);
    if (scenario.memoryLimit) expect(s.memory_stats.limit).toBe(64 * 1024 * 1024);
  });
});

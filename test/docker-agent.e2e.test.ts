// pulse-agent --enable-docker against a real Docker engine and the real server.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DockerHostState, StateResponse } from '@pulse/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AgentProcess, startAgent } from './support/agent-process.ts';
import {
  type DockerEngine,
  engineSkipReason,
  runContainer,
  type ScenarioContainers,
  startDockerEngine,
  startScenarioContainers,
} from './support/docker-engine.ts';
import { type ServerProcess, startServer } from './support/server-process.ts';

const skip = engineSkipReason();
const token = randomBytes(32).toString('hex');
let engine: DockerEngine | undefined;
let scenario: ScenarioContainers;
let server: ServerProcess;
let agent: AgentProcess;
let stateDir: string;

beforeAll(async () => {
  if (skip) return;
  engine = await startDockerEngine();
  if (!engine) throw new Error('the Docker engine did not start');
  scenario = await startScenarioContainers(engine);
  server = await startServer({ env: { API_TOKENS: token } });
  stateDir = mkdtempSync(join(tmpdir(), 'pulse-docker-agent-'));
  agent = startAgent(
    [
      ...['--url', server.url, '--token', token, '--enable-docker', '--docker-runtime', 'docker'],
      ...['--interval', '2s', '--state-dir', stateDir, '--health-addr', 'off'],
    ],
    { env: { DOCKER_HOST: `unix://${engine.socketPath}` } },
  );
}, 300_000);

afterAll(async () => {
  await agent?.stop();
  await server?.stop();
  server?.cleanup();
  await engine?.stop();
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
}, 120_000);

async function dockerHost(): Promise<DockerHostState | undefined> {
  const res = await fetch(`${server.url}/api/state`, { headers: { 'X-API-Token': token } });
  return StateResponse.parse(await res.json()).dockerHosts[0];
}

async function until<T>(
  probe: () => Promise<T | undefined>,
  ok: (v: T) => boolean,
  timeoutMs = 30_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < end) {
    last = await probe();
    if (last !== undefined && ok(last)) return last;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(
    `condition not met in ${timeoutMs} ms; last value: ${JSON.stringify(last)?.slice(0, 2000)}`,
  );
}

const named = (h: DockerHostState, name: string) => h.containers.find((c) => c.name === name);

describe.skipIf(skip !== undefined)('pulse-agent --enable-docker against a real engine', () => {
  it('reports every container with state, exit code, restarts, health, CPU and memory', async () => {
    const host = await until(dockerHost, (h) => {
      const restarter = named(h, 'restarter');
      const busy = named(h, 'busy');
      return (
        h.containers.length >= 5 &&
        (restarter?.restartCount ?? 0) > 0 &&
        named(h, 'unhealthy')?.health === 'unhealthy' &&
        (busy?.cpuPercent ?? 0) > 0
      );
    });
    expect(host.runtime).toBe('docker');
    expect(host.containers.map((c) => c.name).sort()).toEqual([
      'busy',
      'oom137',
      'restarter',
      'sleeper',
      'unhealthy',
    ]);
    expect(named(host, 'oom137')).toMatchObject({ state: 'exited', exitCode: 137 });
    expect(named(host, 'busy')?.state).toBe('running');
    // The busy loop is held to half a core when the engine can enforce it.
    const busyCpu = named(host, 'busy')?.cpuPercent ?? 0;
    if (scenario.cpuLimit) expect(Math.abs(busyCpu - 50)).toBeLessThanOrEqual(15);
    else expect(busyCpu).toBeGreaterThan(50);
    const sleeper = named(host, 'sleeper');
    expect(sleeper?.memoryUsageBytes).toBeGreaterThan(0);
    if (scenario.memoryLimit) expect(sleeper?.memoryLimitBytes).toBe(64 * 1024 * 1024);
  });

  it('shows a killed container as exited within one interval', async () => {
    if (!engine) throw new Error('no engine');
    runContainer(engine, ['kill', 'sleeper']);
    const killed = Date.now();
    const host = await until(dockerHost, (h) => named(h, 'sleeper')?.state === 'exited', 15_000);
    expect(named(host, 'sleeper')?.exitCode).toBe(137);
    // One 2 s interval plus a collection and a delivery.
    expect(Date.now() - killed).toBeLessThan(10_000);
  });

  it("refuses the host's reports for 24 h after it is removed, with a clear error", async () => {
    const host = await until(dockerHost, () => true);
    const del = await fetch(`${server.url}/api/agents/docker/hosts/${host.id}?force=true`, {
      method: 'DELETE',
      headers: { 'X-API-Token': token },
    });
    expect(del.status).toBe(200);
    const line = await agent.waitForLog(/server refused the report \(HTTP 403\)/, 15_000);
    expect(line).toMatch(/removed|re-enrol/);
    const state = StateResponse.parse(
      await (await fetch(`${server.url}/api/state`, { headers: { 'X-API-Token': token } })).json(),
    );
    expect(state.dockerHosts).toEqual([]);
    expect(state.removedDockerHosts.map((r) => r.id)).toEqual([host.id]);
  });
});

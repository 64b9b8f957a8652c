// Hostile and odd agents against the real server process: each case of the hardening issue replayed over
// HTTP, and after each one /api/state answers within its size budget, the victim host stays online and
// the server's resident memory stays small.
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { CreateTokenResponse, ErrorEnvelope, StateResponse } from '@pulse/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerProcess, startServer } from './support/server-process.ts';

const adminToken = randomBytes(32).toString('hex');
const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const hostFixture = JSON.parse(fixture('host-report-linux.json'));
const dockerFixture = JSON.parse(fixture('docker-report.json'));
const kubeFixture = JSON.parse(fixture('kubernetes-report.json'));

/** Small caps so that the amplification cases reach them quickly. */
const HOSTS_PER_TOKEN = 8;
const CONTAINERS_PER_HOST = 50;
const RSS_LIMIT_BYTES = 300 * 1024 * 1024;

let server: ServerProcess;
const tokens = { victim: '', attacker: '', docker: '', kube: '', settings: '' };
/** Decoded bytes of every report the server accepted, to size /api/state against. */
let acceptedBytes = 0;

type Json = Record<string, unknown>;

function clone<T>(value: T): T {
  return structuredClone(value);
}

async function api(path: string, init: RequestInit & { token?: string } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set('X-API-Token', init.token ?? adminToken);
  return fetch(`${server.url}${path}`, { ...init, headers });
}

/** A string body is sent as it is (JSON text built by hand); anything else is serialised first. */
async function post(path: string, token: string, body: unknown, gzip = true): Promise<Response> {
  const json = typeof body === 'string' ? body : JSON.stringify(body);
  const res = await api(path, {
    method: 'POST',
    token,
    headers: {
      'Content-Type': 'application/json',
      ...(gzip ? { 'Content-Encoding': 'gzip' } : {}),
    },
    body: gzip ? gzipSync(json) : json,
  });
  if (res.ok) acceptedBytes += Buffer.byteLength(json);
  return res;
}

async function mint(name: string, scopes: string[], as = adminToken): Promise<Response> {
  return api('/api/security/tokens', {
    method: 'POST',
    token: as,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ name, scopes }),
  });
}

async function tokenFor(name: string, scopes: string[]): Promise<string> {
  const res = await mint(name, scopes);
  expect(res.status).toBe(201);
  return CreateTokenResponse.parse(await res.json()).token;
}

let victimSeq = 0;
const victimStream = randomBytes(16).toString('hex');

function victimReport(overrides: Json = {}): Json {
  victimSeq++;
  return {
    ...clone(hostFixture),
    host: { ...hostFixture.host, hostname: 'victim', id: 'victim-machine', machineId: 'victim-machine' },
    agent: { ...hostFixture.agent, id: 'victim-agent', hostname: 'victim' },
    timestamp: new Date().toISOString(),
    sequenceId: `v1:${victimStream}:${victimSeq}`,
    ...overrides,
  };
}

function hostReport(name: string, extra: Json = {}): Json {
  return {
    ...clone(hostFixture),
    host: { ...hostFixture.host, hostname: name, id: `${name}-machine`, machineId: `${name}-machine` },
    agent: { ...hostFixture.agent, id: `${name}-agent`, hostname: name },
    timestamp: new Date().toISOString(),
    sequenceId: `v1:${randomBytes(16).toString('hex')}:1`,
    ...extra,
  };
}

function dockerReport(name: string, containers: unknown[]): Json {
  return {
    ...clone(dockerFixture),
    agent: { ...dockerFixture.agent, id: `${name}-docker` },
    host: { ...dockerFixture.host, hostname: name, name, machineId: `${name}-machine` },
    containers,
    timestamp: new Date().toISOString(),
  };
}

function kubeReport(clusterId: string, pods: unknown[]): Json {
  return {
    ...clone(kubeFixture),
    agent: { ...kubeFixture.agent, id: `${clusterId}-agent` },
    cluster: { ...kubeFixture.cluster, id: clusterId, name: clusterId },
    pods,
    timestamp: new Date().toISOString(),
  };
}

function container(i: number, patch: Json = {}): Json {
  const base = clone(dockerFixture.containers[1]);
  return { ...base, id: `${i.toString(16).padStart(8, '0')}${'c'.repeat(56)}`, name: `c-${i}`, ...patch };
}

function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
  return Number(kb ?? 0) * 1024;
}

/** After every case: state answers 200 within its budget, the victim is online, RSS is small. */
async function expectServerHealthy(): Promise<StateResponse> {
  const res = await api('/api/state');
  expect(res.status).toBe(200);
  const text = await res.text();
  // Proportional to what was accepted: a small constant per accepted byte plus a fixed floor.
  expect(Buffer.byteLength(text)).toBeLessThanOrEqual(3 * acceptedBytes + 512 * 1024);
  const state = StateResponse.parse(JSON.parse(text));
  const victim = state.hosts.find((h) => h.hostname === 'victim');
  expect(victim?.status).toBe('online');
  const pid = server.child.pid;
  expect(pid).toBeTypeOf('number');
  expect(rssBytes(pid ?? 0)).toBeLessThan(RSS_LIMIT_BYTES);
  return state;
}

async function errorOf(res: Response): Promise<ErrorEnvelope> {
  return ErrorEnvelope.parse(await res.json());
}

const serverEnv = {
  API_TOKENS: adminToken,
  PULSE_MAX_HOSTS_PER_TOKEN: String(HOSTS_PER_TOKEN),
  PULSE_MAX_CONTAINERS_PER_HOST: String(CONTAINERS_PER_HOST),
};

beforeAll(async () => {
  server = await startServer({ env: serverEnv });
  tokens.victim = await tokenFor('victim', ['agent:report']);
  tokens.attacker = await tokenFor('attacker', ['agent:report']);
  tokens.docker = await tokenFor('docker', ['docker:report']);
  tokens.kube = await tokenFor('kube', ['kubernetes:report']);
  tokens.settings = await tokenFor('settings', ['settings:write', 'settings:read']);
  const first = await post('/api/agents/host/report', tokens.victim, victimReport());
  expect(first.status).toBe(200);
  await expectServerHealthy();
});

afterAll(async () => {
  await server?.stop();
  server?.cleanup();
});

describe('hostile and odd agents against a real server', () => {
  it('1: a cluster with a Pending pod (no node) and one malformed pod is accepted without losing the rest', async () => {
    const good = clone(kubeFixture.pods[0]);
    const pending = {
      uid: randomUUID(),
      name: 'waiting-for-a-node',
      namespace: 'default',
      nodeName: null,
      phase: 'Pending',
      restarts: 0,
    };
    const broken = { ...clone(kubeFixture.pods[0]), uid: randomUUID(), restarts: 'many' };
    const res = await post(
      '/api/agents/kubernetes/report',
      tokens.kube,
      kubeReport('pending-cluster', [good, pending, broken]),
    );
    expect(res.status).toBe(200);
    const answer = (await res.json()) as { warnings?: Array<{ path: string; message: string }> };
    expect(answer.warnings?.map((w) => w.path)).toEqual(['pods[2]']);
    const state = await expectServerHealthy();
    const cluster = state.kubernetesClusters.find((c) => c.id === 'pending-cluster');
    expect(cluster?.pods.map((p) => p.name).sort()).toEqual([good.name, 'waiting-for-a-node'].sort());
  });

  it('1: a Docker host with one malformed container keeps the others', async () => {
    const containers = [container(1), container(2, { memoryUsageBytes: -5 }), container(3)];
    const res = await post('/api/agents/docker/report', tokens.docker, dockerReport('dock-odd', containers));
    expect(res.status).toBe(200);
    const answer = (await res.json()) as { warnings?: Array<{ path: string }> };
    expect(answer.warnings?.map((w) => w.path)).toEqual(['containers[1]']);
    const state = await expectServerHealthy();
    const host = state.dockerHosts.find((h) => h.hostname === 'dock-odd');
    expect(host?.containers.map((c) => c.name)).toEqual(['c-1', 'c-3']);
  });

  it('2: a report nested 7,000 levels deep is refused and state keeps serialising', async () => {
    // Built as text: JSON.stringify of such a value would overflow this test's own stack.
    const deep = `${'{"d":'.repeat(7000)}"bottom"${'}'.repeat(7000)}`;
    const report = JSON.stringify(
      dockerReport('dock-odd', [container(1, { healthcheckTargets: ['DEEP'] }), container(3)]),
    ).replace('"DEEP"', deep);
    const gzipped = gzipSync(report);
    expect(gzipped.byteLength).toBeLessThan(4096);
    const res = await post('/api/agents/docker/report', tokens.docker, report);
    expect(res.status).toBe(400);
    expect((await errorOf(res)).code).toBe('invalid_json');
    await expectServerHealthy();
    const again = await api('/api/state');
    expect(again.status).toBe(200);
  });

  it('2: an oversized hostname is refused with a message naming the field', async () => {
    const res = await post('/api/agents/host/report', tokens.attacker, hostReport('x'.repeat(10_000)));
    expect(res.status).toBe(400);
    expect((await errorOf(res)).error).toContain('host.hostname');
    await expectServerHealthy();
  });

  it('3: one token creates at most its cap of hosts, and a Docker host at most its cap of containers', async () => {
    // Bloated but valid reports: long names and many interfaces compress to almost nothing.
    const bloat = {
      network: Array.from({ length: 64 }, (_, i) => ({
        name: `eth${i}`,
        addresses: Array.from({ length: 32 }, (_, j) => `fd00::${i}:${j}/64`),
      })),
    };
    const answers: number[] = [];
    for (let i = 0; i < HOSTS_PER_TOKEN + 3; i++) {
      const res = await post('/api/agents/host/report', tokens.attacker, hostReport(`flood-${i}`, bloat));
      answers.push(res.status);
      if (res.status !== 200) {
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        expect((await errorOf(res)).error).toContain('PULSE_MAX_HOSTS_PER_TOKEN');
      }
    }
    expect(answers.filter((s) => s === 200).length).toBe(HOSTS_PER_TOKEN);
    const dockBefore = StateResponse.parse(await (await api('/api/state')).json()).dockerHosts.find(
      (h) => h.hostname === 'dock-odd',
    );
    const tooMany = Array.from({ length: CONTAINERS_PER_HOST + 1 }, (_, i) => container(100 + i));
    const res = await post('/api/agents/docker/report', tokens.docker, dockerReport('dock-odd', tooMany));
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect((await errorOf(res)).error).toContain('PULSE_MAX_CONTAINERS_PER_HOST');
    const state = await expectServerHealthy();
    expect(state.hosts.filter((h) => h.hostname.startsWith('flood-'))).toHaveLength(HOSTS_PER_TOKEN);
    expect(state.dockerHosts.find((h) => h.hostname === 'dock-odd')?.containers).toEqual(
      dockBefore?.containers,
    );
  });

  it('4: another token cannot take the victim over, and a report from 2099 does not freeze it', async () => {
    const stolen = await post('/api/agents/host/report', tokens.attacker, {
      ...victimReport(),
      metrics: { cpuUsagePercent: 99 },
      sequenceId: `v1:${randomBytes(16).toString('hex')}:1`,
    });
    expect(stolen.status).toBe(403);
    expect((await errorOf(stolen)).error).toMatch(/token/i);
    let state = await expectServerHealthy();
    expect(state.hosts.find((h) => h.hostname === 'victim')?.cpuUsage).not.toBe(99);

    const future = await post(
      '/api/agents/host/report',
      tokens.victim,
      victimReport({ timestamp: '2099-01-01T00:00:00Z' }),
    );
    expect(future.status).toBe(200);
    const answer = (await future.json()) as { warnings?: Array<{ path: string }> };
    expect(answer.warnings?.map((w) => w.path)).toContain('timestamp');

    const normal = await post(
      '/api/agents/host/report',
      tokens.victim,
      victimReport({ metrics: { ...hostFixture.metrics, cpuUsagePercent: 42 } }),
    );
    expect(normal.status).toBe(200);
    state = await expectServerHealthy();
    const victim = state.hosts.find((h) => h.hostname === 'victim');
    expect(Date.parse(victim?.lastSeen ?? '')).toBeLessThan(Date.parse('2030-01-01T00:00:00Z'));
    expect(victim?.cpuUsage).toBe(42);
  });

  it('5: a settings:write token cannot mint scopes it does not hold', async () => {
    const escalate = await mint('escalate', ['*'], tokens.settings);
    expect(escalate.status).toBe(403);
    const bare = await api('/api/security/tokens', {
      method: 'POST',
      token: tokens.settings,
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'no-scopes-means-all' }),
    });
    expect(bare.status).toBe(403);
    for (const scope of ['__proto__', 'constructor', 'toString']) {
      const res = await mint('odd', [scope], tokens.settings);
      expect(res.status).toBe(400);
      expect((await errorOf(res)).error).toContain(scope);
    }
    expect((await mint('ok', ['settings:read'], tokens.settings)).status).toBe(201);
    await expectServerHealthy();
  });

  it('6: a restart shows every agent offline until it reports, and an old replay is not applied', async () => {
    const before = StateResponse.parse(await (await api('/api/state')).json());
    const victimBefore = before.hosts.find((h) => h.hostname === 'victim');
    expect(await server.stop()).toBe(0);
    server = await startServer({ dataDir: server.dataDir, env: serverEnv });

    const after = StateResponse.parse(await (await api('/api/state')).json());
    expect(after.hosts.find((h) => h.hostname === 'victim')?.status).toBe('offline');
    expect(after.dockerHosts.find((h) => h.hostname === 'dock-odd')?.status).toBe('offline');
    expect(after.kubernetesClusters.find((c) => c.id === 'pending-cluster')?.status).toBe('offline');
    expect(after.hosts.filter((h) => h.hostname.startsWith('flood-'))).toHaveLength(HOSTS_PER_TOKEN);

    // A replay of an older report of the same stream changes nothing.
    const replay = victimReport({ sequenceId: `v1:${victimStream}:1`, metrics: { cpuUsagePercent: 7 } });
    victimSeq--;
    expect((await post('/api/agents/host/report', tokens.victim, replay)).status).toBe(200);
    const replayed = StateResponse.parse(await (await api('/api/state')).json());
    expect(replayed.hosts.find((h) => h.hostname === 'victim')?.status).toBe('offline');
    expect(replayed.hosts.find((h) => h.hostname === 'victim')?.id).toBe(victimBefore?.id);

    // The real agent's next report brings it back.
    expect((await post('/api/agents/host/report', tokens.victim, victimReport())).status).toBe(200);
    await expectServerHealthy();
  });
});

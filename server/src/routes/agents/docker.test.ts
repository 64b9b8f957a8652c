import { gzipSync } from 'node:zlib';
import { DockerReportResponse, ResourceListResponse, StateResponse } from '@pulse/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dockerReport } from '../../../testing/container-reports.ts';
import { FakeClock, type Harness, makeHarness } from '../../../testing/harness.ts';
import { errorOf, postReport, reportFor } from '../../../testing/reports.ts';

const PATH = '/api/agents/docker/report';
let h: Harness;
let clock: FakeClock;
let agent: string;
let admin: string;

beforeEach(async () => {
  clock = new FakeClock(Date.parse('2026-11-22T10:00:00Z'));
  h = await makeHarness({ clock });
  agent = await h.token(['docker:report', 'agent:report'], 'docker-agent');
  admin = await h.token(['*'], 'admin');
});
afterEach(() => h.close());

const post = (body: unknown, token = agent, opts: { gzip?: boolean } = {}) =>
  postReport(h.app, token, body, { path: PATH, ...opts });

/** The fixture stamped with the server's time, so no clock warning mixes with the ones under test. */
function current() {
  const report = dockerReport();
  report.timestamp = new Date(clock.now()).toISOString();
  return report;
}

async function state(): Promise<StateResponse> {
  return StateResponse.parse(
    await (await h.app.request('/api/state', { headers: { 'X-API-Token': admin } })).json(),
  );
}

async function resources(query = ''): Promise<ResourceListResponse> {
  const res = await h.app.request(`/api/resources?limit=100${query}`, { headers: { 'X-API-Token': admin } });
  return ResourceListResponse.parse(await res.json());
}

function call(method: string, path: string, body?: unknown) {
  return h.app.request(path, {
    method,
    headers: { 'X-API-Token': admin, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

describe('POST /api/agents/docker/report', () => {
  it('stores every container and projects the host and its containers as resources', async () => {
    const report = dockerReport();
    const res = await post(report, agent, { gzip: true });
    expect(res.status).toBe(200);
    expect(DockerReportResponse.parse(await res.json())).toMatchObject({
      success: true,
      containers: 5,
      agentId: report.agent.id,
    });

    const s = await state();
    expect(s.dockerHosts).toHaveLength(1);
    const host = s.dockerHosts[0];
    expect(host?.containers.map((c) => c.name)).toEqual(report.containers.map((c) => c.name));
    expect(host).toMatchObject({
      hostname: 'dock-1',
      status: 'online',
      tokenName: 'docker-agent',
      hidden: false,
    });

    const list = await resources();
    const byName = new Map(list.data.map((r) => [r.name, r]));
    const dockerHost = list.data.find((r) => r.type === 'docker-host');
    expect(dockerHost?.docker?.containerCount).toBe(5);
    expect(
      ['web', 'db', 'worker', 'cache', 'search'].map((n) => [n, byName.get(n)?.type, byName.get(n)?.status]),
    ).toEqual([
      ['web', 'app-container', 'online'],
      ['db', 'app-container', 'online'],
      ['worker', 'app-container', 'offline'],
      ['cache', 'app-container', 'warning'],
      ['search', 'app-container', 'warning'],
    ]);
    expect(byName.get('worker')?.docker).toMatchObject({ exitCode: 137, state: 'exited' });
    expect(byName.get('cache')?.docker?.restartCount).toBe(7);
    expect(new Set(list.data.filter((r) => r.type === 'app-container').map((r) => r.parentId))).toEqual(
      new Set([dockerHost?.id]),
    );
  });

  it('merges a Docker host into the agent host of the same machine', async () => {
    const report = dockerReport();
    const machineId = report.host.machineId ?? 'missing';
    await postReport(h.app, agent, reportFor({ hostname: 'dock-1', machineId }));
    await post(report);
    const list = await resources();
    expect(list.data.filter((r) => r.type === 'docker-host')).toEqual([]);
    const merged = list.data.find((r) => r.type === 'agent');
    expect(merged?.sources).toEqual(['agent', 'docker']);
    expect(merged?.docker?.hostId).toBe((await state()).dockerHosts[0]?.id);
    expect(list.data.filter((r) => r.type === 'app-container').every((r) => r.parentId === merged?.id)).toBe(
      true,
    );
  });

  it('derives container network and block I/O rates from consecutive reports', async () => {
    const first = dockerReport();
    await post(first);
    const second = dockerReport();
    second.timestamp = new Date(Date.parse(first.timestamp) + 30_000).toISOString();
    const web = second.containers[0];
    if (!web) throw new Error('fixture has no containers');
    web.networkRxBytes = (first.containers[0]?.networkRxBytes ?? 0) + 30_000;
    web.blockIo = {
      readBytes: (first.containers[0]?.blockIo?.readBytes ?? 0) + 3_000,
      writeBytes: first.containers[0]?.blockIo?.writeBytes,
    };
    await post(second);
    const stored = (await state()).dockerHosts[0]?.containers[0];
    expect(stored).toMatchObject({ netInRate: 1_000, blockReadRate: 100 });
    expect((await resources('&q=web')).data[0]?.metrics.netIn).toEqual({ value: 1_000, unit: 'bytes/s' });
  });

  it('refuses a second Docker agent on the same token and leaves the state alone', async () => {
    await post(dockerReport());
    const other = dockerReport();
    other.agent.id = 'another-agent';
    other.host.hostname = 'dock-2';
    other.host.machineId = 'ffffffff-0000-0000-0000-000000000002';
    const res = await post(other);
    expect(res.status).toBe(400);
    const err = await errorOf(res);
    expect(err.code).toBe('invalid_report');
    expect(err.error).toMatch(/already in use by Docker host/);
    expect((await state()).dockerHosts.map((d) => d.hostname)).toEqual(['dock-1']);
  });

  it('answers bad input with a clear 4xx and changes nothing', async () => {
    const json = JSON.stringify(dockerReport());
    expect(await errorOf(await post(json.slice(0, 1000)))).toMatchObject({ code: 'invalid_json' });
    const big = await h.app.request(PATH, {
      method: 'POST',
      headers: { 'X-API-Token': agent },
      body: 'x'.repeat(20 * 1024 * 1024),
    });
    expect(big.status).toBe(413);
    expect(await errorOf(big)).toMatchObject({
      code: 'report_too_large',
      details: { dimension: 'encoded_http_body' },
    });
    const bomb = dockerReport();
    bomb.host.name = 'n'.repeat(11 * 1024 * 1024);
    const inflated = await h.app.request(PATH, {
      method: 'POST',
      headers: { 'X-API-Token': agent, 'Content-Encoding': 'gzip' },
      body: gzipSync(JSON.stringify(bomb)),
    });
    expect(inflated.status).toBe(413);
    expect(await errorOf(inflated)).toMatchObject({ details: { dimension: 'decoded_json' } });
    const noHostname = dockerReport() as unknown as { host: { hostname?: string } };
    delete noHostname.host.hostname;
    const missing = await post(noHostname);
    expect(missing.status).toBe(400);
    expect((await errorOf(missing)).error).toContain('host.hostname');
    expect((await state()).dockerHosts).toEqual([]);
  });

  it('drops one malformed container with a warning naming it, and keeps the others', async () => {
    const report = current();
    const names = report.containers.map((c) => c.name);
    const raw = report as unknown as { containers: Array<Record<string, unknown>> };
    const bad = raw.containers[2];
    if (!bad) throw new Error('fixture has too few containers');
    bad.name = 'n'.repeat(300);
    const res = await post(report, agent, { gzip: true });
    expect(res.status).toBe(200);
    const answer = DockerReportResponse.parse(await res.json());
    expect(answer.containers).toBe(names.length - 1);
    expect(answer.warnings).toEqual([
      {
        path: 'containers[2]',
        message: expect.stringMatching(
          /^Dropped container "n{64}…" \(id ".+"\): name: Too big: expected string to have <=256 characters$/,
        ),
      },
    ]);
    const stored = (await state()).dockerHosts[0]?.containers.map((c) => c.name);
    expect(stored).toEqual(names.filter((_, i) => i !== 2));
  });

  it('drops a container without an id the same way', async () => {
    const report = current() as unknown as { containers: Array<{ id?: string }> };
    delete report.containers[1]?.id;
    const res = await post(report);
    expect(res.status).toBe(200);
    const answer = DockerReportResponse.parse(await res.json());
    expect(answer.warnings?.map((w) => w.path)).toEqual(['containers[1]']);
    expect(answer.warnings?.[0]?.message).toContain('id: is required and must not be blank');
  });

  it('answers a clean report without warnings', async () => {
    const body: unknown = await (await post(current())).json();
    expect(body).not.toHaveProperty('warnings');
  });

  it('refuses a 10 KB hostname with 400 naming host.hostname', async () => {
    const report = current();
    report.host.hostname = 'h'.repeat(10_000);
    const res = await post(report);
    expect(res.status).toBe(400);
    const err = await errorOf(res);
    expect(err.code).toBe('invalid_report');
    expect(err.error).toContain('host.hostname: Too big: expected string to have <=253 characters');
    expect((await state()).dockerHosts).toEqual([]);
  });

  it('refuses a gzip report nested 7,000 levels deep, and /api/state keeps answering', async () => {
    await post(current());
    const report = current() as unknown as { containers: Array<Record<string, unknown>> };
    const first = report.containers[0];
    if (!first) throw new Error('fixture has no containers');
    first.healthcheckTargets = ['DEEP'];
    // Spliced in as text: JSON.stringify of the nested value would itself recurse 7,000 frames deep.
    const deep = `${'{"d":'.repeat(7000)}"bottom"${'}'.repeat(7000)}`;
    const body = JSON.stringify(report).replace('"DEEP"', deep);
    const res = await post(body, agent, { gzip: true });
    expect(res.status).toBe(400);
    expect(await errorOf(res)).toMatchObject({
      code: 'invalid_json',
      error: expect.stringMatching(/nests 7004 levels deep; at most 64 are allowed/),
    });
    const after = await h.app.request('/api/state', { headers: { 'X-API-Token': admin } });
    expect(after.status).toBe(200);
    expect(StateResponse.parse(await after.json()).dockerHosts[0]?.containers).toHaveLength(5);
  });

  it('drops a container whose healthcheck target nests past 8 levels, within the body limit of 64', async () => {
    let deep: unknown = 'bottom';
    for (let i = 0; i < 20; i++) deep = { d: deep };
    const report = current() as unknown as { containers: Array<Record<string, unknown>> };
    const first = report.containers[0];
    if (!first) throw new Error('fixture has no containers');
    first.healthcheckTargets = ['http://127.0.0.1/health', deep];
    const res = await post(report, agent, { gzip: true });
    expect(res.status).toBe(200);
    const [warning] = DockerReportResponse.parse(await res.json()).warnings ?? [];
    expect(warning?.path).toBe('containers[0]');
    expect(warning?.message).toMatch(/healthcheckTargets\[1\](\.d)+: Too deep: expected at most 8 levels/);
    const after = await h.app.request('/api/state', { headers: { 'X-API-Token': admin } });
    expect(after.status).toBe(200);
    expect(StateResponse.parse(await after.json()).dockerHosts[0]?.containers).toHaveLength(4);
  });

  it('goes offline after clamp(interval × 4, 30 s, 10 min) without a report', async () => {
    await post(dockerReport());
    clock.advance(120_000);
    h.deps.dockerAgents.fleet.sweep();
    expect((await state()).dockerHosts[0]?.status).toBe('online');
    clock.advance(1);
    h.deps.dockerAgents.fleet.sweep();
    expect((await state()).dockerHosts[0]?.status).toBe('offline');
    expect((await resources('&type=app-container')).data.every((r) => r.status === 'unknown')).toBe(true);
  });
});

describe('Docker host management', () => {
  async function hostId(): Promise<string> {
    await post(dockerReport());
    return (await state()).dockerHosts[0]?.id ?? '';
  }

  it('refuses to remove a reporting host without force, then blocks it for 24 h', async () => {
    const id = await hostId();
    const refused = await call('DELETE', `/api/agents/docker/hosts/${id}`);
    expect(refused.status).toBe(409);
    expect((await errorOf(refused)).error).toContain('force=true');

    const removed = await call('DELETE', `/api/agents/docker/hosts/${id}?force=true`);
    expect(removed.status).toBe(200);
    let s = await state();
    expect(s.dockerHosts).toEqual([]);
    expect(s.removedDockerHosts.map((r) => r.id)).toEqual([id]);

    const again = await post(dockerReport());
    expect(again.status).toBe(403);
    const err = await errorOf(again);
    expect(err.code).toBe('reenroll_blocked');
    expect(err.error).toContain(`/api/agents/docker/hosts/${id}/allow-reenroll`);

    expect((await call('POST', `/api/agents/docker/hosts/${id}/allow-reenroll`)).status).toBe(200);
    expect((await post(dockerReport())).status).toBe(200);
    s = await state();
    expect(s.dockerHosts.map((d) => d.id)).toEqual([id]);
  });

  it('hides and unhides a host; hidden hosts leave the resources', async () => {
    const id = await hostId();
    expect((await call('DELETE', `/api/agents/docker/hosts/${id}?hide=true`)).status).toBe(200);
    expect((await state()).dockerHosts[0]?.hidden).toBe(true);
    expect((await resources('&source=docker')).data).toEqual([]);
    await post(dockerReport());
    expect((await state()).dockerHosts[0]?.hidden).toBe(true);
    expect((await call('PUT', `/api/agents/docker/hosts/${id}/unhide`)).status).toBe(200);
    expect((await resources('&source=docker')).meta.total).toBe(6);
  });

  it('keeps a custom display name across reports and restarts, and clears it', async () => {
    const id = await hostId();
    const named = await call('PUT', `/api/agents/docker/hosts/${id}/display-name`, {
      displayName: 'Garage NAS',
    });
    expect(await named.json()).toMatchObject({ displayName: 'Garage NAS', customDisplayName: 'Garage NAS' });
    await post(dockerReport());
    expect((await state()).dockerHosts[0]?.displayName).toBe('Garage NAS');

    const restarted = await makeHarness({ clock, dataDir: h.dataDir });
    try {
      await postReport(restarted.app, agent, dockerReport(), { path: PATH });
      expect(restarted.deps.state.dockerHosts.get(id)?.displayName).toBe('Garage NAS');
    } finally {
      restarted.close();
    }
    await call('PUT', `/api/agents/docker/hosts/${id}/display-name`, { displayName: '' });
    expect((await state()).dockerHosts[0]).toMatchObject({ displayName: 'dock-1' });
    expect((await call('PUT', `/api/agents/docker/hosts/${id}/display-name`, { name: 'x' })).status).toBe(
      400,
    );
  });

  it('tells a host marked pending-uninstall to stop with its next acknowledgement', async () => {
    const id = await hostId();
    const marked = await call('PUT', `/api/agents/docker/hosts/${id}/pending-uninstall`);
    expect(await marked.json()).toMatchObject({ pendingUninstall: true });
    const ack = DockerReportResponse.parse(await (await post(dockerReport())).json());
    expect(ack.commands?.map((c) => c.type)).toEqual(['stop']);
    await call('PUT', `/api/agents/docker/hosts/${id}/pending-uninstall`, { pendingUninstall: false });
    const next = DockerReportResponse.parse(await (await post(dockerReport())).json());
    expect(next.commands).toBeUndefined();
  });

  it('answers 404 for unknown hosts', async () => {
    for (const [method, path] of [
      ['DELETE', '/api/agents/docker/hosts/nope'],
      ['PUT', '/api/agents/docker/hosts/nope/unhide'],
      ['POST', '/api/agents/docker/hosts/nope/allow-reenroll'],
    ] as const) {
      expect((await call(method, path)).status, `${method} ${path}`).toBe(404);
    }
  });
});

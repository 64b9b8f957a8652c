import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dockerReportFor, kubernetesReportFor } from '../../../testing/container-reports.ts';
import { expectError } from '../../../testing/expect-error.ts';
import { FakeClock, type Harness, makeHarness } from '../../../testing/harness.ts';
import { postReport, reportFor } from '../../../testing/reports.ts';

let h: Harness;
let clock: FakeClock;

beforeEach(async () => {
  clock = new FakeClock();
  h = await makeHarness({ clock, agentLimits: { maxHostsPerToken: 3, maxContainersPerHost: 5 } });
});
afterEach(() => h.close());

const now = () => new Date(clock.now()).toISOString();
const hostReport = (name: string) =>
  reportFor({ hostname: name, machineId: `${name}-machine`, timestamp: now() });

describe('hosts per token (PULSE_MAX_HOSTS_PER_TOKEN)', () => {
  it('refuses a new host past the cap without changing state, and keeps the token’s hosts reporting', async () => {
    const token = await h.token(['agent:report'], 'flood');
    for (const name of ['h1', 'h2', 'h3'])
      expect((await postReport(h.app, token, hostReport(name))).status).toBe(200);

    const refused = await postReport(h.app, token, hostReport('h4'));
    const err = await expectError(refused, 403, 'quota_exceeded');
    expect(err.error).toContain('PULSE_MAX_HOSTS_PER_TOKEN=3');
    expect(err.error).toContain("'flood' already has 3 hosts");
    expect(err.details).toMatchObject({ limit: '3', count: '3' });
    expect(
      h.deps.state.hosts
        .list()
        .map((x) => x.hostname)
        .sort(),
    ).toEqual(['h1', 'h2', 'h3']);
    expect(h.deps.identities.knows('h4-machine')).toBe(false);

    clock.advance(30_000);
    expect((await postReport(h.app, token, hostReport('h2'))).status).toBe(200);
    // Another token has a cap of its own.
    const other = await h.token(['agent:report'], 'other');
    expect((await postReport(h.app, other, hostReport('h4'))).status).toBe(200);
  });

  it('makes room again when one of the token’s hosts is removed', async () => {
    const token = await h.token(['agent:report'], 'flood');
    const admin = await h.token(['*'], 'admin');
    for (const name of ['h1', 'h2', 'h3']) await postReport(h.app, token, hostReport(name));
    await expectError(await postReport(h.app, token, hostReport('h4')), 403, 'quota_exceeded');
    const del = await h.app.request('/api/agents/host/h1-machine', {
      method: 'DELETE',
      headers: { 'X-API-Token': admin },
    });
    expect(del.status).toBe(200);
    expect((await postReport(h.app, token, hostReport('h4'))).status).toBe(200);
  });

  it('caps Kubernetes clusters per token the same way', async () => {
    const token = await h.token(['kubernetes:report'], 'kube');
    const post = (id: string) =>
      postReport(h.app, token, kubernetesReportFor({ clusterId: id, timestamp: now() }), {
        path: '/api/agents/kubernetes/report',
      });
    for (const id of ['k1', 'k2', 'k3']) expect((await post(id)).status).toBe(200);
    const err = await expectError(await post('k4'), 403, 'quota_exceeded');
    expect(err.error).toContain('PULSE_MAX_HOSTS_PER_TOKEN');
    expect(err.error).toContain('Kubernetes clusters');
    expect(h.deps.state.kubernetesClusters.size).toBe(3);
    expect((await post('k2')).status).toBe(200);
  });
});

describe('containers per Docker host (PULSE_MAX_CONTAINERS_PER_HOST)', () => {
  it('refuses a report with too many containers and keeps the host’s last state', async () => {
    const token = await h.token(['docker:report'], 'dock');
    const post = (containers: number) =>
      postReport(h.app, token, dockerReportFor({ containers, timestamp: now() }), {
        path: '/api/agents/docker/report',
      });
    expect((await post(5)).status).toBe(200);
    const before = h.deps.state.dockerHosts.list();

    clock.advance(30_000);
    const err = await expectError(await post(6), 403, 'quota_exceeded');
    expect(err.error).toContain('reported 6 containers');
    expect(err.error).toContain('PULSE_MAX_CONTAINERS_PER_HOST=5');
    expect(h.deps.state.dockerHosts.list()).toEqual(before);
  });
});

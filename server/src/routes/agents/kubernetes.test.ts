import { KubernetesReportResponse, ResourceListResponse, StateResponse } from '@pulse/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { kubernetesReport } from '../../../testing/container-reports.ts';
import { FakeClock, type Harness, makeHarness } from '../../../testing/harness.ts';
import { errorOf, postReport } from '../../../testing/reports.ts';

const PATH = '/api/agents/kubernetes/report';
let h: Harness;
let clock: FakeClock;
let agent: string;
let admin: string;

beforeEach(async () => {
  clock = new FakeClock(Date.parse('2026-11-22T10:00:00Z'));
  h = await makeHarness({ clock });
  agent = await h.token(['kubernetes:report'], 'k8s-agent');
  admin = await h.token(['*'], 'admin');
});
afterEach(() => h.close());

const post = (body: unknown) => postReport(h.app, agent, body, { path: PATH, gzip: true });
const get = async (path: string) => h.app.request(path, { headers: { 'X-API-Token': admin } });

describe('POST /api/agents/kubernetes/report', () => {
  it('stores the cluster and projects nodes, problem pods and deployments as resources', async () => {
    const report = kubernetesReport();
    const res = await post(report);
    expect(res.status).toBe(200);
    expect(KubernetesReportResponse.parse(await res.json())).toMatchObject({
      success: true,
      clusterId: report.cluster.id,
      nodes: 3,
      pods: 3,
      deployments: 2,
    });
    const s = StateResponse.parse(await (await get('/api/state')).json());
    expect(s.kubernetesClusters.map((c) => [c.name, c.status, c.nodes.length, c.pods.length])).toEqual([
      ['homelab', 'online', 3, 3],
    ]);

    const list = ResourceListResponse.parse(
      await (await get('/api/resources?source=kubernetes&limit=100')).json(),
    );
    const status = Object.fromEntries(list.data.map((r) => [`${r.type}:${r.name}`, r.status]));
    expect(status).toMatchObject({
      'k8s-cluster:homelab': 'warning',
      'k8s-node:kube-cp-1': 'online',
      'k8s-node:kube-w-2': 'offline',
      'pod:prometheus-server-0': 'warning',
      'pod:nightly-backup-29120340-8hz7m': 'offline',
      'k8s-deployment:coredns': 'online',
    });
    const cluster = list.data.find((r) => r.type === 'k8s-cluster');
    expect(list.data.filter((r) => r.type !== 'k8s-cluster').every((r) => r.parentId === cluster?.id)).toBe(
      true,
    );
    expect(list.aggregations.byType).toEqual({
      'k8s-cluster': 1,
      'k8s-node': 3,
      pod: 3,
      'k8s-deployment': 2,
    });
  });

  it('accepts a Pending pod with no node (absent, or null as the Go agent sends it) and a terminating pod', async () => {
    const report: Record<string, unknown> & { pods?: unknown[] } = structuredClone(kubernetesReport());
    const at = '2026-11-22T09:59:40Z';
    report.pods = [
      ...(report.pods ?? []),
      { uid: 'q1', name: 'queued-5f7d8-h2k4p', namespace: 'default', phase: 'Pending', nodeName: null },
      {
        uid: 'q2',
        name: 'bare-pod',
        namespace: 'default',
        nodeName: null,
        phase: null,
        labels: null,
        ownerKind: null,
        containers: null,
      },
      {
        uid: 't1',
        name: 'web-6c9f8-zr9vd',
        namespace: 'default',
        nodeName: 'kube-w-1',
        phase: 'Running',
        reason: 'Terminating',
        terminating: true,
        deletionTimestamp: at,
        containers: [{ name: 'web', ready: true, state: 'running' }],
      },
    ];
    const res = await post(report);
    expect(res.status).toBe(200);
    expect(KubernetesReportResponse.parse(await res.json())).toMatchObject({ pods: 6 });

    const body = await (await get('/api/state')).text();
    const pods = StateResponse.parse(JSON.parse(body)).kubernetesClusters[0]?.pods ?? [];
    const byName = (name: string) => pods.find((p) => p.name === name);
    expect(byName('queued-5f7d8-h2k4p')).toEqual({
      uid: 'q1',
      name: 'queued-5f7d8-h2k4p',
      namespace: 'default',
      phase: 'Pending',
    });
    expect(byName('bare-pod')).toEqual({ uid: 'q2', name: 'bare-pod', namespace: 'default' });
    expect(byName('web-6c9f8-zr9vd')).toMatchObject({ terminating: true, deletionTimestamp: at });
    // The nulls are gone, not echoed back to the UI.
    expect(body).not.toMatch(/"(nodeName|phase|labels|ownerKind|containers)":null/);

    const list = ResourceListResponse.parse(
      await (await get('/api/resources?source=kubernetes&type=pod&limit=100')).json(),
    );
    const pod = (name: string) => list.data.find((r) => r.name === name);
    expect(pod('queued-5f7d8-h2k4p')).toMatchObject({ status: 'warning' });
    expect(pod('queued-5f7d8-h2k4p')?.kubernetes?.nodeName).toBeUndefined();
    expect(pod('web-6c9f8-zr9vd')?.kubernetes).toMatchObject({ nodeName: 'kube-w-1', reason: 'Terminating' });
  });

  it('drops a pod with a name past 256 or a message past 4096 characters, naming both, and keeps the rest', async () => {
    const report: Record<string, unknown> & { pods?: unknown[] } = structuredClone(kubernetesReport());
    const kept = report.pods?.length ?? 0;
    report.pods = [
      ...(report.pods ?? []),
      { uid: 'p1', name: 'x'.repeat(257), namespace: 'default', message: 'm'.repeat(4097) },
    ];
    const res = await post(report);
    expect(res.status).toBe(200);
    const answer = KubernetesReportResponse.parse(await res.json());
    expect(answer.pods).toBe(kept);
    expect(answer.warnings?.map((w) => w.path)).toEqual([`pods[${kept}]`]);
    expect(answer.warnings?.[0]?.message).toContain('name: ');
    expect(answer.warnings?.[0]?.message).toContain('message: ');
    const pods = StateResponse.parse(await (await get('/api/state')).json()).kubernetesClusters[0]?.pods;
    expect(pods).toHaveLength(kept);
  });

  it('refuses a report without cluster.id, naming it, and stores nothing', async () => {
    const r = kubernetesReport() as unknown as { cluster: { id?: string } };
    delete r.cluster.id;
    const res = await post(r);
    expect(res.status).toBe(400);
    expect((await errorOf(res)).error).toContain('cluster.id');
    expect(StateResponse.parse(await (await get('/api/state')).json()).kubernetesClusters).toEqual([]);
  });

  it('marks the cluster offline and its children unknown when it stops reporting', async () => {
    await post(kubernetesReport());
    clock.advance(121_000);
    h.deps.kubernetesAgents.fleet.sweep();
    const list = ResourceListResponse.parse(
      await (await get('/api/resources?source=kubernetes&limit=100')).json(),
    );
    expect(list.data.find((r) => r.type === 'k8s-cluster')?.status).toBe('offline');
    expect(list.data.filter((r) => r.type !== 'k8s-cluster').every((r) => r.status === 'unknown')).toBe(true);
  });

  it('removes a cluster with force and blocks it until re-enrolment is allowed', async () => {
    const report = kubernetesReport();
    await post(report);
    const id = report.cluster.id;
    const del = await h.app.request(`/api/agents/kubernetes/clusters/${id}?force=true`, {
      method: 'DELETE',
      headers: { 'X-API-Token': admin },
    });
    expect(del.status).toBe(200);
    const blocked = await post(report);
    expect(blocked.status).toBe(403);
    expect((await errorOf(blocked)).error).toContain(`/api/agents/kubernetes/clusters/${id}/allow-reenroll`);
    const allow = await h.app.request(`/api/agents/kubernetes/clusters/${id}/allow-reenroll`, {
      method: 'POST',
      headers: { 'X-API-Token': admin },
    });
    expect(allow.status).toBe(200);
    expect((await post(report)).status).toBe(200);
  });
});

// A malformed object in a Kubernetes report costs that object, not the report.
/** The fixture stamped with the server's time, so no clock warning mixes with the ones under test. */
function current() {
  const report = kubernetesReport();
  report.timestamp = new Date(clock.now()).toISOString();
  return report;
}

async function state(): Promise<StateResponse> {
  const res = await h.app.request('/api/state', { headers: { 'X-API-Token': admin } });
  expect(res.status).toBe(200);
  return StateResponse.parse(await res.json());
}

describe('POST /api/agents/kubernetes/report with a malformed object', () => {
  it('drops one bad pod with a warning naming it, and stores the other pods', async () => {
    const report = current();
    const names = (report.pods ?? []).map((p) => p.name);
    const raw = report as unknown as { pods: Array<Record<string, unknown>> };
    const bad = raw.pods[1];
    if (!bad) throw new Error('fixture has too few pods');
    bad.restarts = 'many';
    const res = await postReport(h.app, agent, report, { path: PATH, gzip: true });
    expect(res.status).toBe(200);
    const answer = KubernetesReportResponse.parse(await res.json());
    expect(answer.pods).toBe(names.length - 1);
    expect(answer.warnings).toEqual([
      {
        path: 'pods[1]',
        message: expect.stringMatching(
          /^Dropped pod "monitoring\/prometheus-server-0" \(id "[0-9a-f-]+"\): restarts: Invalid input: expected number, received string$/,
        ),
      },
    ]);
    const cluster = (await state()).kubernetesClusters[0];
    expect(cluster?.pods.map((p) => p.name)).toEqual(names.filter((_, i) => i !== 1));
  });

  it('drops a bad object of another kind the same way', async () => {
    const report = current();
    const raw = report as unknown as { deployments: Array<Record<string, unknown>> };
    const first = raw.deployments[0];
    if (!first) throw new Error('fixture has no deployments');
    first.uid = 42;
    const res = await postReport(h.app, agent, report, { path: PATH });
    expect(res.status).toBe(200);
    const answer = KubernetesReportResponse.parse(await res.json());
    expect(answer.warnings?.map((w) => w.path)).toEqual(['deployments[0]']);
    expect(answer.deployments).toBe(raw.deployments.length - 1);
  });

  it('still refuses a report whose cluster is malformed, naming the field', async () => {
    const report = current();
    report.cluster.id = ' ';
    const res = await postReport(h.app, agent, report, { path: PATH });
    expect(res.status).toBe(400);
    expect((await errorOf(res)).error).toContain('cluster.id');
    expect((await state()).kubernetesClusters).toEqual([]);
  });
});

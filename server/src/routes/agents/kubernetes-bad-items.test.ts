// A malformed object in a Kubernetes report costs that object, not the report.
import { KubernetesReportResponse, StateResponse } from '@pulse/shared';
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

import { HostReportResponse, ReportWarnings } from '@pulse/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dockerReportFor, kubernetesReportFor } from '../../../testing/container-reports.ts';
import { FakeClock, type Harness, makeHarness } from '../../../testing/harness.ts';
import { postReport, reportFor } from '../../../testing/reports.ts';

const FUTURE = '2099-01-01T00:00:00Z';
const STREAM_A = 'a'.repeat(32);
const STREAM_B = 'b'.repeat(32);

let h: Harness;
let clock: FakeClock;
let token: string;

beforeEach(async () => {
  clock = new FakeClock();
  h = await makeHarness({ clock });
  token = await h.token(['*'], 'agent');
});
afterEach(() => h.close());

const iso = (ms: number) => new Date(ms).toISOString();

function hostReport(cpu: number, opts: { timestamp?: string; sequenceId?: string } = {}) {
  const r = reportFor({
    hostname: 'clocky',
    machineId: 'cccccccc-1111-2222-3333-444444444444',
    timestamp: opts.timestamp ?? iso(clock.now()),
    ...(opts.sequenceId ? { sequenceId: opts.sequenceId } : {}),
  });
  r.metrics.cpuUsagePercent = cpu;
  return r;
}

async function warningsOf(res: Response) {
  expect(res.status).toBe(200);
  const body = (await res.json()) as { warnings?: unknown };
  return ReportWarnings.optional().parse(body.warnings);
}

const host = () => h.deps.state.hosts.get('cccccccc-1111-2222-3333-444444444444');

describe('a report stamped far in the future', () => {
  it('is taken at the server time with a warning, and the later reports still apply', async () => {
    await postReport(h.app, token, hostReport(10));
    clock.advance(30_000);
    const res = await postReport(h.app, token, hostReport(20, { timestamp: FUTURE }));
    const warnings = await warningsOf(res.clone());
    expect(warnings?.map((w) => w.path)).toEqual(['timestamp']);
    expect(warnings?.[0]?.message).toContain('ahead of the server clock');
    expect(HostReportResponse.parse(await res.json()).success).toBe(true);
    expect(host()).toMatchObject({ cpuUsage: 20, reportedAt: iso(clock.now()), clampedTimestamps: 1 });

    // The real agent's next reports, without sequence ids, are ordered by their (sane) time again.
    for (const cpu of [30, 40, 50, 60, 70, 80, 90]) {
      clock.advance(30_000);
      expect(await warningsOf(await postReport(h.app, token, hostReport(cpu)))).toBeUndefined();
      expect(host()?.cpuUsage).toBe(cpu);
      h.deps.hostAgents.sweep();
      expect(host()?.status).toBe('online');
    }
    expect(host()?.clampedTimestamps).toBe(1);
  });

  it('allows up to five minutes of skew before clamping', async () => {
    const ahead = iso(clock.now() + 5 * 60_000);
    expect(
      await warningsOf(await postReport(h.app, token, hostReport(10, { timestamp: ahead }))),
    ).toBeUndefined();
    expect(host()?.reportedAt).toBe(ahead);
    clock.advance(1_000);
    const tooFar = iso(clock.now() + 5 * 60_000 + 1_000);
    expect(
      await warningsOf(await postReport(h.app, token, hostReport(20, { timestamp: tooFar }))),
    ).toHaveLength(1);
    expect(host()).toMatchObject({ cpuUsage: 20, reportedAt: iso(clock.now()) });
  });

  it('does not freeze a Docker host or a cluster either', async () => {
    const docker = (timestamp: string) =>
      postReport(h.app, token, dockerReportFor({ timestamp }), { path: '/api/agents/docker/report' });
    const kube = (timestamp: string) =>
      postReport(h.app, token, kubernetesReportFor({ timestamp }), { path: '/api/agents/kubernetes/report' });

    expect(await warningsOf(await docker(FUTURE))).toHaveLength(1);
    expect(await warningsOf(await kube(FUTURE))).toHaveLength(1);
    clock.advance(30_000);
    await docker(iso(clock.now()));
    await kube(iso(clock.now()));

    const [dockerHost] = h.deps.state.dockerHosts.list();
    const [cluster] = h.deps.state.kubernetesClusters.list();
    expect(dockerHost).toMatchObject({ reportedAt: iso(clock.now()), clampedTimestamps: 1 });
    expect(cluster).toMatchObject({ reportedAt: iso(clock.now()), clampedTimestamps: 1 });
  });
});

describe('report order', () => {
  it('orders by sequence within a stream and always takes a new stream (a restarted agent)', async () => {
    await postReport(h.app, token, hostReport(10, { sequenceId: `v1:${STREAM_A}:40` }));
    // Within a stream the sequence decides, whatever the timestamp says.
    const ahead = iso(clock.now() + 60_000);
    await postReport(h.app, token, hostReport(99, { sequenceId: `v1:${STREAM_A}:39`, timestamp: ahead }));
    expect(host()?.cpuUsage).toBe(10);

    clock.advance(30_000);
    // After the restart the agent's clock was corrected back by ten minutes.
    const earlier = iso(clock.now() - 10 * 60_000);
    await postReport(h.app, token, hostReport(20, { sequenceId: `v1:${STREAM_B}:1`, timestamp: earlier }));
    expect(host()?.cpuUsage).toBe(20);
    clock.advance(30_000);
    await postReport(h.app, token, hostReport(30, { sequenceId: `v1:${STREAM_B}:2`, timestamp: earlier }));
    expect(host()?.cpuUsage).toBe(30);

    // A late, buffered report of the stream the agent left is judged by its time: older, so dropped.
    const late = iso(clock.now() - 20 * 60_000);
    await postReport(h.app, token, hostReport(98, { sequenceId: `v1:${STREAM_A}:41`, timestamp: late }));
    expect(host()?.cpuUsage).toBe(30);
  });
});

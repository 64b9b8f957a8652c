import type { Scope } from '@pulse/shared';
import { StateResponse } from '@pulse/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dockerReportFor, kubernetesReportFor } from '../../../testing/container-reports.ts';
import { expectError } from '../../../testing/expect-error.ts';
import { FakeClock, type Harness, makeHarness } from '../../../testing/harness.ts';
import { postReport, reportFor } from '../../../testing/reports.ts';

let h: Harness;
let clock: FakeClock;
let reader: string;

beforeEach(async () => {
  clock = new FakeClock();
  h = await makeHarness({ clock });
  reader = await h.token(['monitoring:read'], 'reader');
});
afterEach(() => h.close());

const MACHINE = 'aaaaaaaa-1111-2222-3333-444444444444';
let seq = 0;

/** The victim's report as its agent sends it: stamped now, the next position of one stream. */
function victimReport(cpu = 12, hostname = 'victim') {
  const r = reportFor({
    hostname,
    machineId: MACHINE,
    timestamp: new Date(clock.now()).toISOString(),
    sequenceId: `v1:${'a'.repeat(32)}:${++seq}`,
  });
  r.metrics.cpuUsagePercent = cpu;
  return r;
}

async function mint(name: string, scopes: Scope[], expiresInDays?: number) {
  const { token, record } = await h.deps.tokens.create({
    name,
    scopes,
    ...(expiresInDays ? { expiresInDays } : {}),
  });
  return { raw: token, id: record.id };
}

async function state(): Promise<StateResponse> {
  const res = await h.app.request('/api/state', { headers: { 'X-API-Token': reader } });
  return StateResponse.parse(await res.json());
}

describe('a host is bound to the token that enrolled it', () => {
  it('refuses the same hostname and machine id from another agent token with 403, leaving the host alone', async () => {
    const victim = await mint('victim', ['agent:report']);
    const attacker = await mint('attacker', ['agent:report']);
    expect((await postReport(h.app, victim.raw, victimReport(12))).status).toBe(200);
    const before = await state();

    clock.advance(10_000);
    const stolen = await postReport(h.app, attacker.raw, victimReport(99));
    const err = await expectError(stolen, 403, 'identity_bound');
    expect(err.error).toContain(`DELETE /api/agents/host/${MACHINE}`);
    expect(err.error).toContain('allow-reenroll');
    expect(err.error).toContain('token that enrolled it');

    const after = await state();
    expect(after.hosts).toEqual(before.hosts);
    expect(after.hosts[0]).toMatchObject({ cpuUsage: 12, tokenName: 'victim' });
    // The victim's own agent goes on reporting.
    expect((await postReport(h.app, victim.raw, victimReport(13))).status).toBe(200);
    expect((await state()).hosts[0]?.cpuUsage).toBe(13);
  });

  it('still forks a clone of another hostname instead of taking over, even while the original is offline', async () => {
    const victim = await mint('victim', ['agent:report']);
    const other = await mint('other', ['agent:report']);
    await postReport(h.app, victim.raw, victimReport(12));
    expect((await postReport(h.app, other.raw, victimReport(50, 'clone'))).status).toBe(200);

    clock.advance(11 * 60_000);
    h.deps.hostAgents.sweep();
    // Another token's rename of an offline host is a clone too, never a rename heal of the victim.
    expect((await postReport(h.app, other.raw, victimReport(60, 'renamed'))).status).toBe(200);
    const hosts = (await state()).hosts;
    expect(hosts.find((x) => x.id === MACHINE)).toMatchObject({ hostname: 'victim', tokenName: 'victim' });
    expect(
      hosts
        .filter((x) => x.id !== MACHINE)
        .map((x) => x.hostname)
        .sort(),
    ).toEqual(['clone', 'renamed']);
  });

  it('lets an admin token take the host over, binding it to the admin token', async () => {
    const victim = await mint('victim', ['agent:report']);
    const admin = await mint('admin', ['agent:report', 'agent:manage']);
    await postReport(h.app, victim.raw, victimReport(12));
    expect((await postReport(h.app, admin.raw, victimReport(30))).status).toBe(200);
    expect((await state()).hosts[0]).toMatchObject({ cpuUsage: 30, tokenName: 'admin' });
    await expectError(await postReport(h.app, victim.raw, victimReport(40)), 403, 'identity_bound');
  });

  it('lets a new token take over once the enrolling token was revoked or expired', async () => {
    const first = await mint('first', ['agent:report']);
    await postReport(h.app, first.raw, victimReport(12));
    const second = await mint('second', ['agent:report'], 1);
    await expectError(await postReport(h.app, second.raw, victimReport(20)), 403, 'identity_bound');
    await h.deps.tokens.revoke(first.id);
    expect((await postReport(h.app, second.raw, victimReport(20))).status).toBe(200);
    expect((await state()).hosts[0]).toMatchObject({ cpuUsage: 20, tokenName: 'second' });

    const third = await mint('third', ['agent:report']);
    await expectError(await postReport(h.app, third.raw, victimReport(30)), 403, 'identity_bound');
    clock.advance(2 * 86_400_000);
    expect((await postReport(h.app, third.raw, victimReport(30))).status).toBe(200);
    expect((await state()).hosts[0]).toMatchObject({ cpuUsage: 30, tokenName: 'third' });
  });

  it('keeps the binding across a restart', async () => {
    const victim = await mint('victim', ['agent:report']);
    const attacker = await mint('attacker', ['agent:report']);
    await postReport(h.app, victim.raw, victimReport(12));
    const again = await makeHarness({ clock, dataDir: h.dataDir });
    try {
      await expectError(await postReport(again.app, attacker.raw, victimReport(99)), 403, 'identity_bound');
    } finally {
      again.close();
    }
  });
});

describe('Docker hosts and clusters are bound the same way', () => {
  const DOCKER = '/api/agents/docker/report';
  const KUBE = '/api/agents/kubernetes/report';

  it('refuses another token reporting an existing Docker host', async () => {
    const owner = await mint('dock-owner', ['docker:report']);
    const other = await mint('dock-other', ['docker:report']);
    const report = dockerReportFor({ timestamp: new Date(clock.now()).toISOString() });
    expect((await postReport(h.app, owner.raw, report, { path: DOCKER })).status).toBe(200);
    const before = (await state()).dockerHosts;

    const stolen = dockerReportFor({ timestamp: new Date(clock.now() + 1000).toISOString(), containers: 1 });
    const err = await expectError(
      await postReport(h.app, other.raw, stolen, { path: DOCKER }),
      403,
      'identity_bound',
    );
    expect(err.error).toContain('/api/agents/docker/hosts/');
    expect((await state()).dockerHosts).toEqual(before);
  });

  it('refuses another token reporting an existing cluster, until the owner token is revoked', async () => {
    const owner = await mint('kube-owner', ['kubernetes:report']);
    const other = await mint('kube-other', ['kubernetes:report']);
    const at = (ms: number) => kubernetesReportFor({ timestamp: new Date(clock.now() + ms).toISOString() });
    expect((await postReport(h.app, owner.raw, at(0), { path: KUBE })).status).toBe(200);
    const before = (await state()).kubernetesClusters;

    const err = await expectError(
      await postReport(h.app, other.raw, at(1000), { path: KUBE }),
      403,
      'identity_bound',
    );
    expect(err.error).toContain('/api/agents/kubernetes/clusters/');
    expect((await state()).kubernetesClusters).toEqual(before);

    await h.deps.tokens.revoke(owner.id);
    expect((await postReport(h.app, other.raw, at(2000), { path: KUBE })).status).toBe(200);
    expect((await state()).kubernetesClusters[0]?.tokenName).toBe('kube-other');
  });
});

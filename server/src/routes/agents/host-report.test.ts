import { gzipSync } from 'node:zlib';
import { HostReportResponse, LIMITS, ResourceListResponse, StateResponse } from '@pulse/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock, type Harness, makeHarness } from '../../../testing/harness.ts';
import { errorOf, postReport, recordedReport, reportFor } from '../../../testing/reports.ts';

let h: Harness;
let clock: FakeClock;
let agentToken: string;
let readToken: string;

beforeEach(async () => {
  clock = new FakeClock();
  h = await makeHarness({ clock });
  agentToken = await h.token(['agent:report'], 'agent');
  readToken = await h.token(['monitoring:read'], 'reader');
});
afterEach(() => h.close());

async function state(): Promise<StateResponse> {
  const res = await h.app.request('/api/state', { headers: { 'X-API-Token': readToken } });
  expect(res.status).toBe(200);
  return StateResponse.parse(await res.json());
}

describe('POST /api/agents/host/report', () => {
  it('round-trips a report recorded from a real machine into hosts[] and resources[]', async () => {
    const report = recordedReport();
    const res = await postReport(h.app, agentToken, report);
    expect(res.status).toBe(200);
    const answer = HostReportResponse.parse(await res.json());
    expect(answer).toMatchObject({
      success: true,
      agentId: report.agent.id,
      platform: report.host.platform,
      osName: report.host.osName,
      osVersion: report.host.osVersion,
      serverVersion: h.deps.version.version,
    });

    const s = await state();
    expect(s.hosts).toHaveLength(1);
    const host = s.hosts[0];
    const mem = report.metrics.memory;
    expect(host).toMatchObject({
      hostname: report.host.hostname,
      machineId: report.host.machineId,
      status: 'online',
      cpuCount: report.host.cpuCount,
      cpuUsage: report.metrics.cpuUsagePercent,
      kernelVersion: report.host.kernelVersion,
      uptimeSeconds: report.host.uptimeSeconds,
      loadAverage: report.host.loadAverage,
      intervalSeconds: report.agent.intervalSeconds,
      agentVersion: report.agent.version,
      tokenName: 'agent',
      memory: {
        total: mem?.totalBytes,
        used: mem?.usedBytes,
        free: mem?.freeBytes,
        cache: mem?.cacheBytes,
        usage: mem?.usage,
        swapTotal: mem?.swapTotalBytes,
        swapUsed: mem?.swapUsedBytes,
      },
    });
    expect(host?.tokenHint).toMatch(/^[0-9a-f]{6}…[0-9a-f]{4}$/);
    expect(host?.disks).toEqual(
      (report.disks ?? []).map((d) => ({
        device: d.device,
        mountpoint: d.mountpoint,
        filesystem: d.filesystem,
        type: d.type,
        total: d.totalBytes,
        used: d.usedBytes,
        free: d.freeBytes,
        usage: d.usage,
      })),
    );
    expect(host?.networkInterfaces).toEqual(report.network);
    expect(host?.diskIO).toEqual(report.diskIO);
    // No rates from a single report: unknown, not zero.
    expect(host?.netInRate).toBeUndefined();

    expect(s.resources).toHaveLength(1);
    const resource = s.resources[0];
    expect(resource).toMatchObject({
      type: 'agent',
      name: report.host.hostname,
      status: 'online',
      sources: ['agent'],
      metricsTarget: { resourceType: 'host', resourceId: host?.id },
      metrics: {
        cpu: { value: report.metrics.cpuUsagePercent, unit: '%' },
        memory: { used: mem?.usedBytes, total: mem?.totalBytes, percent: mem?.usage },
      },
    });
    expect(resource?.identity.machineId).toBe(report.host.machineId);
    expect(resource?.id).toMatch(/^agent-[0-9a-f]{16}$/);

    const listed = await h.app.request('/api/resources', { headers: { 'X-API-Token': readToken } });
    expect(ResourceListResponse.parse(await listed.json()).data).toEqual(s.resources);
    // Every empty collection is an array, never null.
    expect(s.nodes).toEqual([]);
    expect(s.dockerHosts).toEqual([]);
    expect(s.pveBackups.guestSnapshots).toEqual([]);
  });

  it('accepts gzip bodies and the /api/agents/agent/report alias alike', async () => {
    const report = recordedReport();
    const res = await postReport(h.app, agentToken, report, { gzip: true, path: '/api/agents/agent/report' });
    expect(res.status).toBe(200);
    const s = await state();
    expect(s.hosts[0]?.memory?.total).toBe(report.metrics.memory?.totalBytes);
  });

  it('accepts host-agent:report, the legacy alias of the scope', async () => {
    // A token may only grant scopes it holds, so the minter holds the canonical one the alias maps to.
    const admin = await h.token(['settings:write', 'agent:report'], 'admin');
    const created = await h.app.request('/api/security/tokens', {
      method: 'POST',
      headers: { 'X-API-Token': admin, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'legacy', scopes: ['host-agent:report'] }),
    });
    const { token } = (await created.json()) as { token: string };
    expect((await postReport(h.app, token, recordedReport())).status).toBe(200);
  });

  it('refuses a report without hostname with 400 naming the field, and stores nothing', async () => {
    const { hostname: _drop, ...hostWithout } = recordedReport().host;
    const res = await postReport(h.app, agentToken, { ...recordedReport(), host: hostWithout });
    expect(res.status).toBe(400);
    const body = await errorOf(res);
    expect(body).toMatchObject({
      code: 'invalid_report',
      status_code: 400,
      details: { 'host.hostname': expect.any(String) },
    });
    expect(body.error).toContain('host.hostname');
    expect(body.request_id).toBe(res.headers.get('X-Request-ID'));
    expect((await state()).hosts).toEqual([]);
  });

  it('refuses a 10 KB hostname with 400 naming host.hostname, and stores nothing', async () => {
    const res = await postReport(h.app, agentToken, reportFor({ hostname: 'h'.repeat(10_000) }));
    expect(res.status).toBe(400);
    const body = await errorOf(res);
    expect(body.code).toBe('invalid_report');
    expect(body.error).toContain('host.hostname: Too big: expected string to have <=253 characters');
    expect((await state()).hosts).toEqual([]);
  });

  it('drops one malformed disk with a warning naming it, and applies the rest of the report', async () => {
    const report = reportFor({ timestamp: new Date(clock.now()).toISOString() });
    const root = report.disks?.[0];
    if (!root) throw new Error('fixture has no disk');
    const raw = report as unknown as { disks: unknown[] };
    raw.disks = [
      root,
      { ...root, device: '/dev/vdb', mountpoint: '/data', usage: 140 },
      { ...root, mountpoint: '/boot' },
    ];
    const res = await postReport(h.app, agentToken, report);
    expect(res.status).toBe(200);
    expect(HostReportResponse.parse(await res.json()).warnings).toEqual([
      {
        path: 'disks[1]',
        message: 'Dropped disk "/data": usage: Too big: expected number to be <=100',
      },
    ]);
    const host = (await state()).hosts[0];
    expect(host?.disks.map((d) => d.mountpoint)).toEqual(['/', '/boot']);
    expect(host?.hostname).toBe(report.host.hostname);
  });

  it('answers a clean report without warnings', async () => {
    const report = reportFor({ timestamp: new Date(clock.now()).toISOString() });
    const body: unknown = await (await postReport(h.app, agentToken, report)).json();
    expect(body).not.toHaveProperty('warnings');
  });

  it('names the field and the problem for a wrong type', async () => {
    const r = recordedReport() as unknown as { metrics: { memory: { totalBytes: unknown } } };
    r.metrics.memory.totalBytes = 'lots';
    const res = await postReport(h.app, agentToken, r);
    expect(res.status).toBe(400);
    const body = await errorOf(res);
    expect(body.error).toMatch(/metrics\.memory\.totalBytes: .*number/);
  });

  it('answers truncated JSON with invalid_json and broken gzip with a clear 400', async () => {
    const json = JSON.stringify(recordedReport());
    const truncated = await postReport(h.app, agentToken, json.slice(0, json.length / 2));
    expect(truncated.status).toBe(400);
    expect(await errorOf(truncated)).toMatchObject({ code: 'invalid_json' });

    const garbage = await h.app.request('/api/agents/host/report', {
      method: 'POST',
      headers: { 'X-API-Token': agentToken, 'Content-Encoding': 'gzip' },
      body: 'not gzip at all',
    });
    expect(garbage.status).toBe(400);
    expect((await errorOf(garbage)).error).toMatch(/gzip/);

    const empty = await postReport(h.app, agentToken, '');
    expect(empty.status).toBe(400);
    expect((await errorOf(empty)).error).toMatch(/empty/);
    expect((await state()).hosts).toEqual([]);
  });

  it('refuses bodies over 256 KiB on the wire with 413', async () => {
    const r = recordedReport();
    r.host.displayName = 'x'.repeat(LIMITS.hostReportWireBytes);
    const res = await postReport(h.app, agentToken, r);
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({
      code: 'report_too_large',
      details: { dimension: 'encoded_http_body', limitBytes: String(LIMITS.hostReportWireBytes) },
    });
    expect((await state()).hosts).toEqual([]);
  });

  it('refuses a small gzip body that inflates past 1.5 MiB with 413', async () => {
    const r = recordedReport();
    r.host.displayName = 'y'.repeat(2 * 1024 * 1024);
    const packed = gzipSync(JSON.stringify(r));
    expect(packed.byteLength).toBeLessThan(LIMITS.hostReportWireBytes);
    const res = await h.app.request('/api/agents/host/report', {
      method: 'POST',
      headers: { 'X-API-Token': agentToken, 'Content-Encoding': 'gzip' },
      body: packed,
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({
      code: 'report_too_large',
      details: { dimension: 'decoded_json' },
    });
  });

  it('refuses an unsupported Content-Encoding with 415', async () => {
    const res = await postReport(h.app, agentToken, recordedReport(), {
      headers: { 'Content-Encoding': 'br' },
    });
    expect(res.status).toBe(415);
    const body = await errorOf(res);
    expect(body).toMatchObject({ code: 'unsupported_encoding', status_code: 415 });
    expect(body.error).toContain("'br'");
  });
});

describe('host identity', () => {
  it('keeps two machines that share one token apart', async () => {
    await postReport(
      h.app,
      agentToken,
      reportFor({ hostname: 'alpha', machineId: 'aaaaaaaa-0000-0000-0000-000000000001' }),
    );
    await postReport(
      h.app,
      agentToken,
      reportFor({ hostname: 'beta', machineId: 'bbbbbbbb-0000-0000-0000-000000000002' }),
    );
    const s = await state();
    expect(s.hosts.map((x) => x.hostname).sort()).toEqual(['alpha', 'beta']);
    expect(new Set(s.resources.map((r) => r.id)).size).toBe(2);
  });

  it('forks a clone that shares the machine id but not the hostname, and keeps it forked', async () => {
    const shared = 'cccccccc-0000-0000-0000-000000000003';
    for (let round = 0; round < 3; round++) {
      const a = await postReport(h.app, agentToken, reportFor({ hostname: 'web-1', machineId: shared }));
      const b = await postReport(h.app, agentToken, reportFor({ hostname: 'web-2', machineId: shared }));
      expect(a.status).toBe(200);
      expect(b.status).toBe(200);
      clock.advance(30_000);
    }
    const s = await state();
    expect(s.hosts).toHaveLength(2);
    const original = s.hosts.find((x) => x.hostname === 'web-1');
    const clone = s.hosts.find((x) => x.hostname === 'web-2');
    expect(original?.id).toBe(shared);
    expect(clone?.id).toMatch(new RegExp(`^${shared}-[0-9a-f]{8}$`));
    expect(clone?.identityConflict?.hostnames.sort()).toEqual(['web-1', 'web-2']);
    expect(new Set(s.resources.map((r) => r.id)).size).toBe(2);

    // The fork is remembered across a restart of the server.
    const again = await makeHarness({ clock, dataDir: h.dataDir });
    try {
      const res = await postReport(
        again.app,
        agentToken,
        reportFor({ hostname: 'web-2', machineId: shared }),
      );
      expect(HostReportResponse.parse(await res.json()).agentId).toBe(clone?.id);
    } finally {
      again.close();
    }
  });

  it('heals a rename when the old hostname stopped reporting', async () => {
    const id = 'dddddddd-0000-0000-0000-000000000004';
    await postReport(h.app, agentToken, reportFor({ hostname: 'old-name', machineId: id }));
    clock.advance(11 * 60_000);
    h.deps.hostAgents.sweep();
    await postReport(h.app, agentToken, reportFor({ hostname: 'new-name', machineId: id }));
    const s = await state();
    expect(s.hosts.map((x) => [x.id, x.hostname, x.status])).toEqual([[id, 'new-name', 'online']]);
  });
});

describe('rates and ordering', () => {
  function withCounters(seconds: number, rx: number, tx: number, read: number, write: number, seq: number) {
    const r = reportFor({
      timestamp: new Date(Date.parse('2026-11-01T12:00:00Z') + seconds * 1000).toISOString(),
      sequenceId: `v1:${'a'.repeat(32)}:${seq}`,
    });
    r.network = [
      { name: 'lo', rxBytes: 1e12 + seconds, txBytes: 1e12 + seconds },
      { name: 'eth0', rxBytes: rx, txBytes: tx },
    ];
    r.diskIO = [{ device: 'sda', readBytes: read, writeBytes: write }];
    return r;
  }

  it('derives bytes/s from cumulative counters between two reports, ignoring loopback', async () => {
    await postReport(h.app, agentToken, withCounters(0, 1_000, 2_000, 10_000, 20_000, 1));
    await postReport(h.app, agentToken, withCounters(30, 31_000, 8_000, 40_000, 20_000, 2));
    const host = (await state()).hosts[0];
    expect(host).toMatchObject({ netInRate: 1_000, netOutRate: 200, diskReadRate: 1_000, diskWriteRate: 0 });
    const resource = (await state()).resources[0];
    expect(resource?.metrics.netIn).toEqual({ value: 1_000, unit: 'bytes/s' });
  });

  it('skips a counter that went backwards instead of reporting a negative or huge rate', async () => {
    await postReport(h.app, agentToken, withCounters(0, 50_000, 50_000, 50_000, 50_000, 1));
    await postReport(h.app, agentToken, withCounters(10, 100, 50_500, 50_000, 51_000, 2));
    const host = (await state()).hosts[0];
    expect(host).toMatchObject({ netInRate: 0, netOutRate: 50, diskWriteRate: 100 });
  });

  it('never rolls the state back for a repeated or older report of the same stream', async () => {
    await postReport(h.app, agentToken, withCounters(30, 9, 9, 9, 9, 2));
    const late = await postReport(h.app, agentToken, withCounters(0, 1, 1, 1, 1, 1));
    expect(late.status).toBe(200);
    const host = (await state()).hosts[0];
    expect(host?.networkInterfaces.find((n) => n.name === 'eth0')?.rxBytes).toBe(9);
  });
});

describe('lookup, removal and re-enrolment', () => {
  it('finds a host by id, agent id or hostname and answers 404 otherwise', async () => {
    const manage = await h.token(['agent:report'], 'installer');
    const report = recordedReport();
    await postReport(h.app, agentToken, report);
    const hostId = (await state()).hosts[0]?.id ?? '';
    for (const q of [`id=${hostId}`, `hostname=${report.host.hostname.toUpperCase()}`]) {
      const res = await h.app.request(`/api/agents/host/lookup?${q}`, { headers: { 'X-API-Token': manage } });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({
        success: true,
        host: { id: hostId, connected: true, status: 'online' },
      });
    }
    const missing = await h.app.request('/api/agents/host/lookup?hostname=nope', {
      headers: { 'X-API-Token': manage },
    });
    expect(missing.status).toBe(404);
    expect(await errorOf(missing)).toMatchObject({ code: 'agent_not_found' });
    const neither = await h.app.request('/api/agents/host/lookup', { headers: { 'X-API-Token': manage } });
    expect(neither.status).toBe(400);
    expect((await errorOf(neither)).error).toMatch(/id/);
  });

  it('removes a host and refuses its reports for 24 h unless re-enrolment is allowed', async () => {
    const admin = await h.token(['agent:manage'], 'admin');
    const report = recordedReport();
    await postReport(h.app, agentToken, report);
    const hostId = (await state()).hosts[0]?.id ?? '';

    const del = await h.app.request(`/api/agents/host/${hostId}`, {
      method: 'DELETE',
      headers: { 'X-API-Token': admin },
    });
    expect(del.status).toBe(200);
    let s = await state();
    expect(s.hosts).toEqual([]);
    expect(s.removedHostAgents.map((r) => r.id)).toEqual([hostId]);

    const refused = await postReport(h.app, agentToken, report);
    expect(refused.status).toBe(403);
    const body = await errorOf(refused);
    expect(body.code).toBe('reenroll_blocked');
    expect(body.error).toContain('allow-reenroll');
    expect((await state()).hosts).toEqual([]);

    const allow = await h.app.request(`/api/agents/host/${hostId}/allow-reenroll`, {
      method: 'POST',
      headers: { 'X-API-Token': admin },
    });
    expect(allow.status).toBe(200);
    expect((await postReport(h.app, agentToken, report)).status).toBe(200);
    s = await state();
    expect(s.hosts.map((x) => x.id)).toEqual([hostId]);
    expect(s.removedHostAgents).toEqual([]);

    const unknown = await h.app.request('/api/agents/host/not-a-host', {
      method: 'DELETE',
      headers: { 'X-API-Token': admin },
    });
    expect(unknown.status).toBe(404);
  });

  it('lets a removed host back after 24 h, or at once with a token minted after the removal', async () => {
    const admin = await h.token(['agent:manage'], 'admin');
    const report = recordedReport();
    await postReport(h.app, agentToken, report);
    const hostId = (await state()).hosts[0]?.id ?? '';
    await h.app.request(`/api/agents/host/${hostId}`, {
      method: 'DELETE',
      headers: { 'X-API-Token': admin },
    });

    clock.advance(60_000);
    const fresh = await h.token(['agent:report'], 'reinstalled');
    expect((await postReport(h.app, fresh, report)).status).toBe(200);

    await h.app.request(`/api/agents/host/${hostId}`, {
      method: 'DELETE',
      headers: { 'X-API-Token': admin },
    });
    expect((await postReport(h.app, agentToken, report)).status).toBe(403);
    clock.advance(24 * 60 * 60_000);
    expect((await postReport(h.app, agentToken, report)).status).toBe(200);
  });
});

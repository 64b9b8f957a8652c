import { ProxmoxGuest } from '@pulse/shared';
import { describe, expect, it } from 'vitest';
import type { FakeApi } from '../../../../testing/fake-proxmox-api.ts';
import { clusterApi, clusterGuests, context, GiB } from '../../../../testing/pve-scenario.ts';
import { collectPve, type PveSnapshot } from './pve.ts';
import { memoryFromReading, parseBalloon, parseMeminfo } from './pve-guest-memory.ts';

const VM = '/nodes/pve1/qemu/100';
const refresh = { backups: false, physicalDisks: false, updates: false, guestAgent: true };

/** 8 GiB configured, 100 MiB kept by firmware and kernel, 1 GiB used by the guest (the host sees 2 GiB). */
const MEMINFO = [
  'MemTotal:        8286208 kB',
  'MemFree:         6188480 kB',
  'MemAvailable:    7237632 kB',
  'Buffers:           52000 kB',
  'Cached:           996000 kB',
  '',
].join('\n');

/** The cluster scenario with VM 100 running an agent; `current` is its status/current answer. */
function vmApi(current: Record<string, unknown>, meminfo?: unknown): FakeApi {
  const api = clusterApi()
    .on(`${VM}/status/current`, { status: 'running', qmpstatus: 'running', agent: 1, ...current })
    .on(`${VM}/agent/info`, { result: { version: '9.0.1' } })
    .on(`${VM}/agent/get-fsinfo`, { result: [] })
    .on(`${VM}/agent/get-osinfo`, { result: { name: 'Debian GNU/Linux' } })
    .on(`${VM}/agent/network-get-interfaces`, { result: [] })
    .on('/nodes/pve2/lxc/200/interfaces', [])
    .on('/nodes/pve2/lxc/200/config', { ostype: 'debian' });
  if (meminfo === undefined) {
    api.fail(`${VM}/agent/file-read`, 403, 'Permission check failed (/vms/100, VM.GuestAgent.FileRead)');
  } else api.on(`${VM}/agent/file-read`, meminfo, { file: '/proc/meminfo' });
  return api;
}

function vm100(snap: PveSnapshot): ProxmoxGuest {
  const vm = snap.vms.find((v) => v.vmid === 100);
  if (!vm) throw new Error('VM 100 missing');
  return ProxmoxGuest.parse(vm);
}

describe('parseMeminfo', () => {
  it('reads MemTotal and MemAvailable in kB as bytes', () => {
    expect(parseMeminfo({ content: MEMINFO })).toEqual({
      source: 'guest-agent',
      total: 8286208 * 1024,
      free: 7237632 * 1024,
    });
  });

  it('gives no reading without MemAvailable or content', () => {
    expect(parseMeminfo({ content: 'MemTotal: 1024 kB\nMemFree: 512 kB\n' })).toBeUndefined();
    expect(parseMeminfo({ content: '' })).toBeUndefined();
    expect(parseMeminfo({ truncated: 1 })).toBeUndefined();
    expect(parseMeminfo(null)).toBeUndefined();
  });
});

describe('parseBalloon', () => {
  it('prefers ballooninfo and falls back to freemem', () => {
    expect(parseBalloon({ ballooninfo: { total_mem: 6 * GiB, free_mem: 4 * GiB }, freemem: 1 })).toEqual({
      source: 'balloon',
      total: 6 * GiB,
      free: 4 * GiB,
    });
    expect(parseBalloon({ freemem: 7 * GiB })).toEqual({ source: 'balloon', free: 7 * GiB });
    expect(parseBalloon({ balloon: 8 * GiB })).toBeUndefined();
  });
});

describe('memoryFromReading', () => {
  it("keeps maxmem as the total and counts the guest's own total minus what is available", () => {
    expect(memoryFromReading(8 * GiB, { source: 'guest-agent', total: 6 * GiB, free: 2 * GiB })).toEqual({
      total: 8 * GiB,
      used: 4 * GiB,
      free: 4 * GiB,
      usage: 50,
    });
    // Without a guest total (or a larger one) maxmem stands in.
    expect(memoryFromReading(8 * GiB, { source: 'balloon', free: 6 * GiB }).used).toBe(2 * GiB);
    expect(memoryFromReading(8 * GiB, { source: 'balloon', total: 9 * GiB, free: 6 * GiB }).used).toBe(
      2 * GiB,
    );
  });

  it('clamps used to [0, maxmem]', () => {
    expect(memoryFromReading(4 * GiB, { source: 'guest-agent', free: 5 * GiB })).toMatchObject({
      used: 0,
      free: 4 * GiB,
      usage: 0,
    });
    expect(memoryFromReading(0, { source: 'balloon', free: 0 })).toMatchObject({ used: 0, usage: 0 });
  });
});

describe('collectPve: VM memory source', () => {
  it("uses the guest agent's MemAvailable over balloon statistics and the host's mem", async () => {
    const api = vmApi({ ballooninfo: { total_mem: 8 * GiB, free_mem: 3 * GiB } }, { content: MEMINFO });
    const snap = await collectPve(api, context({ include: refresh }));
    expect(vm100(snap)).toMatchObject({
      memorySource: 'guest-agent',
      memory: { total: 8 * GiB, used: GiB, free: 7 * GiB, usage: 12.5 },
    });
    expect(api.calls).toContain(`${VM}/agent/file-read?file=/proc/meminfo`);
    expect(snap.errors).toEqual([]);
  });

  it('falls back to balloon statistics when the file cannot be read, silently', async () => {
    const api = vmApi({ ballooninfo: { total_mem: 6 * GiB, free_mem: 4.5 * GiB } });
    const snap = await collectPve(api, context({ include: refresh }));
    expect(vm100(snap)).toMatchObject({
      memorySource: 'balloon',
      memory: { total: 8 * GiB, used: 1.5 * GiB, free: 6.5 * GiB },
    });
    expect(snap.errors).toEqual([]);
  });

  it("keeps PVE's mem without either, and for containers", async () => {
    const snap = await collectPve(
      vmApi({}, { content: 'MemTotal: 8286208 kB\n' }),
      context({ include: refresh }),
    );
    expect(vm100(snap)).toMatchObject({ memorySource: 'host', memory: { used: 2 * GiB, usage: 25 } });
    expect(snap.containers[0]).toMatchObject({ memorySource: 'host', memory: { used: 2 * GiB } });
    const stopped = snap.vms.find((v) => v.vmid === 101);
    expect(stopped?.memorySource).toBeUndefined();
    expect(stopped?.memory.used).toBe(0);
    expect(snap.errors).toEqual([]);
  });

  it('uses balloon statistics for a VM whose agent is disabled', async () => {
    const api = clusterApi()
      .on(`${VM}/status/current`, { status: 'running', qmpstatus: 'running', agent: 0, freemem: 7 * GiB })
      .on('/nodes/pve2/lxc/200/interfaces', [])
      .on('/nodes/pve2/lxc/200/config', {});
    const snap = await collectPve(api, context({ include: refresh }));
    expect(vm100(snap)).toMatchObject({ memorySource: 'balloon', memory: { used: GiB } });
    expect(api.called(`${VM}/agent/file-read`)).toBe(false);
  });

  it('carries the guest-agent figure between refreshes, not into the next refresh or past a stop', async () => {
    const first = await collectPve(vmApi({}, { content: MEMINFO }), context({ include: refresh }));
    expect(vm100(first).memorySource).toBe('guest-agent');

    // A poll without the refresh keeps the guest's figure although the host's mem says 2 GiB.
    const between = await collectPve(clusterApi(), context({ previous: first }));
    expect(vm100(between)).toMatchObject({ memorySource: 'guest-agent', memory: { used: GiB } });

    // The next refresh decides afresh: the agent no longer lets us read the file.
    const refreshed = await collectPve(vmApi({}), context({ include: refresh, previous: between }));
    expect(vm100(refreshed)).toMatchObject({ memorySource: 'host', memory: { used: 2 * GiB } });
    expect(refreshed.errors).toEqual([]);

    // A stopped VM loses the figure, and does not get it back when it starts again.
    const stoppedGuests = clusterGuests.map((g) => (g.vmid === 100 ? { ...g, status: 'stopped' } : g));
    const stopped = await collectPve(clusterApi(stoppedGuests), context({ previous: between }));
    expect(vm100(stopped).memorySource).toBeUndefined();
    expect(vm100(stopped).memory).toMatchObject({ used: 0, usage: 0 });
    const restarted = await collectPve(clusterApi(), context({ previous: stopped }));
    expect(vm100(restarted)).toMatchObject({ memorySource: 'host', memory: { used: 2 * GiB } });
  });

  it('drops the carried figure when maxmem changes', async () => {
    const first = await collectPve(vmApi({}, { content: MEMINFO }), context({ include: refresh }));
    const api = clusterApi();
    const resized = (await api.get<Record<string, unknown>[]>('/cluster/resources', { type: 'vm' })).map(
      (r) => (r.vmid === 100 ? { ...r, maxmem: 16 * GiB } : r),
    );
    api.on('/cluster/resources', resized, { type: 'vm' });
    const next = await collectPve(api, context({ previous: first }));
    expect(vm100(next)).toMatchObject({ memorySource: 'host', memory: { total: 16 * GiB, used: 2 * GiB } });
  });
});

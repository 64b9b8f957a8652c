// One PVE poll through pollPve: what carries over when a section's call fails.
import { describe, expect, it } from 'vitest';
import type { ProxmoxApi } from './client/types.ts';
import type { ProxmoxInstance } from './instance-store.ts';
import { DEFAULT_INTERVALS } from './poll-intervals.ts';
import { type PollMemory, pollPve } from './product-polls.ts';

const GiB = 1024 ** 3;

/** A two-node cluster answering from a table; `failing` paths throw like a 500. */
function api(failing: Set<string>): ProxmoxApi {
  const table: Record<string, unknown> = {
    '/cluster/status': [
      { type: 'cluster', name: 'lab', quorate: 1 },
      { type: 'node', name: 'pve1', ip: '10.0.0.1', online: 1 },
      { type: 'node', name: 'pve2', ip: '10.0.0.2', online: 1 },
    ],
    '/nodes': ['pve1', 'pve2'].map((node) => ({
      node,
      status: 'online',
      cpu: 0.1,
      maxcpu: 4,
      mem: GiB,
      maxmem: 8 * GiB,
    })),
    '/cluster/resources': [],
    '/cluster/ceph/status': {
      fsid: 'c0ffee',
      health: { status: 'HEALTH_OK', checks: {} },
      pgmap: { bytes_total: 4 * GiB, bytes_used: GiB },
    },
    '/nodes/pve1/ceph/pool': [],
    '/nodes/pve1/storage': [
      {
        storage: 'local',
        type: 'dir',
        content: 'iso',
        total: 100 * GiB,
        used: 10 * GiB,
        avail: 90 * GiB,
        active: 1,
        enabled: 1,
        shared: 0,
      },
    ],
    '/nodes/pve2/storage': [
      {
        storage: 'local',
        type: 'dir',
        content: 'iso',
        total: 200 * GiB,
        used: 20 * GiB,
        avail: 180 * GiB,
        active: 1,
        enabled: 1,
        shared: 0,
      },
    ],
  };
  const get = async <T>(path: string): Promise<T> => {
    if (failing.has(path)) throw Object.assign(new Error(`simulated failure of ${path}`), { status: 500 });
    if (path in table) return table[path] as T;
    throw Object.assign(new Error(`no ${path}`), { status: 501 });
  };
  return { get, post: get };
}

const instance = {
  id: 'pve-lab',
  type: 'pve',
  name: 'lab',
  host: '10.0.0.1',
  options: { disableCeph: true, monitorBackups: false, monitorPhysicalDisks: false },
  cluster: { isCluster: false, endpoints: [] },
} as unknown as ProxmoxInstance;

describe('pollPve', () => {
  it('keeps the last Ceph picture while the Ceph status call fails', async () => {
    const failing = new Set<string>();
    const memory: PollMemory = { cycle: 0 };
    const withCeph = {
      ...instance,
      options: { monitorBackups: false, monitorPhysicalDisks: false },
    } as ProxmoxInstance;
    const ceph = async () =>
      (await pollPve(api(failing), withCeph, memory, DEFAULT_INTERVALS, Date.now())).watched.cephClusters;
    expect((await ceph())?.map((c) => c.fsid)).toEqual(['c0ffee']);
    failing.add('/cluster/ceph/status');
    expect((await ceph())?.map((c) => c.fsid)).toEqual(['c0ffee']);
    expect(memory.previous?.errors.map((e) => e.path)).toContain('/cluster/ceph/status');
  });

  it("keeps a node's local storage while its storage list fails, over several polls", async () => {
    const failing = new Set<string>();
    const memory: PollMemory = { cycle: 0 };
    const ids = async () =>
      (await pollPve(api(failing), instance, memory, DEFAULT_INTERVALS, Date.now())).watched.storage
        ?.map((s) => s.id)
        .sort();
    expect(await ids()).toEqual(['lab-pve1-local', 'lab-pve2-local']);
    failing.add('/nodes/pve2/storage');
    expect(await ids()).toEqual(['lab-pve1-local', 'lab-pve2-local']);
    expect(await ids()).toEqual(['lab-pve1-local', 'lab-pve2-local']);
    expect(memory.previous?.errors.map((e) => e.path)).toContain('/nodes/pve2/storage');
  });
});

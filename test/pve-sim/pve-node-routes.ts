// Per-node PVE endpoints beyond guests: storages and backups, tasks, disks, ceph, replication, apt, network.

import type { ProxmoxModel, Storage } from './model.ts';
import { pveCephRoutes } from './pve-ceph-routes.ts';
import { isOnline, nodeStorages } from './pve-render.ts';
import { bit, fail, ok, type Reply, type Route, route } from './reply.ts';

const pbsVolTime = (t: number) => new Date(t * 1000).toISOString().replace('.000', '');

function storageInfo(s: Storage): Record<string, unknown> {
  return {
    storage: s.storage,
    type: s.type,
    content: s.content,
    active: 1,
    enabled: 1,
    shared: bit(s.node === null),
    total: s.total,
    used: s.used,
    avail: s.total - s.used,
    used_fraction: s.used / s.total,
  };
}

function backupContent(
  m: ProxmoxModel,
  node: string,
  s: Storage,
  vmid: number | null,
): Record<string, unknown>[] {
  if (s.type === 'pbs') {
    return m.pbs.snapshots
      .filter((x) => x.store === s.datastore && x.ns === '' && x.backupType !== 'host')
      .filter((x) => vmid === null || x.backupId === String(vmid))
      .map((x) => ({
        volid: `${s.storage}:backup/${x.backupType}/${x.backupId}/${pbsVolTime(x.backupTime)}`,
        content: 'backup',
        format: `pbs-${x.backupType}`,
        subtype: x.backupType === 'vm' ? 'qemu' : 'lxc',
        vmid: Number(x.backupId),
        ctime: x.backupTime,
        size: x.size,
        ...(x.comment !== undefined ? { notes: x.comment } : {}),
        ...(x.protected ? { protected: 1 } : {}),
        ...(x.verification ? { verification: x.verification } : {}),
      }));
  }
  return m.pve.backups
    .filter((b) => b.storage === s.storage && (s.node === null || b.node === node))
    .filter((b) => vmid === null || b.vmid === vmid)
    .map((b) => ({
      volid: b.volid,
      content: 'backup',
      format: b.format,
      subtype: b.type,
      vmid: b.vmid,
      ctime: b.ctime,
      size: b.size,
      notes: b.notes,
      ...(b.protected ? { protected: 1 } : {}),
    }));
}

export function pveNodeRoutes(m: ProxmoxModel): Route[] {
  const withStorage = (node: string, storage: string, fn: (s: Storage) => Reply): Reply => {
    const s = nodeStorages(m, node).find((x) => x.storage === storage);
    return s ? fn(s) : fail(500, `storage '${storage}' does not exist`);
  };
  return [
    route('GET', '/storage', () =>
      ok(
        m.pve.storages
          .filter((s, i, all) => all.findIndex((x) => x.storage === s.storage) === i)
          .map((s) => ({
            storage: s.storage,
            type: s.type,
            content: s.content,
            digest: 'b2f3c0a5d8e1f4a7c6b9d2e5f8a1b4c7d0e3f6a9',
            ...(s.node === null ? { shared: 1 } : {}),
            ...(s.type === 'dir' ? { path: '/var/lib/vz' } : {}),
            ...(s.type === 'nfs'
              ? { server: '10.20.0.5', export: '/export/pve', path: `/mnt/pve/${s.storage}` }
              : {}),
            ...(s.type === 'pbs'
              ? { server: 'pbs1.sim.lan', datastore: s.datastore, username: 'pve-sync@pbs!pve' }
              : {}),
            ...(s.type === 'rbd' ? { pool: s.storage, krbd: 0 } : {}),
            ...(s.type === 'lvmthin' ? { vgname: 'pve', thinpool: 'data' } : {}),
            ...(s.content.includes('backup') ? { 'prune-backups': 'keep-daily=7,keep-weekly=4' } : {}),
          })),
      ),
    ),
    route('GET', '/nodes/{node}/storage', (r, p) => {
      const content = r.query.get('content');
      const node = p.node ?? '';
      return ok(
        nodeStorages(m, node)
          .filter((s) => !content || content.split(',').some((c) => s.content.split(',').includes(c)))
          .filter((s) => !r.query.get('storage') || s.storage === r.query.get('storage'))
          .map(storageInfo),
      );
    }),
    route('GET', '/nodes/{node}/storage/{storage}/status', (_r, p) =>
      withStorage(p.node ?? '', p.storage ?? '', (s) => ok(storageInfo(s))),
    ),
    route('GET', '/nodes/{node}/storage/{storage}/content', (r, p) =>
      withStorage(p.node ?? '', p.storage ?? '', (s) => {
        const content = r.query.get('content');
        if (content && content !== 'backup') return ok([]);
        const vmid = r.query.get('vmid');
        return ok(backupContent(m, p.node ?? '', s, vmid ? Number(vmid) : null));
      }),
    ),
    route('GET', '/nodes/{node}/tasks', (r, p) => {
      const q = r.query;
      const num = (k: string) => (q.get(k) === null ? undefined : Number(q.get(k)));
      const rows = m.pve.tasks
        .filter((x) => x.node === p.node)
        .filter((x) => !q.get('typefilter') || x.type === q.get('typefilter'))
        .filter((x) => !q.get('vmid') || x.id === q.get('vmid'))
        .filter((x) => q.get('errors') !== '1' || (x.status !== undefined && x.status !== 'OK'))
        .filter((x) => num('since') === undefined || x.starttime >= (num('since') ?? 0))
        .filter((x) => num('until') === undefined || x.starttime <= (num('until') ?? 0))
        .sort((a, b) => b.starttime - a.starttime);
      const start = num('start') ?? 0;
      return ok(
        rows.slice(start, start + (num('limit') ?? 50)).map((x) => ({
          upid: x.upid,
          node: x.node,
          pid: x.pid,
          pstart: x.pstart,
          starttime: x.starttime,
          type: x.type,
          id: x.id,
          user: x.user,
          ...(x.endtime !== undefined ? { endtime: x.endtime } : {}),
          ...(x.status !== undefined ? { status: x.status } : {}),
        })),
        { total: rows.length },
      );
    }),
    route('GET', '/nodes/{node}/disks/list', (_r, p) =>
      ok(
        m.pve.disks
          .filter((d) => d.node === p.node)
          .map((d, i) => ({
            devpath: d.devpath,
            model: d.model,
            vendor: d.vendor,
            serial: d.serial,
            wwn: d.wwn,
            size: d.size,
            health: d.health,
            wearout: d.wearout,
            type: d.type,
            rpm: d.rpm,
            used: d.used,
            gpt: bit(d.gpt),
            mounted: 0,
            osdid: d.used === 'ceph osd' ? i : -1,
            'osdid-list': d.used === 'ceph osd' ? [i] : null,
            by_id_link: `/dev/disk/by-id/${d.type === 'nvme' ? 'nvme' : 'ata'}-${d.model.replaceAll(' ', '_')}_${d.serial}`,
          })),
      ),
    ),
    ...pveCephRoutes(m),
    route('GET', '/cluster/replication', () =>
      ok(
        m.pve.replication.map((j) => ({
          id: j.id,
          guest: j.guest,
          jobnum: j.jobnum,
          type: 'local',
          source: j.source,
          target: j.target,
          schedule: j.schedule,
        })),
      ),
    ),
    route('GET', '/nodes/{node}/replication', (_r, p) =>
      ok(
        m.pve.replication
          .filter((j) => j.source === p.node)
          .map((j) => ({
            id: j.id,
            guest: j.guest,
            jobnum: j.jobnum,
            type: 'local',
            vmtype: 'qemu',
            source: j.source,
            target: j.target,
            schedule: j.schedule,
            last_sync: j.lastSync,
            last_try: j.failCount ? m.clock.now() - 600 : j.lastSync,
            next_sync: j.failCount ? m.clock.now() + 300 : j.lastSync + 900,
            duration: j.duration,
            fail_count: j.failCount,
            ...(j.error ? { error: j.error } : {}),
            ...(isOnline(m, j.target) ? {} : { error: `no route to target node '${j.target}'` }),
          })),
      ),
    ),
    route('GET', '/nodes/{node}/apt/update', (_r, p) => ok(m.pve.apt[p.node ?? ''] ?? [])),
    route('GET', '/nodes/{node}/network', (r, p) => {
      const n = m.pve.nodes.find((x) => x.name === p.node);
      const ip = n?.ip ?? '10.20.0.1';
      const ifaces = [
        {
          iface: 'eno1',
          type: 'eth',
          method: 'manual',
          method6: 'manual',
          active: 1,
          exists: 1,
          autostart: 1,
          families: ['inet'],
          priority: 3,
        },
        {
          iface: 'eno2',
          type: 'eth',
          method: 'manual',
          method6: 'manual',
          exists: 1,
          families: ['inet'],
          priority: 4,
        },
        {
          iface: 'vmbr0',
          type: 'bridge',
          method: 'static',
          method6: 'manual',
          address: ip,
          netmask: '24',
          cidr: `${ip}/24`,
          gateway: '10.20.0.1',
          bridge_ports: 'eno1',
          bridge_stp: 'off',
          bridge_fd: '0',
          autostart: 1,
          active: 1,
          families: ['inet'],
          priority: 5,
        },
        {
          iface: 'vmbr1',
          type: 'bridge',
          method: 'manual',
          method6: 'manual',
          bridge_ports: 'eno2',
          bridge_vlan_aware: 1,
          bridge_vids: '2-4094',
          bridge_stp: 'off',
          bridge_fd: '0',
          autostart: 1,
          active: 1,
          families: ['inet'],
          priority: 6,
          comments: 'guest VLANs\n',
        },
      ];
      const type = r.query.get('type');
      return ok(
        type
          ? ifaces.filter((i) => i.type === type || (type === 'any_bridge' && i.type === 'bridge'))
          : ifaces,
      );
    }),
  ];
}

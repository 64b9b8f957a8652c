// PVE's ceph endpoints: cluster status (health checks, pgmap, osdmap, monmap, mgrmap) and the pool list.
import type { ProxmoxModel } from './model.ts';
import { ok, type Route, route } from './reply.ts';

function cephStatus(m: ProxmoxModel): Record<string, unknown> {
  const c = m.pve.ceph;
  const mons = m.pve.nodes.slice(0, 3);
  const osdsDown = m.pve.nodes.filter((n) => !n.online).length * 2;
  const up = Math.max(0, c.osdsUp - osdsDown);
  const used = c.pools.reduce((a, p) => a + p.bytesUsed * p.size, 0);
  const total = c.osds * 4 * 1024 ** 4;
  const checks: Record<string, unknown> = {};
  if (c.warning)
    checks.OSD_NEARFULL = {
      severity: 'HEALTH_WARN',
      summary: { message: c.warning, count: 1 },
      muted: false,
    };
  if (osdsDown > 0)
    checks.OSD_DOWN = {
      severity: 'HEALTH_WARN',
      summary: { message: `${osdsDown} osds down`, count: osdsDown },
      muted: false,
    };
  const pgs = c.pools.reduce((a, p) => a + p.pgNum, 0);
  return {
    fsid: c.fsid,
    health: { status: Object.keys(checks).length ? 'HEALTH_WARN' : 'HEALTH_OK', checks, mutes: [] },
    election_epoch: 42,
    quorum: mons.filter((n) => n.online).map((_, i) => i),
    quorum_names: mons.filter((n) => n.online).map((n) => n.name),
    quorum_age: 86_400,
    monmap: {
      epoch: 3,
      fsid: c.fsid,
      min_mon_release_name: 'squid',
      num_mons: mons.length,
      mons: mons.map((n, i) => ({
        rank: i,
        name: n.name,
        public_addr: `${n.ip}:6789/0`,
        addr: `${n.ip}:6789/0`,
      })),
    },
    osdmap: {
      epoch: 812,
      num_osds: c.osds,
      num_up_osds: up,
      osd_up_since: m.epoch - 86_400,
      num_in_osds: c.osds,
      osd_in_since: m.epoch - 864_000,
      num_remapped_pgs: 0,
    },
    pgmap: {
      pgs_by_state: [{ state_name: osdsDown ? 'active+undersized+degraded' : 'active+clean', count: pgs }],
      num_pgs: pgs,
      num_pools: c.pools.length,
      num_objects: Math.round(used / 4_194_304 / 3),
      data_bytes: Math.round(used / 3),
      bytes_used: used,
      bytes_avail: total - used,
      bytes_total: total,
      read_bytes_sec: 1_843_200,
      write_bytes_sec: 5_324_800,
      read_op_per_sec: 41,
      write_op_per_sec: 233,
    },
    fsmap: {
      epoch: 9,
      id: 1,
      up: 1,
      in: 1,
      max: 1,
      by_rank: [
        { filesystem_id: 1, rank: 0, name: mons[0]?.name ?? 'pve1', status: 'up:active', gid: 24_117 },
      ],
      up_standby: 1,
    },
    mgrmap: {
      available: true,
      num_standbys: Math.max(0, mons.length - 1),
      modules: ['iostat', 'nfs', 'restful'],
      services: {},
    },
    servicemap: { epoch: 5, modified: '2026-11-01T08:00:00.000000+0000', services: {} },
  };
}

/** There is no /cluster/ceph/df in PVE 9.1; pool usage comes from /nodes/{node}/ceph/pool. */
export function pveCephRoutes(m: ProxmoxModel): Route[] {
  return [
    route('GET', '/cluster/ceph/status', () => ok(cephStatus(m))),
    route('GET', '/nodes/{node}/ceph/status', () => ok(cephStatus(m))),
    route('GET', '/nodes/{node}/ceph/pool', () =>
      ok(
        m.pve.ceph.pools.map((p) => ({
          pool: p.pool,
          pool_name: p.name,
          type: 'replicated',
          size: p.size,
          min_size: p.minSize,
          pg_num: p.pgNum,
          pg_num_min: p.name === '.mgr' ? 1 : undefined,
          pg_autoscale_mode: 'on',
          crush_rule: 0,
          crush_rule_name: 'replicated_rule',
          bytes_used: p.bytesUsed,
          percent_used: p.bytesUsed / (p.bytesUsed + p.maxAvail),
          application_metadata: { [p.application]: {} },
          autoscale_status: {
            pool_name: p.name,
            pg_num_target: p.pgNum,
            would_adjust: false,
            target_bytes: 0,
            target_ratio: 0,
          },
        })),
      ),
    ),
  ];
}

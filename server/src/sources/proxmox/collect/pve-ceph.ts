// Ceph as seen through PVE: /cluster/ceph/status for health and capacity, /nodes/{n}/ceph/pool for pools.
import type { PveCephCluster, PveCephPool } from '@pulse/shared';
import type { ProxmoxApi } from './api.ts';
import { cephClusterId } from './ids.ts';
import { asArray, asRecord, isRecord, num, percent, type Raw, str } from './read.ts';
import { attempt, type CollectError, toCollectError } from './run.ts';

export interface CephContext {
  scope: string;
  instanceName: string;
  now: number;
  /** A node to ask for the pool list. */
  poolNode?: string;
  /**
   * What the previous poll found. Only then is a failing status call worth reporting, and the last
   * picture is kept through it rather than the cluster dropping out for a cycle.
   */
  previous: PveCephCluster | undefined;
  errors: CollectError[];
}

/** Newer Ceph nests the OSD counters one level deeper (`osdmap.osdmap`). */
function osdMap(status: Raw): Raw {
  const map = asRecord(status.osdmap);
  return isRecord(map.osdmap) ? map.osdmap : map;
}

export function parseCephStatus(data: unknown, ctx: Pick<CephContext, 'scope' | 'instanceName' | 'now'>) {
  const s = asRecord(data);
  const health = asRecord(s.health);
  const checks = Object.entries(asRecord(health.checks)).map(([code, raw]) => {
    const check = asRecord(raw);
    return { code, severity: str(check.severity), summary: str(asRecord(check.summary).message) };
  });
  const pg = asRecord(s.pgmap);
  const osd = osdMap(s);
  const mgr = asRecord(s.mgrmap);
  const mons = asArray(asRecord(s.monmap).mons);
  const quorum = Array.isArray(s.quorum_names) ? s.quorum_names.length : mons.length;
  // Older `ceph status` output lists standbys and names the active manager; newer only counts them.
  const standbys = Array.isArray(mgr.standbys) ? mgr.standbys.length : num(mgr.num_standbys);
  const activeMgr = str(mgr.active_name) !== '' || mgr.available === true ? 1 : 0;
  const fsmap = asRecord(s.fsmap);
  const mdsUp = asArray(fsmap.by_rank).length;
  const mdsStandby = num(fsmap['up:standby']);
  const total = num(pg.bytes_total);
  const used = num(pg.bytes_used);
  const numOsds = num(osd.num_osds);
  const numOsdsUp = num(osd.num_up_osds);
  const services: PveCephCluster['services'] = [
    { type: 'mon', running: quorum, total: mons.length },
    { type: 'mgr', running: activeMgr + standbys, total: activeMgr + standbys },
    { type: 'osd', running: numOsdsUp, total: numOsds },
  ];
  if (mdsUp + mdsStandby > 0) services.push({ type: 'mds', running: mdsUp, total: mdsUp + mdsStandby });
  const fsid = str(s.fsid, str(asRecord(s.monmap).fsid));
  const cluster: PveCephCluster = {
    id: cephClusterId(ctx.scope, fsid),
    instance: ctx.instanceName,
    name: ctx.scope,
    fsid,
    health: str(health.status, 'HEALTH_UNKNOWN'),
    healthMessage: checks.map((c) => c.summary).join('; '),
    healthChecks: checks,
    totalBytes: total,
    usedBytes: used,
    availableBytes: num(pg.bytes_avail, Math.max(0, total - used)),
    usagePercent: percent(used, total),
    numMons: mons.length,
    numMgrs: activeMgr + standbys,
    numOsds,
    numOsdsUp,
    numOsdsIn: num(osd.num_in_osds),
    numPGs: num(pg.num_pgs),
    pools: [],
    services,
    lastUpdated: ctx.now,
  };
  return cluster;
}

/** `percent_used` is a 0–1 fraction of what the pool could hold; the free space follows from it. */
export function parseCephPools(data: unknown): PveCephPool[] {
  return asArray(data).map((p) => {
    const stored = num(p.bytes_used);
    const fraction = num(p.percent_used);
    return {
      id: num(p.pool),
      name: str(p.pool_name),
      storedBytes: stored,
      availableBytes: fraction > 0 ? Math.max(0, stored / fraction - stored) : 0,
      objects: num(p.objects),
      percentUsed: fraction * 100,
    };
  });
}

/** Undefined when the cluster runs no Ceph: /cluster/ceph/status fails then, and that is not an error. */
export async function collectCeph(api: ProxmoxApi, ctx: CephContext): Promise<PveCephCluster | undefined> {
  let status: unknown;
  try {
    status = await api.get('/cluster/ceph/status');
  } catch (err) {
    if (ctx.previous) ctx.errors.push(toCollectError('/cluster/ceph/status', err));
    return ctx.previous;
  }
  if (!isRecord(status) || Object.keys(status).length === 0) return undefined;
  const cluster = parseCephStatus(status, ctx);
  const node = ctx.poolNode;
  if (node !== undefined) {
    const path = `/nodes/${node}/ceph/pool`;
    const pools = await attempt(ctx.errors, path, () => api.get(path));
    if (pools !== undefined) cluster.pools = parseCephPools(pools);
  }
  return cluster;
}

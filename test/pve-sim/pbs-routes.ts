// Proxmox Backup Server endpoints: datastores, usage, GC, namespaces, groups, snapshots, jobs, tasks.
import type { PbsDatastore, PbsJob, PbsSnapshot, ProxmoxModel } from './model.ts';
import { fail, ok, type Reply, type Route, route } from './reply.ts';

function gcStatus(d: PbsDatastore): Record<string, unknown> {
  return {
    upid: d.gc.upid,
    'index-file-count': d.gc.indexFileCount,
    'index-data-bytes': d.gc.indexDataBytes,
    'disk-bytes': d.gc.diskBytes,
    'disk-chunks': d.gc.diskChunks,
    'removed-bytes': d.gc.removedBytes,
    'removed-chunks': d.gc.removedChunks,
    'pending-bytes': d.gc.pendingBytes,
    'pending-chunks': d.gc.pendingChunks,
    'removed-bad': 0,
    'still-bad': 0,
  };
}

function counts(m: ProxmoxModel, store: string) {
  const out: Record<string, { groups: number; snapshots: number }> = {};
  for (const type of ['vm', 'ct', 'host'] as const) {
    const snaps = m.pbs.snapshots.filter((s) => s.store === store && s.backupType === type);
    const groups = new Set(snaps.map((s) => `${s.ns}/${s.backupId}`));
    if (snaps.length) out[type] = { groups: groups.size, snapshots: snaps.length };
  }
  return out;
}

function snapshotItem(s: PbsSnapshot): Record<string, unknown> {
  return {
    'backup-type': s.backupType,
    'backup-id': s.backupId,
    'backup-time': s.backupTime,
    size: s.size,
    protected: s.protected,
    owner: s.owner,
    files: s.files,
    ...(s.comment !== undefined ? { comment: s.comment } : {}),
    ...(s.verification ? { verification: s.verification } : {}),
  };
}

function jobStatus(j: PbsJob): Record<string, unknown> {
  return {
    ...j.config,
    'next-run': j.nextRun,
    'last-run-upid': j.lastRunUpid,
    'last-run-state': j.lastRunState,
    'last-run-endtime': j.lastRunEndtime,
  };
}

export function pbsRoutes(m: ProxmoxModel): Route[] {
  const store = (name: string, fn: (d: PbsDatastore) => Reply): Reply => {
    const d = m.pbs.datastores.find((x) => x.store === name);
    return d ? fn(d) : fail(400, `no such datastore '${name}'`);
  };
  const inNs = (r: { query: URLSearchParams }, s: PbsSnapshot) => s.ns === (r.query.get('ns') ?? '');
  const jobs = (kind: PbsJob['kind']) => m.pbs.jobs.filter((j) => j.kind === kind);
  const uptime = () => m.clock.now() - m.pbs.bootTime;
  return [
    route('GET', '/version', () => ok(m.pbs.version)),
    route('GET', '/nodes', () => ok([{ node: m.pbs.hostname }])),
    route('GET', '/nodes/localhost/status', () =>
      ok({
        cpu: 0.031,
        wait: 0.002,
        loadavg: [0.21, 0.18, 0.15],
        uptime: uptime(),
        memory: { total: 32 * 1024 ** 3, used: 9 * 1024 ** 3, free: 23 * 1024 ** 3 },
        swap: { total: 4 * 1024 ** 3, used: 0, free: 4 * 1024 ** 3 },
        root: { total: 60 * 1024 ** 3, used: 7 * 1024 ** 3, avail: 53 * 1024 ** 3 },
        kversion: 'Linux 6.17.2-1-pve #1 SMP PREEMPT_DYNAMIC PMX 6.17.2-1 (2025-11-05T09:12Z) x86_64',
        'current-kernel': {
          sysname: 'Linux',
          release: '6.17.2-1-pve',
          version: '#1 SMP PREEMPT_DYNAMIC',
          machine: 'x86_64',
        },
        cpuinfo: { model: 'Intel(R) Xeon(R) E-2386G CPU @ 3.50GHz', sockets: 1, cpus: 12 },
        'boot-info': { mode: 'efi', secureboot: false },
        info: { fingerprint: '' },
      }),
    ),
    route('GET', '/admin/datastore', () =>
      ok(
        m.pbs.datastores.map((d) => ({
          store: d.store,
          comment: d.comment,
          'mount-status': 'nonremovable',
          'backend-type': 'filesystem',
        })),
      ),
    ),
    route('GET', '/status/datastore-usage', () =>
      ok(
        m.pbs.datastores.map((d) => ({
          store: d.store,
          total: d.total,
          used: d.used,
          avail: d.total - d.used,
          'mount-status': 'nonremovable',
          'backend-type': 'filesystem',
          history: Array.from(
            { length: 7 },
            (_, i) => Math.round(((d.used * (0.94 + i * 0.01)) / d.total) * 1e4) / 1e4,
          ),
          'history-start': m.epoch - 7 * 86_400,
          'history-delta': 86_400,
          'estimated-full-date': m.epoch + 400 * 86_400,
          'gc-status': gcStatus(d),
        })),
      ),
    ),
    route('GET', '/admin/datastore/{store}/status', (r, p) =>
      store(p.store ?? '', (d) =>
        ok({
          total: d.total,
          used: d.used,
          avail: d.total - d.used,
          'backend-type': 'filesystem',
          'gc-status': gcStatus(d),
          ...(r.query.get('verbose') === '1' || r.query.get('verbose') === 'true'
            ? { counts: counts(m, d.store) }
            : {}),
        }),
      ),
    ),
    route('GET', '/admin/datastore/{store}/namespace', (_r, p) =>
      store(p.store ?? '', (d) =>
        ok(
          m.pbs.namespaces
            .filter((n) => n.store === d.store)
            .map((n) => ({ ns: n.ns, ...(n.comment ? { comment: n.comment } : {}) })),
        ),
      ),
    ),
    route('GET', '/admin/datastore/{store}/groups', (r, p) =>
      store(p.store ?? '', (d) => {
        const groups = new Map<string, PbsSnapshot[]>();
        for (const s of m.pbs.snapshots.filter((x) => x.store === d.store && inNs(r, x))) {
          const key = `${s.backupType}/${s.backupId}`;
          groups.set(key, [...(groups.get(key) ?? []), s]);
        }
        return ok(
          [...groups.values()].map((list) => {
            const last = list.reduce((a, b) => (b.backupTime > a.backupTime ? b : a));
            return {
              'backup-type': last.backupType,
              'backup-id': last.backupId,
              'last-backup': last.backupTime,
              'backup-count': list.length,
              files: last.files.map((f) => f.filename),
              owner: last.owner,
              ...(last.comment !== undefined ? { comment: last.comment } : {}),
            };
          }),
        );
      }),
    ),
    route('GET', '/admin/datastore/{store}/snapshots', (r, p) =>
      store(p.store ?? '', (d) => {
        const type = r.query.get('backup-type');
        const id = r.query.get('backup-id');
        return ok(
          m.pbs.snapshots
            .filter((s) => s.store === d.store && inNs(r, s))
            .filter((s) => (!type || s.backupType === type) && (!id || s.backupId === id))
            .map(snapshotItem),
        );
      }),
    ),
    route('GET', '/config/sync', () => ok(jobs('sync').map((j) => j.config))),
    route('GET', '/config/verify', () => ok(jobs('verify').map((j) => j.config))),
    route('GET', '/config/prune', () => ok(jobs('prune').map((j) => j.config))),
    route('GET', '/admin/sync', () => ok(jobs('sync').map(jobStatus))),
    route('GET', '/admin/verify', () => ok(jobs('verify').map(jobStatus))),
    route('GET', '/admin/prune', () => ok(jobs('prune').map(jobStatus))),
    route('GET', '/admin/gc', (r) =>
      ok(
        m.pbs.datastores
          .filter((d) => !r.query.get('store') || d.store === r.query.get('store'))
          .map((d) => ({
            store: d.store,
            upid: d.gc.upid,
            'removed-bytes': d.gc.removedBytes,
            'pending-bytes': d.gc.pendingBytes,
            schedule: 'daily',
            'next-run': d.gc.endtime + 86_400,
            'last-run-state': 'OK',
            'last-run-endtime': d.gc.endtime,
            duration: d.gc.duration,
          })),
      ),
    ),
    route('GET', '/nodes/localhost/tasks', (r) => {
      const q = r.query;
      const rows = m.pbs.tasks
        .filter((x) => !q.get('typefilter') || x.workerType.includes(q.get('typefilter') ?? ''))
        .filter((x) => !q.get('store') || (x.workerId ?? '').split(':')[0] === q.get('store'))
        .filter((x) => (q.get('errors') !== 'true' && q.get('errors') !== '1' ? true : x.status !== 'OK'))
        .sort((a, b) => b.starttime - a.starttime);
      const start = Number(q.get('start') ?? 0);
      return ok(
        rows.slice(start, start + Number(q.get('limit') ?? 50)).map((x) => ({
          upid: x.upid,
          node: m.pbs.hostname,
          pid: x.pid,
          pstart: x.pstart,
          starttime: x.starttime,
          worker_type: x.workerType,
          ...(x.workerId !== undefined ? { worker_id: x.workerId } : {}),
          user: x.user,
          ...(x.endtime !== undefined ? { endtime: x.endtime } : {}),
          ...(x.status !== undefined ? { status: x.status } : {}),
        })),
        { total: rows.length },
      );
    }),
  ];
}

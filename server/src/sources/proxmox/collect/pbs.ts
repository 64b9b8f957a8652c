// One Proxmox Backup Server poll: the server, its datastores and jobs, and (when asked) every backup snapshot.
import type { PbsBackup, PbsDatastore, PbsInstance, PbsNamespace } from '@pulse/shared';
import type { ProxmoxApi } from './api.ts';
import { pbsBackupId } from './ids.ts';
import { listBackupRuns, listGarbageJobs, listJobs } from './pbs-jobs.ts';
import { memoryFrom } from './pve-nodes.ts';
import { asArray, asRecord, bool, num, optNum, optStr, percent, type Raw, secondsToMs, str } from './read.ts';
import { attempt, type CollectError, mapLimit, toCollectError } from './run.ts';

export interface PbsCollectContext {
  instanceName: string;
  now: number;
  host?: string;
  guestURL?: string;
  previous?: PbsSnapshot;
  /** Snapshot listing is the expensive part; absent means true. */
  include?: { backups?: boolean };
  /** Per-kind switches of the instance config; absent means true. */
  monitor?: {
    datastores?: boolean;
    syncJobs?: boolean;
    verifyJobs?: boolean;
    pruneJobs?: boolean;
    garbageJobs?: boolean;
  };
  concurrency?: number;
}

export interface PbsSnapshot {
  instance: PbsInstance;
  /** Every snapshot of every datastore and namespace; the previous list when not collected this time. */
  backups: PbsBackup[];
  errors: CollectError[];
}

const DEFAULT_CONCURRENCY = 4;

/** GC reports the logical bytes its index files reference and the bytes the chunks take on disk. */
export function dedupFactor(gc: Raw): number {
  const logical = num(gc['index-data-bytes']);
  const disk = num(gc['disk-bytes']);
  return logical > 0 && disk > 0 ? logical / disk : 0;
}

export function toNamespaces(data: unknown): PbsNamespace[] {
  return asArray(data)
    .map((n) => {
      const path = str(n.ns);
      const parts = path === '' ? [] : path.split('/');
      const ns: PbsNamespace = { path, depth: parts.length };
      if (parts.length > 0) ns.parent = parts.slice(0, -1).join('/');
      const comment = optStr(n.comment);
      if (comment !== undefined) ns.comment = comment;
      return ns;
    })
    .sort((a, b) => a.path.localeCompare(b.path));
}

export function toDatastore(listed: Raw, usage: Raw | undefined, namespaces: PbsNamespace[]): PbsDatastore {
  const u = usage ?? {};
  const total = num(u.total);
  const used = num(u.used);
  const error = optStr(u.error);
  const maintenance = optStr(listed.maintenance);
  const mountStatus = optStr(listed['mount-status']) ?? optStr(u['mount-status']);
  let status = 'available';
  if (error !== undefined || mountStatus === 'notmounted' || usage === undefined) status = 'unavailable';
  else if (maintenance !== undefined) status = 'maintenance';
  const store: PbsDatastore = {
    name: str(listed.store),
    total,
    used,
    free: num(u.avail, Math.max(0, total - used)),
    usage: percent(used, total),
    status,
    namespaces,
    deduplicationFactor: dedupFactor(asRecord(u['gc-status'])),
  };
  const comment = optStr(listed.comment);
  const full = secondsToMs(u['estimated-full-date']);
  if (error !== undefined) store.error = error;
  if (comment !== undefined) store.comment = comment;
  if (mountStatus !== undefined) store.mountStatus = mountStatus;
  if (maintenance !== undefined) store.maintenance = maintenance;
  if (full !== undefined) store.estimatedFullDate = full;
  return store;
}

/** PBS answers backup-type vm|ct|host; anything else is not a guest or host backup we list. */
function backupType(v: unknown): PbsBackup['backupType'] | undefined {
  return v === 'vm' || v === 'ct' || v === 'host' ? v : undefined;
}

export function toBackups(instance: string, store: string, namespace: string, data: unknown): PbsBackup[] {
  const out: PbsBackup[] = [];
  for (const s of asArray(data)) {
    const type = backupType(s['backup-type']);
    if (!type) continue;
    const id = str(s['backup-id']);
    const time = num(s['backup-time']);
    const fileEntries = Array.isArray(s.files) ? s.files : [];
    const files = fileEntries.map((f) => (typeof f === 'string' ? f : str(asRecord(f).filename)));
    const verification = optStr(asRecord(s.verification).state);
    const backup: PbsBackup = {
      id: pbsBackupId(instance, store, namespace, type, id, time),
      instance,
      datastore: store,
      namespace,
      backupType: type,
      vmid: id,
      backupTime: time * 1000,
      size: num(s.size),
      protected: bool(s.protected),
      verified: verification === 'ok',
      // A snapshot still being written has no manifest size yet.
      inProgress: optNum(s.size) === undefined && files.length === 0,
      files,
      encrypted: fileEntries.some((f) => str(asRecord(f)['crypt-mode']) === 'encrypt'),
    };
    const comment = optStr(s.comment);
    const owner = optStr(s.owner);
    if (verification !== undefined) backup.verificationRaw = verification;
    if (comment !== undefined) backup.comment = comment;
    if (owner !== undefined) backup.owner = owner;
    out.push(backup);
  }
  return out;
}

/** Per-store usage from one /status/datastore-usage call; stores it lacks are asked one by one. */
async function datastoreUsage(
  api: ProxmoxApi,
  stores: readonly string[],
  concurrency: number,
  errors: CollectError[],
): Promise<Map<string, Raw>> {
  const usage = new Map<string, Raw>();
  try {
    for (const u of asArray(await api.get('/status/datastore-usage'))) usage.set(str(u.store), u);
  } catch (err) {
    errors.push(toCollectError('/status/datastore-usage', err));
  }
  const missing = stores.filter((s) => !usage.has(s));
  await mapLimit(missing, concurrency, async (store) => {
    const path = `/admin/datastore/${store}/status`;
    const data = await attempt(errors, path, () => api.get(path, { verbose: 1 }));
    if (data !== undefined) usage.set(store, asRecord(data));
  });
  return usage;
}

/** The version call is the liveness check and throws; everything else degrades into `errors`. */
export async function collectPbs(api: ProxmoxApi, ctx: PbsCollectContext): Promise<PbsSnapshot> {
  const errors: CollectError[] = [];
  const concurrency = ctx.concurrency ?? DEFAULT_CONCURRENCY;
  const on = (flag: boolean | undefined) => flag !== false;
  const version = asRecord(await api.get('/version'));
  const [status, nodes, listed] = await Promise.all([
    attempt(errors, '/nodes/localhost/status', () => api.get('/nodes/localhost/status')),
    attempt(errors, '/nodes', () => api.get('/nodes')),
    on(ctx.monitor?.datastores) || on(ctx.include?.backups)
      ? attempt(errors, '/admin/datastore', () => api.get('/admin/datastore'))
      : Promise.resolve([]),
  ]);
  const stores = asArray(listed).filter((s) => str(s.store) !== '');
  const names = stores.map((s) => str(s.store));
  const [usage, namespaces, backupJobs, syncJobs, verifyJobs, pruneJobs, garbageJobs] = await Promise.all([
    datastoreUsage(api, names, concurrency, errors),
    mapLimit(names, concurrency, async (store) => {
      const path = `/admin/datastore/${store}/namespace`;
      // Pre-namespace servers (PBS < 2.2) have only the root namespace.
      const data = await attempt(errors, path, () => api.get(path));
      return data === undefined ? [{ path: '', depth: 0 }] : toNamespaces(data);
    }),
    listBackupRuns(api, errors),
    on(ctx.monitor?.syncJobs) ? listJobs(api, 'sync', errors) : Promise.resolve([]),
    on(ctx.monitor?.verifyJobs) ? listJobs(api, 'verify', errors) : Promise.resolve([]),
    on(ctx.monitor?.pruneJobs) ? listJobs(api, 'prune', errors) : Promise.resolve([]),
    on(ctx.monitor?.garbageJobs) ? listGarbageJobs(api, names, concurrency, errors) : Promise.resolve([]),
  ]);
  const datastores = stores.map((s, i) => toDatastore(s, usage.get(str(s.store)), namespaces[i] ?? []));

  let backups = ctx.previous?.backups ?? [];
  if (on(ctx.include?.backups)) {
    const targets = datastores
      .filter((d) => d.status !== 'unavailable')
      .flatMap((d) =>
        (d.namespaces.length > 0 ? d.namespaces : [{ path: '' }]).map((n) => ({ store: d.name, ns: n.path })),
      );
    const lists = await mapLimit(targets, concurrency, async ({ store, ns }) => {
      const path = `/admin/datastore/${store}/snapshots`;
      const data = await attempt(errors, `${path}?ns=${ns}`, () =>
        api.get(path, ns === '' ? undefined : { ns }),
      );
      return data === undefined ? [] : toBackups(ctx.instanceName, store, ns, data);
    });
    backups = lists.flat().sort((a, b) => b.backupTime - a.backupTime);
  }

  const s = asRecord(status);
  const memory = memoryFrom(asRecord(s.memory));
  const nodeName = optStr(asArray(nodes)[0]?.node);
  const instance: PbsInstance = {
    id: `pbs-${ctx.instanceName}`,
    name: ctx.instanceName,
    host: ctx.host ?? '',
    status: 'online',
    version: str(version.version),
    cpu: num(s.cpu),
    memory,
    memoryUsed: memory.used,
    memoryTotal: memory.total,
    uptime: num(s.uptime),
    loadAverage: Array.isArray(s.loadavg) ? s.loadavg.map((x) => num(x)) : [],
    datastores: on(ctx.monitor?.datastores) ? datastores : [],
    backupJobs,
    syncJobs,
    verifyJobs,
    pruneJobs,
    garbageJobs,
    connectionHealth: errors.length === 0 ? 'healthy' : 'degraded',
    lastSeen: ctx.now,
  };
  if (nodeName !== undefined) instance.nodeName = nodeName;
  if (ctx.guestURL !== undefined) instance.guestURL = ctx.guestURL;
  return { instance, backups, errors };
}

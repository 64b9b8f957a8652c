// PBS job lists: sync, verify, prune and garbage collection with their last run, plus backup runs from tasks.
import type { PbsJob, PbsJobType } from '@pulse/shared';
import type { ProxmoxApi } from './api.ts';
import { asArray, asRecord, bool, optStr, type Raw, secondsToMs, str } from './read.ts';
import { type CollectError, mapLimit, toCollectError } from './run.ts';

/** A run's state is a task status: "OK", "WARNINGS: n", or the error text. */
export function runStatus(state: string | undefined, upid: string | undefined): string {
  if (state === undefined) return upid === undefined ? 'never' : 'running';
  if (state.toUpperCase() === 'OK') return 'ok';
  if (state.startsWith('WARNINGS')) return 'warning';
  return 'error';
}

export function toJob(type: PbsJobType, e: Raw): PbsJob {
  const state = optStr(e['last-run-state']);
  const upid = optStr(e['last-run-upid']);
  const status = runStatus(state, upid);
  const store = str(e.store);
  const job: PbsJob = {
    id: str(e.id, type === 'garbage' ? store : ''),
    type,
    store,
    status,
    enabled: !bool(e.disable),
  };
  const optional: Partial<PbsJob> = {
    schedule: optStr(e.schedule),
    lastRunState: state,
    lastRunUpid: upid,
    lastRunEnd: secondsToMs(e['last-run-endtime']),
    nextRun: secondsToMs(e['next-run']),
    error: status === 'error' ? state : undefined,
    comment: optStr(e.comment),
    remote: optStr(e.remote),
    remoteStore: optStr(e['remote-store']),
    namespace: optStr(e.ns),
  };
  for (const [key, value] of Object.entries(optional)) {
    if (value !== undefined) Object.assign(job, { [key]: value });
  }
  return job;
}

/**
 * /admin/{sync,verify,prune} list the jobs with their last run. A token that may read the config
 * but not the job state falls back to /config/{kind} (jobs without run data).
 */
export async function listJobs(
  api: ProxmoxApi,
  type: 'sync' | 'verify' | 'prune',
  errors: CollectError[],
): Promise<PbsJob[]> {
  try {
    return asArray(await api.get(`/admin/${type}`)).map((e) => toJob(type, e));
  } catch (adminErr) {
    try {
      return asArray(await api.get(`/config/${type}`)).map((e) => toJob(type, e));
    } catch {
      errors.push(toCollectError(`/admin/${type}`, adminErr));
      return [];
    }
  }
}

/** /admin/gc (PBS 3.x) for all stores at once; older servers answer per store. */
export async function listGarbageJobs(
  api: ProxmoxApi,
  stores: readonly string[],
  concurrency: number,
  errors: CollectError[],
): Promise<PbsJob[]> {
  try {
    return asArray(await api.get('/admin/gc')).map((e) => toJob('garbage', e));
  } catch {
    const perStore = await mapLimit(stores, concurrency, async (store) => {
      const path = `/admin/datastore/${store}/gc`;
      try {
        const data = await api.get(path);
        return [toJob('garbage', { store, ...asRecord(data) })];
      } catch (err) {
        errors.push(toCollectError(path, err));
        return [];
      }
    });
    return perStore.flat();
  }
}

/**
 * PBS keeps no backup job definitions (clients push), so the backup "jobs" are the newest backup
 * task per group, from the task list: worker_id is `<store>:<type>/<id>` (namespaces before the type).
 */
export async function listBackupRuns(api: ProxmoxApi, errors: CollectError[]): Promise<PbsJob[]> {
  const path = '/nodes/localhost/tasks';
  let tasks: Raw[];
  try {
    tasks = asArray(await api.get(path, { typefilter: 'backup', limit: 200 }));
  } catch (err) {
    errors.push(toCollectError(path, err));
    return [];
  }
  const newest = new Map<string, Raw>();
  for (const t of tasks) {
    const worker = str(t.worker_id);
    if (worker === '' || str(t.worker_type, 'backup') !== 'backup') continue;
    const seen = newest.get(worker);
    if (!seen || Number(t.starttime ?? 0) > Number(seen.starttime ?? 0)) newest.set(worker, t);
  }
  return [...newest.entries()].map(([worker, t]) => {
    const at = worker.indexOf(':');
    const running = t.endtime === undefined && t.status === undefined;
    return toJob('backup', {
      id: worker,
      store: at > 0 ? worker.slice(0, at) : '',
      'last-run-upid': t.upid,
      'last-run-state': running ? undefined : t.status,
      'last-run-endtime': t.endtime,
    });
  });
}

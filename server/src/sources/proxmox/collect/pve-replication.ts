// Storage replication jobs: /cluster/replication for the jobs, each source node's status list for their state.
import type { GuestKind, PveReplicationJob } from '@pulse/shared';
import type { ProxmoxApi } from './api.ts';
import { guestId, replicationJobId } from './ids.ts';
import { asArray, bool, num, optNum, optStr, type Raw, secondsToMs, str } from './read.ts';
import { type CollectError, mapLimit, toCollectError } from './run.ts';

export interface ReplicationContext {
  scope: string;
  instanceName: string;
  now: number;
  concurrency: number;
  errors: CollectError[];
  /** Where each guest runs now: the job's source node. */
  guests: ReadonlyMap<number, { node: string; name: string; type: GuestKind }>;
  onlineNodes: readonly string[];
}

export function replicationState(enabled: boolean, status: Raw | undefined): string {
  if (!enabled) return 'disabled';
  if (!status) return 'unknown';
  if (status.pid !== undefined || status.state === 'syncing') return 'syncing';
  if (optStr(status.error) !== undefined || num(status.fail_count) > 0) return 'error';
  return num(status.last_sync) > 0 ? 'ok' : 'pending';
}

export function toReplicationJob(
  ctx: ReplicationContext,
  job: Raw,
  status: Raw | undefined,
): PveReplicationJob {
  const jobId = str(job.id);
  const vmid = num(job.guest, Number(jobId.split('-')[0] ?? 0));
  const guest = ctx.guests.get(vmid);
  const enabled = !bool(job.disable);
  const out: PveReplicationJob = {
    id: replicationJobId(ctx.scope, jobId),
    instance: ctx.instanceName,
    jobId,
    guestId: guestId(ctx.scope, vmid),
    vmid,
    sourceNode: guest?.node ?? str(job.source),
    targetNode: str(job.target),
    schedule: str(job.schedule, '*/15'),
    enabled,
    state: replicationState(enabled, status),
    failCount: num(status?.fail_count),
    lastSeen: ctx.now,
  };
  const rate = optNum(job.rate);
  const comment = optStr(job.comment);
  const lastSync = secondsToMs(status?.last_sync);
  const nextSync = secondsToMs(status?.next_sync);
  const duration = optNum(status?.duration);
  const error = optStr(status?.error);
  if (guest) {
    out.guestName = guest.name;
    out.guestType = guest.type;
  }
  if (rate !== undefined) out.rateLimitMbps = rate;
  if (comment !== undefined) out.comment = comment;
  if (lastSync !== undefined) out.lastSyncTime = lastSync;
  if (nextSync !== undefined) out.nextSyncTime = nextSync;
  if (duration !== undefined) out.durationSeconds = duration;
  if (error !== undefined) out.error = error;
  return out;
}

export async function collectReplication(
  api: ProxmoxApi,
  ctx: ReplicationContext,
): Promise<PveReplicationJob[]> {
  let jobs: Raw[];
  try {
    jobs = asArray(await api.get('/cluster/replication'));
  } catch (err) {
    ctx.errors.push(toCollectError('/cluster/replication', err));
    return [];
  }
  // One status list per source node (GET /nodes/{n}/replication) carries every job's last sync.
  const sources = [
    ...new Set(jobs.map((job) => ctx.guests.get(num(job.guest))?.node ?? str(job.source))),
  ].filter((node) => node !== '' && ctx.onlineNodes.includes(node));
  const statuses = new Map<string, Raw>();
  await mapLimit(sources, ctx.concurrency, async (node) => {
    const path = `/nodes/${node}/replication`;
    try {
      for (const entry of asArray(await api.get(path))) statuses.set(str(entry.id), entry);
    } catch (err) {
      ctx.errors.push(toCollectError(path, err));
    }
  });
  return jobs.map((job) => toReplicationJob(ctx, job, statuses.get(str(job.id))));
}

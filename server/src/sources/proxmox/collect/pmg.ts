// One Proxmox Mail Gateway poll: cluster nodes with their postfix queues, today's mail statistics, quarantine.
import type {
  PmgDomainStat,
  PmgInstance,
  PmgMailCountPoint,
  PmgMailStats,
  PmgNode,
  PmgQuarantine,
  PmgQueueStatus,
} from '@pulse/shared';
import type { ProxmoxApi } from './api.ts';
import { asArray, asRecord, isRecord, num, optNum, optStr, type Raw, str } from './read.ts';
import { attempt, type CollectError, mapLimit } from './run.ts';

export interface PmgCollectContext {
  instanceName: string;
  now: number;
  host?: string;
  guestURL?: string;
  /** Per-kind switches of the instance config; absent means true. */
  monitor?: { mailStats?: boolean; queues?: boolean; quarantine?: boolean; domainStats?: boolean };
  concurrency?: number;
}

export interface PmgSnapshot {
  instance: PmgInstance;
  errors: CollectError[];
}

/** Hourly buckets over the last day. */
export const MAILCOUNT_SPAN_SECONDS = 3600;
export const MAILCOUNT_WINDOW_SECONDS = 86_400;

export function toMailStats(data: unknown, now: number): PmgMailStats {
  const m = asRecord(data);
  return {
    countTotal: num(m.count),
    countIn: num(m.count_in),
    countOut: num(m.count_out),
    spamIn: num(m.spamcount_in),
    spamOut: num(m.spamcount_out),
    virusIn: num(m.viruscount_in),
    virusOut: num(m.viruscount_out),
    bouncesIn: num(m.bounces_in),
    bouncesOut: num(m.bounces_out),
    bytesIn: num(m.bytes_in),
    bytesOut: num(m.bytes_out),
    greylistCount: num(m.glcount),
    junkIn: num(m.junk_in),
    rblRejects: num(m.rbl_rejects),
    pregreetRejects: num(m.pregreet_rejects),
    averageProcessTime: num(m.avptime),
    updatedAt: now,
  };
}

export function toMailCount(data: unknown): PmgMailCountPoint[] {
  return asArray(data)
    .map((p) => ({
      timestamp: num(p.time) * 1000,
      count: num(p.count),
      countIn: num(p.count_in),
      countOut: num(p.count_out),
      spamIn: num(p.spamcount_in),
      spamOut: num(p.spamcount_out),
      virusIn: num(p.viruscount_in),
      virusOut: num(p.viruscount_out),
      bouncesIn: num(p.bounces_in),
      bouncesOut: num(p.bounces_out),
      rblRejects: num(p.rbl_rejects),
      pregreetRejects: num(p.pregreet_rejects),
      greylistCount: num(p.glcount),
    }))
    .sort((a, b) => a.timestamp - b.timestamp);
}

export function toSpamDistribution(data: unknown): PmgInstance['spamDistribution'] {
  return asArray(data).map((s) => ({ score: str(s.level), count: num(s.count) }));
}

/**
 * The queue call answers the per-queue counts as an object; some versions list one row per queue
 * (`{ name|queue, count }`) instead. Both are read.
 */
export function toQueueStatus(data: unknown, now: number): PmgQueueStatus {
  const counts: Raw = {};
  if (isRecord(data)) Object.assign(counts, data);
  for (const row of asArray(data)) counts[str(row.name, str(row.queue))] = row.count;
  const q: PmgQueueStatus = {
    active: num(counts.active),
    deferred: num(counts.deferred),
    hold: num(counts.hold),
    incoming: num(counts.incoming),
    total: 0,
    updatedAt: now,
  };
  q.total = q.active + q.deferred + q.hold + q.incoming;
  const oldest = optNum(counts.oldest_age);
  if (oldest !== undefined) q.oldestAge = oldest;
  return q;
}

const QSHAPE_BUCKETS = [5, 10, 20, 40, 80, 160, 320, 640, 1280];

/**
 * Current PMG lists only the queue names at /postfix/queue; the sizes come from /postfix/qshape?queue=,
 * whose TOTAL row counts the mails and whose age columns (minutes) bound the oldest one.
 */
async function readQueues(api: ProxmoxApi, base: string, errors: CollectError[]): Promise<unknown> {
  const listed = await attempt(errors, `${base}/postfix/queue`, () => api.get(`${base}/postfix/queue`));
  const rows = asArray(listed);
  if (listed === undefined || rows.length === 0 || rows.some((r) => r.count !== undefined)) return listed;
  const counts: Raw = {};
  let oldest: number | undefined;
  for (const row of rows) {
    const name = str(row.name, str(row.queue));
    if (name === '') continue;
    const path = `${base}/postfix/qshape`;
    const shape = await attempt(errors, `${path}?queue=${name}`, () => api.get(path, { queue: name }));
    const total = asArray(shape).find((r) => str(r.domain) === 'TOTAL');
    if (!total) continue;
    counts[name] = num(total.total);
    if (num(total['1280m+']) > 0) oldest = Math.max(oldest ?? 0, 1280 * 60);
    QSHAPE_BUCKETS.forEach((limit, i) => {
      if (num(total[`${limit}m`]) > 0) oldest = Math.max(oldest ?? 0, (QSHAPE_BUCKETS[i - 1] ?? 0) * 60);
    });
  }
  if (oldest !== undefined) counts.oldest_age = oldest;
  return counts;
}

function toDomainStats(data: unknown): PmgDomainStat[] {
  return asArray(data).map((d) => ({
    domain: str(d.domain),
    mailCount: num(d.count_in) + num(d.count_out),
    spamCount: num(d.spamcount_in) + num(d.spamcount_out),
    virusCount: num(d.viruscount_in) + num(d.viruscount_out),
    bytes: num(d.bytes_in) + num(d.bytes_out),
  }));
}

/** /config/cluster/status with list_single_node=1 lists a standalone gateway too; /nodes is the fallback. */
async function listNodes(api: ProxmoxApi, errors: CollectError[]): Promise<{ name: string; role: string }[]> {
  const cluster = await attempt(errors, '/config/cluster/status', () =>
    api.get('/config/cluster/status', { list_single_node: 1 }),
  );
  const members = asArray(cluster)
    .map((e) => ({ name: str(e.name), role: str(e.type, 'node') }))
    .filter((e) => e.name !== '');
  if (members.length > 0) return members;
  const nodes = await attempt(errors, '/nodes', () => api.get('/nodes'));
  return asArray(nodes)
    .map((n) => ({ name: str(n.node), role: 'node' }))
    .filter((n) => n.name !== '');
}

async function collectNode(
  api: ProxmoxApi,
  member: { name: string; role: string },
  ctx: PmgCollectContext,
  errors: CollectError[],
): Promise<PmgNode> {
  const base = `/nodes/${member.name}`;
  const [status, queue] = await Promise.all([
    attempt(errors, `${base}/status`, () => api.get(`${base}/status`)),
    ctx.monitor?.queues !== false ? readQueues(api, base, errors) : Promise.resolve(undefined),
  ]);
  const node: PmgNode = {
    name: member.name,
    status: status === undefined ? 'unknown' : 'online',
    role: member.role,
  };
  if (status !== undefined) {
    const s = asRecord(status);
    const uptime = optNum(s.uptime);
    if (uptime !== undefined) node.uptime = uptime;
    if (Array.isArray(s.loadavg)) node.loadAvg = s.loadavg.map((x) => num(x));
  }
  if (queue !== undefined) node.queueStatus = toQueueStatus(queue, ctx.now);
  return node;
}

/** The version call is the liveness check and throws; everything else degrades into `errors`. */
export async function collectPmg(api: ProxmoxApi, ctx: PmgCollectContext): Promise<PmgSnapshot> {
  const errors: CollectError[] = [];
  const on = (flag: boolean | undefined) => flag !== false;
  const version = asRecord(await api.get('/version'));
  const since = Math.floor(ctx.now / 1000) - MAILCOUNT_WINDOW_SECONDS;
  const stats = on(ctx.monitor?.mailStats);
  const get = (path: string, query?: Record<string, number>) =>
    attempt(errors, path, () => api.get(path, query));
  const [members, mail, count, spam, spamQ, virusQ, domains, domainStats] = await Promise.all([
    listNodes(api, errors),
    stats ? get('/statistics/mail') : undefined,
    stats ? get('/statistics/mailcount', { starttime: since, timespan: MAILCOUNT_SPAN_SECONDS }) : undefined,
    stats ? get('/statistics/spamscores') : undefined,
    on(ctx.monitor?.quarantine) ? get('/quarantine/spamstatus') : undefined,
    on(ctx.monitor?.quarantine) ? get('/quarantine/virusstatus') : undefined,
    get('/config/domains'),
    on(ctx.monitor?.domainStats) ? get('/statistics/domains') : undefined,
  ]);
  const nodes = await mapLimit(members, ctx.concurrency ?? 4, (m) => collectNode(api, m, ctx, errors));

  const instance: PmgInstance = {
    id: `pmg-${ctx.instanceName}`,
    name: ctx.instanceName,
    host: ctx.host ?? '',
    status: 'online',
    version: str(version.version),
    nodes,
    mailCount: toMailCount(count),
    spamDistribution: toSpamDistribution(spam),
    relayDomains: asArray(domains).map((d) => {
      const comment = optStr(d.comment);
      return comment === undefined ? { domain: str(d.domain) } : { domain: str(d.domain), comment };
    }),
    domainStats: toDomainStats(domainStats),
    connectionHealth: errors.length === 0 ? 'healthy' : 'degraded',
    lastSeen: ctx.now,
    lastUpdated: ctx.now,
  };
  if (mail !== undefined) instance.mailStats = toMailStats(mail, ctx.now);
  if (spamQ !== undefined || virusQ !== undefined) {
    const quarantine: PmgQuarantine = {
      spam: num(asRecord(spamQ).count),
      virus: num(asRecord(virusQ).count),
      // PMG has no status call for these two; they stay 0 until counted from the quarantine lists.
      attachment: 0,
      blacklisted: 0,
    };
    instance.quarantine = quarantine;
  }
  if (ctx.guestURL !== undefined) instance.guestURL = ctx.guestURL;
  return { instance, errors };
}

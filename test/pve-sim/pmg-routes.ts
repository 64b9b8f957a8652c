// Proxmox Mail Gateway endpoints: cluster status, mail statistics, quarantine, postfix queues, domains.
import { mailHour } from './metrics.ts';
import type { ProxmoxModel } from './model.ts';
import { fail, ok, type Reply, type Request, type Route, route } from './reply.ts';

type Hour = ReturnType<typeof mailHour>;
const KEYS = [
  'count_in',
  'count_out',
  'spamcount_in',
  'spamcount_out',
  'viruscount_in',
  'viruscount_out',
  'bounces_in',
  'bounces_out',
  'rbl_rejects',
  'pregreet_rejects',
  'glcount',
  'spfcount',
  'bytes_in',
  'bytes_out',
] as const;

/** starttime/endtime default to the last 24 hours, as PMG's $extract_start_end does. */
function window(m: ProxmoxModel, req: Request): { start: number; end: number } {
  const now = m.clock.now();
  const start = Number(req.query.get('starttime') ?? now - 86_400);
  return { start, end: Number(req.query.get('endtime') ?? start + 86_400) };
}

function hoursIn(m: ProxmoxModel, start: number, end: number): { time: number; h: Hour }[] {
  const out: { time: number; h: Hour }[] = [];
  for (let t = start - (start % 3600); t < end; t += 3600) out.push({ time: t, h: mailHour(m, t) });
  return out;
}

/** GET /statistics/mail for [start, end): totals over the same hourly rows mailcount returns. */
export function mailTotals(m: ProxmoxModel, start: number, end: number): Record<string, number> {
  const hours = hoursIn(m, start, end);
  const sum = Object.fromEntries(KEYS.map((k) => [k, hours.reduce((a, x) => a + x.h[k], 0)])) as Record<
    (typeof KEYS)[number],
    number
  >;
  const countIn = sum.count_in + sum.rbl_rejects + sum.pregreet_rejects;
  const count = countIn + sum.count_out;
  return {
    ...sum,
    count_in: countIn,
    count,
    junk_in:
      sum.viruscount_in +
      sum.spamcount_in +
      sum.glcount +
      sum.spfcount +
      sum.rbl_rejects +
      sum.pregreet_rejects,
    junk_out: sum.viruscount_out + sum.spamcount_out,
    avptime: hours.length
      ? Math.round((hours.reduce((a, x) => a + x.h.ptime, 0) / hours.length) * 1000) / 1000
      : 0,
  };
}

/** fingerprint: colon form of the served certificate, reported for the master node. */
export function pmgRoutes(m: ProxmoxModel, fingerprint: string): Route[] {
  const localNode = (name: string, fn: () => Reply): Reply =>
    name === 'localhost' || m.pmg.nodes.some((n) => n.name === name)
      ? fn()
      : fail(500, `no such node '${name}'`);
  const nodeStatus = () => ({
    uptime: m.clock.now() - m.pmg.bootTime,
    cpu: 0.024,
    wait: 0.001,
    loadavg: ['0.31', '0.27', '0.22'],
    memory: { total: 8 * 1024 ** 3, used: 3 * 1024 ** 3, free: 5 * 1024 ** 3 },
    swap: { total: 1024 ** 3, used: 0, free: 1024 ** 3 },
    rootfs: { total: 40 * 1024 ** 3, used: 9 * 1024 ** 3, free: 31 * 1024 ** 3, avail: 31 * 1024 ** 3 },
    kversion: 'Linux 6.17.2-1-pve #1 SMP PREEMPT_DYNAMIC x86_64',
    insync: 1,
  });
  return [
    route('GET', '/version', () => ok(m.pmg.version)),
    route('GET', '/config/cluster/status', () =>
      ok(
        m.pmg.nodes.map((n) => ({
          cid: n.cid,
          name: n.name,
          type: n.type,
          ip: n.ip,
          fingerprint: n.type === 'master' ? fingerprint : '-',
          hostrsapubkey: '-',
          rootrsapubkey: '-',
          ...nodeStatus(),
        })),
      ),
    ),
    route('GET', '/nodes/{node}/status', (_r, p) => localNode(p.node ?? '', () => ok(nodeStatus()))),
    route('GET', '/config/domains', () => ok(m.pmg.domains)),
    route('GET', '/statistics/mail', (r) => {
      const w = window(m, r);
      return ok(mailTotals(m, w.start, w.end));
    }),
    route('GET', '/statistics/mailcount', (r) => {
      const w = window(m, r);
      const span = Number(r.query.get('timespan') ?? 3600);
      if (span < 3600) return fail(400, 'Parameter verification failed.');
      const rows: Record<string, number>[] = [];
      const hours = hoursIn(m, w.start, w.end);
      for (let i = 0; i < hours.length; i += span / 3600) {
        const group = hours.slice(i, i + span / 3600);
        const row: Record<string, number> = { index: rows.length, time: group[0]?.time ?? w.start };
        for (const k of [
          'count_in',
          'count_out',
          'spamcount_in',
          'spamcount_out',
          'viruscount_in',
          'viruscount_out',
          'bounces_in',
          'bounces_out',
          'rbl_rejects',
          'pregreet_rejects',
        ] as const) {
          row[k] = group.reduce((a, x) => a + x.h[k], 0);
        }
        const rejects = (row.rbl_rejects ?? 0) + (row.pregreet_rejects ?? 0);
        row.count_in = (row.count_in ?? 0) + rejects;
        row.spamcount_in = (row.spamcount_in ?? 0) + rejects;
        row.count = row.count_in + (row.count_out ?? 0);
        rows.push(row);
      }
      return ok(rows);
    }),
    route('GET', '/statistics/spamscores', (r) => {
      const w = window(m, r);
      const t = mailTotals(m, w.start, w.end);
      const countIn = t.count_in ?? 0;
      const spam = t.spamcount_in ?? 0;
      const weights = [0, 0.05, 0.05, 0.08, 0.1, 0.12, 0.15, 0.15, 0.12, 0.08, 0.1];
      const levels = weights.map((wt) => Math.floor(spam * wt));
      levels[0] = countIn - levels.reduce((a, b) => a + b, 0);
      return ok(levels.map((count, level) => ({ level, count, ratio: countIn ? count / countIn : 0 })));
    }),
    route('GET', '/statistics/domains', (r) => {
      const w = window(m, r);
      const t = mailTotals(m, w.start, w.end);
      const share = [0.6, 0.3, 0.1];
      return ok(
        m.pmg.domains.map((d, i) => {
          const f = share[i] ?? 0;
          const row: Record<string, unknown> = { domain: d.domain };
          for (const k of [
            'count_in',
            'count_out',
            'spamcount_in',
            'spamcount_out',
            'bytes_in',
            'bytes_out',
            'viruscount_in',
            'viruscount_out',
          ]) {
            row[k] = Math.floor((t[k] ?? 0) * f);
          }
          return row;
        }),
      );
    }),
    route('GET', '/quarantine/spamstatus', () => {
      const q = m.pmg.quarantine.spam;
      return ok({
        count: q.count,
        mbytes: Math.round((q.bytes / 1024 ** 2) * 100) / 100,
        avgbytes: q.count ? q.bytes / q.count : 0,
        avgspam: q.avgspam,
      });
    }),
    route('GET', '/quarantine/virusstatus', () => {
      const q = m.pmg.quarantine.virus;
      return ok({
        count: q.count,
        mbytes: Math.round((q.bytes / 1024 ** 2) * 100) / 100,
        avgbytes: q.count ? q.bytes / q.count : 0,
      });
    }),
    route('GET', '/nodes/{node}/postfix/queue', (_r, p) =>
      localNode(p.node ?? '', () => ok(['deferred', 'active', 'incoming', 'hold'].map((name) => ({ name })))),
    ),
    route('GET', '/nodes/{node}/postfix/queue/{queue}', (r, p) =>
      localNode(p.node ?? '', () => {
        const mails = m.pmg.queue.filter((x) => x.queue === p.queue);
        const start = Number(r.query.get('start') ?? 0);
        const limit = Number(r.query.get('limit') ?? 50);
        const rows = mails.slice(start, start + limit).map((x) => ({
          queue_name: x.queue,
          queue_id: x.queueId,
          arrival_time: x.arrivalTime,
          message_size: x.size,
          sender: x.sender,
          receiver: x.receiver,
          reason: x.reason,
        }));
        return ok(rows, { total: mails.length });
      }),
    ),
    route('GET', '/nodes/{node}/postfix/qshape', (r, p) =>
      localNode(p.node ?? '', () => {
        const queue = r.query.get('queue') ?? 'deferred';
        const mails = m.pmg.queue.filter((x) => x.queue === queue);
        const now = m.clock.now();
        const buckets = [5, 10, 20, 40, 80, 160, 320, 640, 1280];
        const shape = (list: typeof mails, domain: string) => {
          const row: Record<string, unknown> = { domain, total: list.length };
          let prev = 0;
          for (const b of buckets) {
            row[`${b}m`] = list.filter(
              (x) => (now - x.arrivalTime) / 60 >= prev && (now - x.arrivalTime) / 60 < b,
            ).length;
            prev = b;
          }
          row['1280m+'] = list.filter((x) => (now - x.arrivalTime) / 60 >= 1280).length;
          return row;
        };
        const domains = [...new Set(mails.map((x) => x.receiver.split('@')[1] ?? ''))];
        return ok([
          shape(mails, 'TOTAL'),
          ...domains.map((d) =>
            shape(
              mails.filter((x) => x.receiver.endsWith(`@${d}`)),
              d,
            ),
          ),
        ]);
      }),
    ),
  ];
}

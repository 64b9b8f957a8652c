// Paced fleet process (forked by paced-fleet.ts; config over IPC, too large for argv at 5,000 tokens): every
// agent reports once per interval, agent i of N at offset i/N of it, so the load is an even stream and not
// a burst. Open loop: a report is sent when it is due whatever the earlier ones are doing, and its latency
// counts from when it was due, so a stalled server shows as late answers rather than as fewer requests.
import { gzipSync } from 'node:zlib';
import { Pool } from 'undici';
import { createDockerFleet } from './docker-fleet.ts';
import { createFleet } from './fleet.ts';
import {
  type AgentKind,
  type FromWorker,
  type PacedFleetConfig,
  type PacedKindConfig,
  TIMED_OUT,
  type ToWorker,
  TRANSPORT_ERROR,
} from './paced-fleet-protocol.ts';

const FLUSH_MS = 250;

function send(msg: FromWorker): void {
  process.send?.(msg);
}

/** Epoch milliseconds with sub-millisecond precision, comparable with the parent's. */
function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

/** Report `i` of the schedule is due at t0 + i × interval / N and comes from agent i mod N. */
class Schedule {
  private t0 = 0;
  private i = 0;
  private timer: NodeJS.Timeout | undefined;

  private readonly count: number;
  private readonly intervalMs: number;
  private readonly fire: (agent: number, dueAt: number) => void;

  constructor(count: number, intervalMs: number, fire: (agent: number, dueAt: number) => void) {
    this.count = count;
    this.intervalMs = intervalMs;
    this.fire = fire;
  }

  get running(): boolean {
    return this.timer !== undefined;
  }

  start(): void {
    if (this.running || this.count === 0) return;
    this.t0 = nowMs();
    this.i = 0;
    this.tick();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private dueAt(i: number): number {
    return this.t0 + (i * this.intervalMs) / this.count;
  }

  private readonly tick = (): void => {
    const now = nowMs();
    while (this.dueAt(this.i) <= now) {
      this.fire(this.i % this.count, this.dueAt(this.i));
      this.i += 1;
    }
    this.timer = setTimeout(this.tick, Math.max(0, this.dueAt(this.i) - nowMs()));
  };
}

const batch = { kinds: [] as number[], dueAt: [] as number[], ms: [] as number[], codes: [] as number[] };

function record(kind: number, dueAt: number, code: number): void {
  batch.kinds.push(kind);
  batch.dueAt.push(dueAt);
  batch.ms.push(nowMs() - dueAt);
  batch.codes.push(code);
}

function flush(): void {
  if (batch.kinds.length === 0) return;
  send({ type: 'samples', ...batch });
  batch.kinds = [];
  batch.dueAt = [];
  batch.ms = [];
  batch.codes = [];
}

let inFlight = 0;

/** A schedule for one kind of agent: each due report is rendered, gzipped (level 1, as the agent) and sent. */
function kindSchedule(
  config: PacedFleetConfig,
  kind: PacedKindConfig,
  kindIndex: number,
  render: (agent: number, now: number) => string,
): { schedule: Schedule; pool: Pool } {
  const pool = new Pool(config.origin, {
    connections: kind.connections,
    pipelining: 1,
    headersTimeout: config.timeoutMs,
    bodyTimeout: config.timeoutMs,
  });
  const headersOf = kind.tokens.map((token) => ({
    'content-type': 'application/json',
    'content-encoding': 'gzip',
    [config.tokenHeader]: token,
  }));
  const fire = (agent: number, dueAt: number) => {
    const body = gzipSync(render(agent, Date.now()), { level: 1 });
    inFlight += 1;
    pool
      .request({
        method: 'POST',
        path: kind.path,
        headers: headersOf[agent],
        body,
        signal: AbortSignal.timeout(Math.max(1, Math.round(config.timeoutMs - (nowMs() - dueAt)))),
      })
      .then(async (res) => {
        if (res.statusCode >= 200 && res.statusCode < 300) await res.body.dump();
        else
          send({ type: 'error', text: `HTTP ${res.statusCode}: ${(await res.body.text()).slice(0, 200)}` });
        record(kindIndex, dueAt, res.statusCode);
      })
      .catch((err: unknown) => {
        const timedOut = err instanceof Error && (err.name === 'TimeoutError' || /timeout/i.test(err.name));
        if (!timedOut)
          send({ type: 'error', text: err instanceof Error ? `${err.name}: ${err.message}` : String(err) });
        record(kindIndex, dueAt, timedOut ? TIMED_OUT : TRANSPORT_ERROR);
      })
      .finally(() => {
        inFlight -= 1;
      });
  };
  return { schedule: new Schedule(kind.tokens.length, config.intervalMs, fire), pool };
}

function setUp(config: PacedFleetConfig): Record<AgentKind, Schedule> {
  const hosts = createFleet(config.hosts.tokens.length, config.seed);
  const docker = createDockerFleet(
    config.docker.tokens.length,
    config.docker.containersPerHost,
    config.seed,
    (i) => (config.docker.shareMachines && i % 2 === 0 ? hosts[i]?.machineId : undefined),
  );
  const h = kindSchedule(config, config.hosts, 0, (agent, now) => hosts[agent]?.next(now) ?? '');
  const d = kindSchedule(config, config.docker, 1, (agent, now) => docker[agent]?.next(now) ?? '');
  return { hosts: h.schedule, docker: d.schedule };
}

async function drain(): Promise<void> {
  while (inFlight > 0) await new Promise((r) => setTimeout(r, 20));
  flush();
}

let schedules: Record<AgentKind, Schedule> | undefined;
process.on('disconnect', () => process.exit(0));
setInterval(flush, FLUSH_MS);
process.on('message', (raw) => {
  const msg = raw as ToWorker;
  try {
    if (msg.type === 'config') {
      schedules = setUp(msg.config);
      send({ type: 'ready' });
    } else if (msg.type === 'run') {
      for (const kind of msg.kinds) schedules?.[kind].start();
    } else if (msg.type === 'pause') {
      schedules?.hosts.stop();
      schedules?.docker.stop();
      void drain().then(() => send({ type: 'paused' }));
    }
  } catch (err) {
    send({ type: 'failed', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  }
});

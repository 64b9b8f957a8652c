// Parent side of the paced fleet: host and Docker agents that each report once per interval, at their own
// offset, from a worker process (bench/lib/paced-fleet-worker.ts) so that building and gzipping reports
// never competes with the server's thread or the bench's reads. The worker streams one sample per report
// back (when it was due, how long until its answer, how it ended); this side keeps them for windows.
import { type ChildProcess, fork } from 'node:child_process';

import type {
  AgentKind,
  FromWorker,
  PacedFleetConfig,
  ReportSample,
  ToWorker,
} from './paced-fleet-protocol.ts';
import { stopChild, track } from './proc.ts';

const WORKER = new URL('./paced-fleet-worker.ts', import.meta.url);
const KINDS: AgentKind[] = ['hosts', 'docker'];

export class PacedFleet {
  readonly samples: ReportSample[] = [];
  /** Distinct failure descriptions (non-2xx answers, transport errors) with their counts. */
  readonly errors = new Map<string, number>();
  private readonly child: ChildProcess;
  private failure: Error | undefined;
  private waiters: { type: FromWorker['type']; resolve: () => void }[] = [];

  private constructor(child: ChildProcess) {
    this.child = child;
    child.on('message', (raw) => this.onMessage(raw as FromWorker));
    child.once('exit', (code, signal) => {
      this.failure ??= new Error(`paced fleet worker exited (code ${code}, signal ${signal})`);
    });
  }

  /** Starts the worker and builds the fleet in it; nothing is sent until run(). */
  static async start(config: PacedFleetConfig): Promise<PacedFleet> {
    const child = track(fork(WORKER, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
    const fleet = new PacedFleet(child);
    const ready = fleet.next('ready', 120_000);
    child.send({ type: 'config', config } satisfies ToWorker);
    await ready;
    return fleet;
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  /** Starts the schedules of `kinds` that are not running yet (the others go on as they were). */
  run(kinds: AgentKind[]): void {
    this.check();
    this.child.send({ type: 'run', kinds } satisfies ToWorker);
  }

  /** Stops every schedule; resolves once the reports in flight have answered or given up. */
  async pause(): Promise<void> {
    this.check();
    const paused = this.next('paused', 60_000);
    this.child.send({ type: 'pause' } satisfies ToWorker);
    await paused;
  }

  /** The samples of reports that were due in [from, to). */
  between(from: number, to: number): ReportSample[] {
    return this.samples.filter((s) => s.dueAt >= from && s.dueAt < to);
  }

  /** Throws when the worker failed or went away. */
  check(): void {
    if (this.failure) throw this.failure;
  }

  async stop(): Promise<void> {
    this.failure ??= new Error('paced fleet stopped');
    await stopChild(this.child, 3_000);
  }

  private next(type: FromWorker['type'], timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`paced fleet worker: no '${type}' within ${timeoutMs} ms`)),
        timeoutMs,
      );
      const exit = () => reject(this.failure ?? new Error('paced fleet worker exited'));
      this.child.once('exit', exit);
      this.waiters.push({
        type,
        resolve: () => {
          clearTimeout(timer);
          this.child.off('exit', exit);
          resolve();
        },
      });
    });
  }

  private onMessage(msg: FromWorker): void {
    if (msg.type === 'samples') {
      for (let i = 0; i < msg.kinds.length; i++)
        this.samples.push({
          kind: KINDS[msg.kinds[i] ?? 0] ?? 'hosts',
          dueAt: msg.dueAt[i] ?? 0,
          ms: msg.ms[i] ?? 0,
          code: msg.codes[i] ?? 0,
        });
    } else if (msg.type === 'error') {
      this.errors.set(msg.text, (this.errors.get(msg.text) ?? 0) + 1);
    } else if (msg.type === 'failed') {
      this.failure = new Error(`paced fleet worker failed: ${msg.message}`);
    }
    const waiting = this.waiters.filter((w) => w.type === msg.type);
    this.waiters = this.waiters.filter((w) => w.type !== msg.type);
    for (const w of waiting) w.resolve();
  }
}

// One module's reporting loop: get ready (connect, prime) with back-off, then build and deliver a report
// every interval, in order, through the module's own buffer; go back to getting ready if the source is lost.
import { join } from 'node:path';
import type { Logger } from '@pulse/shared';
import type { PulseClient } from '../transport/client.ts';
import { Delivery, type Outcome } from '../transport/delivery.ts';
import { ReportBuffer } from '../transport/report-buffer.ts';
import { reconnectDelayMs } from './backoff.ts';
import type { ModuleName, ModuleRegistry } from './module-status.ts';
import { nextTick, sleep } from './scheduler.ts';

/** Thrown by `build` when the source went away (engine stopped, API unreachable): prepare again. */
export class SourceLost extends Error {
  override name = 'SourceLost';
}

export interface ReportSource<R> {
  name: ModuleName;
  path: string;
  bufferFile: string;
  isReport: (v: unknown) => v is R;
  /** Gets the source ready; resolves to a reason when it is unavailable. */
  prepare(): Promise<string | undefined>;
  build(): Promise<R>;
  onAck?(body: unknown): void;
  close?(): void;
}

export interface ReporterContext {
  client: PulseClient;
  log: Logger;
  stateDir: string;
  intervalMs: number;
  modules: ModuleRegistry;
}

export class Reporter<R> {
  readonly source: ReportSource<R>;
  readonly buffer = new ReportBuffer<R>();
  readonly delivery: Delivery<R>;
  private readonly ctx: ReporterContext;
  private ready = false;
  private lastReason: string | undefined;
  private attempts = 0;

  constructor(source: ReportSource<R>, ctx: ReporterContext) {
    this.source = source;
    this.ctx = ctx;
    this.delivery = new Delivery<R>({
      client: ctx.client,
      path: source.path,
      buffer: this.buffer,
      log: ctx.log,
      intervalMs: ctx.intervalMs,
      onAck: source.onAck ? (body) => source.onAck?.(body) : undefined,
    });
    const restored = this.buffer.load(this.bufferPath, source.isReport);
    if (restored.loaded > 0 || restored.rejected > 0) {
      ctx.log.info('restored undelivered reports', { module: source.name, ...restored });
    }
  }

  private get bufferPath(): string {
    return join(this.ctx.stateDir, this.source.bufferFile);
  }

  /** Prepares if needed; true when the source is ready. Says why once per distinct reason. */
  async ensureReady(): Promise<boolean> {
    if (this.ready) return true;
    const reason = await this.source.prepare();
    if (reason === undefined) {
      this.ready = true;
      this.attempts = 0;
      if (this.lastReason !== undefined) this.ctx.log.info(`${this.source.name}: available again`);
      this.lastReason = undefined;
      this.ctx.modules.set(this.source.name, { state: 'running', lastError: undefined });
      return true;
    }
    if (reason !== this.lastReason)
      this.ctx.log.warn(`${this.source.name}: unavailable; will keep trying`, { reason });
    this.lastReason = reason;
    this.ctx.modules.set(this.source.name, { state: 'unavailable', lastError: reason });
    return false;
  }

  /** Builds and delivers one report; a lost source sends the module back to preparing. */
  async cycle(signal: AbortSignal): Promise<Outcome | 'unavailable'> {
    if (!(await this.ensureReady())) return 'unavailable';
    let report: R;
    try {
      report = await this.source.build();
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      if (err instanceof SourceLost) this.ready = false;
      this.ctx.modules.set(this.source.name, { state: 'retrying', lastError: reason });
      this.ctx.log.warn(`${this.source.name}: collection failed`, { reason });
      return 'unavailable';
    }
    return this.delivery.submit(report, signal);
  }

  /** Runs until aborted: reports on the interval while ready, retries 5 s doubling to 5 min while not. */
  async run(signal: AbortSignal): Promise<void> {
    let next = Date.now();
    while (!signal.aborted) {
      const outcome = await this.cycle(signal);
      if (outcome === 'unavailable') {
        await sleep(reconnectDelayMs(this.attempts), signal);
        this.attempts++;
        next = Date.now();
        continue;
      }
      next = nextTick(next, Date.now(), this.ctx.intervalMs);
      await sleep(next - Date.now(), signal);
    }
  }

  save(): number {
    return this.buffer.save(this.bufferPath);
  }
}

// Delivers reports in order: flush the buffer first, buffer on failure, back off with jitter, drop on auth errors.
import type { Logger } from '@pulse/shared';
import type { PulseClient, SendResult } from './client.ts';
import type { ReportBuffer } from './report-buffer.ts';

const MAX_BACKOFF_MS = 5 * 60_000;
const AUTH_LOG_EVERY_MS = 5 * 60_000;

export type Outcome = 'sent' | 'buffered' | 'dropped';

export interface DeliveryStats {
  sent: number;
  failedAttempts: number;
  dropped: number;
  lastSuccessAt: number | undefined;
  lastError: string | undefined;
}

export interface DeliveryOptions<T> {
  client: PulseClient;
  path: string;
  buffer: ReportBuffer<T>;
  log: Logger;
  intervalMs: number;
  now?: () => number;
  random?: () => number;
  /** Called with the server's answer to every delivered report. */
  onAck?: (body: unknown) => void;
}

export class Delivery<T> {
  readonly stats: DeliveryStats = {
    sent: 0,
    failedAttempts: 0,
    dropped: 0,
    lastSuccessAt: undefined,
    lastError: undefined,
  };
  private readonly o: DeliveryOptions<T>;
  private failures = 0;
  private nextAttemptAt = 0;
  private lastAuthLogAt = Number.NEGATIVE_INFINITY;

  constructor(opts: DeliveryOptions<T>) {
    this.o = opts;
  }

  private now(): number {
    return (this.o.now ?? Date.now)();
  }

  /** No wait after the first failure, then one interval doubling up to 5 min, each ±20 %. */
  private backoffMs(): number {
    if (this.failures <= 1) return 0;
    const base = Math.min(this.o.intervalMs * 2 ** (this.failures - 2), MAX_BACKOFF_MS);
    return base * (0.8 + 0.4 * (this.o.random ?? Math.random)());
  }

  get backingOff(): boolean {
    return this.now() < this.nextAttemptAt;
  }

  async submit(report: T, signal?: AbortSignal): Promise<Outcome> {
    if (this.o.buffer.size > 0) {
      const drained = this.backingOff ? false : await this.flush(signal);
      if (!drained) {
        this.o.buffer.push(report);
        return 'buffered';
      }
    } else if (this.backingOff) {
      this.o.buffer.push(report);
      return 'buffered';
    }
    const result = await this.o.client.postJson(this.o.path, report, signal);
    const outcome = this.handle(result);
    if (outcome === 'retry') {
      this.o.buffer.push(report);
      return 'buffered';
    }
    return outcome;
  }

  /** Sends buffered reports oldest first, stopping at the first failure. True when the buffer is empty. */
  async flush(signal?: AbortSignal): Promise<boolean> {
    for (let item = this.o.buffer.peek(); item !== undefined; item = this.o.buffer.peek()) {
      const outcome = this.handle(await this.o.client.postJson(this.o.path, item, signal));
      if (outcome === 'retry') return false;
      if (outcome === 'dropped' && this.o.buffer.size === 0) return true;
      this.o.buffer.shift();
    }
    return true;
  }

  private handle(result: SendResult): 'sent' | 'dropped' | 'retry' {
    if (result.ok) {
      this.stats.sent++;
      this.stats.lastSuccessAt = this.now();
      this.failures = 0;
      this.nextAttemptAt = 0;
      this.o.onAck?.(result.body);
      return 'sent';
    }
    this.stats.lastError = result.message;
    if (result.kind === 'auth') {
      // A refused token will not get better by retrying: drop everything and say what to do.
      const purged = this.o.buffer.clear();
      this.stats.dropped += purged + 1;
      if (this.now() - this.lastAuthLogAt >= AUTH_LOG_EVERY_MS) {
        this.lastAuthLogAt = this.now();
        const hint =
          result.status === 403
            ? 'the token lacks the agent:report scope or the host was removed; create a token with agent:report (or allow re-enrolment) and restart the agent'
            : 'the token is not valid (revoked or mistyped); re-run the install command to mint a fresh token';
        this.o.log.error(`server refused the report (HTTP ${result.status}): ${hint}`, {
          reason: result.message,
          purged,
        });
      }
      return 'dropped';
    }
    if (result.kind === 'rejected') {
      this.stats.dropped++;
      this.o.log.warn('server rejected a report; it is dropped', {
        status: result.status,
        reason: result.message,
      });
      return 'dropped';
    }
    this.stats.failedAttempts++;
    this.failures++;
    this.nextAttemptAt = this.now() + this.backoffMs();
    this.o.log.warn('report not delivered; kept for retry', {
      reason: result.message,
      status: result.status,
    });
    return 'retry';
  }
}

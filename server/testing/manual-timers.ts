// Timers that fire only when a test moves its FakeClock forward through them.
import type { Timers } from '../src/sources/proxmox/scheduler/timers.ts';
import type { FakeClock } from './harness.ts';

interface Pending {
  at: number;
  seq: number;
  fn: () => void;
}

export class ManualTimers implements Timers {
  private readonly clock: FakeClock;
  private pending: Pending[] = [];
  private seq = 0;

  constructor(clock: FakeClock) {
    this.clock = clock;
  }

  schedule(fn: () => void, delayMs: number): () => void {
    const entry = { at: this.clock.now() + Math.max(0, delayMs), seq: this.seq++, fn };
    this.pending.push(entry);
    return () => {
      this.pending = this.pending.filter((p) => p !== entry);
    };
  }

  get size(): number {
    return this.pending.length;
  }

  /** Advances the clock by ms, firing due callbacks in time order and letting their promises settle. */
  async advance(ms: number): Promise<void> {
    const end = this.clock.now() + ms;
    for (;;) {
      await settle();
      const next = this.pending.filter((p) => p.at <= end).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!next) break;
      this.pending = this.pending.filter((p) => p !== next);
      if (next.at > this.clock.now()) this.clock.t = next.at;
      next.fn();
    }
    this.clock.t = end;
    await settle();
  }
}

async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

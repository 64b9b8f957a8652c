// Samples a process once a second from /proc (Linux): resident memory (VmRSS), CPU seconds and bytes it
// has caused to be written to storage (write_bytes of /proc/<pid>/io), so that a bench can take curves and
// windows of them afterwards: start, peak, end, least-squares slope, per-minute rates.
import { readFileSync } from 'node:fs';
import { cpuSeconds, rssMiB } from './proc.ts';

export interface ProcSample {
  /** Epoch ms. */
  at: number;
  rssMiB: number;
  cpuSeconds: number | undefined;
  writeBytes: number | undefined;
}

/** Bytes the process has caused to be sent to the storage layer so far; undefined when not readable. */
export function writeBytes(pid: number): number | undefined {
  try {
    const m = /^write_bytes:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'));
    return m?.[1] ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

export function sampleProcess(pid: number): ProcSample | undefined {
  const rss = rssMiB(pid);
  if (rss === undefined) return undefined;
  return { at: Date.now(), rssMiB: rss, cpuSeconds: cpuSeconds(pid), writeBytes: writeBytes(pid) };
}

export class ProcSampler {
  readonly samples: ProcSample[] = [];
  private timer: NodeJS.Timeout | undefined;

  readonly pid: number;
  private readonly everyMs: number;

  constructor(pid: number, everyMs = 1_000) {
    this.pid = pid;
    this.everyMs = everyMs;
  }

  start(): this {
    this.take();
    this.timer = setInterval(() => this.take(), this.everyMs);
    return this;
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** A sample now, kept with the others (so a window can end exactly where something happened). */
  take(): ProcSample | undefined {
    const sample = sampleProcess(this.pid);
    if (sample) this.samples.push(sample);
    return sample;
  }

  between(from: number, to: number): ProcSample[] {
    return this.samples.filter((s) => s.at >= from && s.at <= to);
  }
}

/** Least-squares slope of RSS over time, in MiB per minute; undefined under 3 samples or 5 s. */
export function slopeMiBPerMin(samples: readonly ProcSample[]): number | undefined {
  if (samples.length < 3) return undefined;
  const first = samples[0]?.at ?? 0;
  const xs = samples.map((s) => (s.at - first) / 60_000);
  const ys = samples.map((s) => s.rssMiB);
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    const dx = (xs[i] ?? 0) - mx;
    sxy += dx * ((ys[i] ?? 0) - my);
    sxx += dx * dx;
  }
  const span = (samples[n - 1]?.at ?? 0) - first;
  return sxx > 0 && span >= 5_000 ? sxy / sxx : undefined;
}

/** Per-minute rate of a cumulative counter between the first and the last sample that carry it. */
export function perMinute(
  samples: readonly ProcSample[],
  pick: (s: ProcSample) => number | undefined,
): number | undefined {
  const carrying = samples.filter((s) => pick(s) !== undefined);
  const a = carrying[0];
  const b = carrying[carrying.length - 1];
  if (!a || !b || b.at - a.at < 1_000) return undefined;
  return (((pick(b) ?? 0) - (pick(a) ?? 0)) / (b.at - a.at)) * 60_000;
}

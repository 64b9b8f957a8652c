// Figures of one window of a fleet run, from the samples the bench kept: the server's RSS curve, the
// agents' report latencies, CPU by process and the server's disk writes.
import { median, quantile } from './figures.ts';
import { type ReportSample, TIMED_OUT } from './paced-fleet-protocol.ts';
import { cpuSeconds, machineBusySeconds } from './proc.ts';
import { type ProcSample, perMinute, slopeMiBPerMin } from './proc-sampler.ts';

export interface RssCurve {
  start?: number;
  peak?: number;
  end?: number;
  min?: number;
  /** Least-squares slope in MiB/min over the window given. */
  slope?: number;
}

export function rssCurve(samples: readonly ProcSample[], slopeSamples = samples): RssCurve {
  const rss = samples.map((s) => s.rssMiB);
  if (rss.length === 0) return {};
  return {
    start: rss[0],
    peak: Math.max(...rss),
    end: rss[rss.length - 1],
    min: Math.min(...rss),
    slope: slopeMiBPerMin(slopeSamples),
  };
}

export function medianRss(samples: readonly ProcSample[]): number | undefined {
  return samples.length === 0 ? undefined : median(samples.map((s) => s.rssMiB));
}

/** Seconds from `from` to the first sample at or under `limit` MiB; null when none came in the samples. */
export function secondsUntilUnder(
  samples: readonly ProcSample[],
  from: number,
  limit: number,
): number | null {
  const back = samples.find((s) => s.at >= from && s.rssMiB <= limit);
  return back ? (back.at - from) / 1000 : null;
}

/** Bytes per minute the server caused to be written to storage over the samples. */
export function diskWritesPerMinute(samples: readonly ProcSample[]): number | undefined {
  return perMinute(samples, (s) => s.writeBytes);
}

export interface IngestFigures {
  /** Reports due in the window. */
  reports: number;
  /** Answered 2xx. */
  ok: number;
  p50?: number;
  p99?: number;
  max?: number;
  /** Given up after the agent's timeout (15 s) or answered later than that. */
  over15s: number;
  /** Non-2xx answers and transport failures. */
  errors: number;
}

export function ingestFigures(samples: readonly ReportSample[], timeoutMs: number): IngestFigures {
  const answered = samples.filter((s) => s.code >= 200 && s.code < 300);
  const ms = answered.map((s) => s.ms);
  return {
    reports: samples.length,
    ok: answered.length,
    p50: ms.length > 0 ? median(ms) : undefined,
    p99: ms.length > 0 ? quantile(ms, 0.99) : undefined,
    max: ms.length > 0 ? Math.max(...ms) : undefined,
    over15s: samples.filter((s) => s.code === TIMED_OUT || s.ms > timeoutMs).length,
    errors: samples.filter((s) => s.code !== TIMED_OUT && (s.code < 200 || s.code >= 300)).length,
  };
}

/** CPU seconds used so far by each process of a run, and by the whole machine. */
export interface CpuMark {
  at: number;
  server?: number;
  generator?: number;
  bench: number;
  machine?: number;
}

export function cpuMark(serverPid: number, generatorPid: number | undefined): CpuMark {
  const own = process.cpuUsage();
  return {
    at: Date.now(),
    server: cpuSeconds(serverPid),
    generator: generatorPid ? cpuSeconds(generatorPid) : undefined,
    bench: (own.user + own.system) / 1e6,
    machine: machineBusySeconds(),
  };
}

/** Cores each used between two marks (1 = one core busy); `other` is the rest of the machine. */
export interface CpuCores {
  server?: number;
  generator?: number;
  bench?: number;
  other?: number;
}

export function cpuCores(a: CpuMark, b: CpuMark): CpuCores {
  const seconds = (b.at - a.at) / 1000;
  const rate = (x?: number, y?: number) =>
    x === undefined || y === undefined || seconds <= 0 ? undefined : (y - x) / seconds;
  const server = rate(a.server, b.server);
  const generator = rate(a.generator, b.generator);
  const bench = rate(a.bench, b.bench);
  const machine = rate(a.machine, b.machine);
  const other =
    machine === undefined
      ? undefined
      : Math.max(0, machine - (server ?? 0) - (generator ?? 0) - (bench ?? 0));
  return { server, generator, bench, other };
}

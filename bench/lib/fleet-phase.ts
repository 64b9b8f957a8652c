// The phases of the fleet bench: idle, a loaded phase (the fleet reports on its schedule; one round of
// reads once it is steady; then a watch for RSS to come back) and the stop after the load. Each returns
// the figures of its windows; the bench prints them and checks the run was valid.
import {
  type CpuCores,
  cpuCores,
  cpuMark,
  diskWritesPerMinute,
  type IngestFigures,
  ingestFigures,
  medianRss,
  type RssCurve,
  rssCurve,
  secondsUntilUnder,
} from './fleet-figures.ts';
import {
  type Listed,
  READ_ROUTES,
  type ReadCounts,
  type ReadFigures,
  type ReadRoute,
  readFigures,
  readRound,
} from './fleet-reads.ts';
import type { PacedFleet } from './paced-fleet.ts';
import type { AgentKind } from './paced-fleet-protocol.ts';
import type { Service } from './proc.ts';
import type { ProcSampler } from './proc-sampler.ts';

/** RSS counts as back when it is within this fraction above the steady figure. */
export const BACK_WITHIN = 0.1;

/** The server a phase runs against; replaced when the server is restarted. */
export interface Subject {
  service: Service;
  admin: string;
  sampler: ProcSampler;
}

export interface PhaseContext {
  subject: Subject;
  fleet?: PacedFleet;
  reads: ReadCounts;
  intervalMs: number;
  timeoutMs: number;
}

export interface Expected {
  hosts: number;
  dockerHosts: number;
  containers: number;
}

export interface PhaseResult {
  name: string;
  expected: Expected;
  seconds: number;
  windows: {
    start: number;
    fillEnd?: number;
    steadyEnd?: number;
    readsStart?: number;
    readsEnd?: number;
    end: number;
  };
  rss: RssCurve & {
    /** Median over the steady window (the fleet reporting, no reads). */
    steady?: number;
    peakDuringReads?: number;
    /** Seconds after the reads until RSS was within BACK_WITHIN of steady; null: not within the phase. */
    backAfterReads?: number | null;
  };
  reads?: Partial<Record<ReadRoute, ReadFigures>>;
  listed?: Listed;
  ingest?: { steady: IngestFigures; duringReads: IngestFigures; whole: IngestFigures };
  cpu: CpuCores;
  diskWritesPerMinute?: number;
}

function alive(subject: Subject): void {
  const { exitCode, signalCode } = subject.service.child;
  if (exitCode !== null || signalCode !== null)
    throw new Error(`the server exited during the run (code ${exitCode}, signal ${signalCode})`);
}

/** Waits until `at` (epoch ms), failing early if the server or the fleet's worker went away. */
async function waitUntil(ctx: PhaseContext, at: number): Promise<void> {
  for (;;) {
    alive(ctx.subject);
    ctx.fleet?.check();
    const left = at - Date.now();
    if (left <= 0) return;
    await new Promise((r) => setTimeout(r, Math.min(1_000, left)));
  }
}

function readsOf(round: Awaited<ReturnType<typeof readRound>>): Partial<Record<ReadRoute, ReadFigures>> {
  const out: Partial<Record<ReadRoute, ReadFigures>> = {};
  for (const route of READ_ROUTES) {
    const figures = readFigures(round.series[route]);
    if (figures) out[route] = figures;
  }
  return out;
}

async function reads(ctx: PhaseContext): Promise<Awaited<ReturnType<typeof readRound>>> {
  try {
    return await readRound(ctx.subject.service.origin, ctx.subject.admin, ctx.reads);
  } catch (err) {
    alive(ctx.subject);
    throw err;
  }
}

/** The server alone, before any agent: RSS at rest, then one round of reads of the empty state. */
export async function idlePhase(ctx: PhaseContext, seconds: number): Promise<PhaseResult> {
  const { sampler } = ctx.subject;
  const start = Date.now();
  const cpu0 = cpuMark(ctx.subject.service.pid, undefined);
  await waitUntil(ctx, start + seconds * 1000);
  const steadyEnd = Date.now();
  sampler.take();
  const round = await reads(ctx);
  const end = Date.now();
  sampler.take();
  const steadySamples = sampler.between(start, steadyEnd);
  return {
    name: 'idle',
    expected: { hosts: 0, dockerHosts: 0, containers: 0 },
    seconds: (end - start) / 1000,
    windows: { start, steadyEnd, readsStart: round.startedAt, readsEnd: round.endedAt, end },
    rss: {
      ...rssCurve(sampler.between(start, end), steadySamples),
      steady: medianRss(steadySamples),
      peakDuringReads: rssCurve(sampler.between(round.startedAt, round.endedAt)).peak,
    },
    reads: readsOf(round),
    listed: round.listed,
    cpu: cpuCores(cpu0, cpuMark(ctx.subject.service.pid, undefined)),
    diskWritesPerMinute: diskWritesPerMinute(sampler.between(start, end)),
  };
}

export interface LoadedTimeline {
  /** Load before the reads: one interval for every agent to report, the rest is the steady window. */
  phaseMs: number;
  /** Watch after the reads. */
  recoveryMs: number;
}

/**
 * Starts `kinds` on the fleet (those already running go on), waits one interval and a bit so every agent
 * has reported, keeps a steady window (RSS level and slope, ingest without reads) until `phaseMs` of load,
 * reads one round, then watches RSS come back for `recoveryMs`.
 */
export async function loadedPhase(
  ctx: PhaseContext,
  name: string,
  kinds: AgentKind[],
  expected: Expected,
  timeline: LoadedTimeline,
  onStep: (what: string) => void,
): Promise<PhaseResult> {
  const { fleet } = ctx;
  if (!fleet) throw new Error('a loaded phase needs a fleet');
  const { sampler, service } = ctx.subject;
  const start = Date.now();
  const cpu0 = cpuMark(service.pid, fleet.pid);
  fleet.run(kinds);
  const fillEnd = start + ctx.intervalMs + 3_000;
  const steadyEnd = Math.max(fillEnd + 5_000, start + timeline.phaseMs);
  const offset = (t: number) => `+${((t - start) / 1000).toFixed(0)} s`;
  onStep(
    `${name}: the fleet reports; steady window ${offset(fillEnd)} to ${offset(steadyEnd)}, then the reads`,
  );
  await waitUntil(ctx, steadyEnd);
  sampler.take();
  onStep(`${name}: reading`);
  const round = await reads(ctx);
  sampler.take();
  const end = round.endedAt + timeline.recoveryMs;
  onStep(
    `${name}: reads done in ${((round.endedAt - round.startedAt) / 1000).toFixed(1)} s; watching RSS until ${offset(end)}`,
  );
  await waitUntil(ctx, end);
  sampler.take();
  const cpu1 = cpuMark(service.pid, fleet.pid);

  const all = sampler.between(start, end);
  const steadySamples = sampler.between(fillEnd, steadyEnd);
  const steady = medianRss(steadySamples);
  const during = (from: number, to: number) => ingestFigures(fleet.between(from, to), ctx.timeoutMs);
  return {
    name,
    expected,
    seconds: (end - start) / 1000,
    windows: { start, fillEnd, steadyEnd, readsStart: round.startedAt, readsEnd: round.endedAt, end },
    rss: {
      ...rssCurve(all, steadySamples),
      steady,
      peakDuringReads: rssCurve(sampler.between(round.startedAt, round.endedAt)).peak,
      backAfterReads:
        steady === undefined ? null : secondsUntilUnder(all, round.endedAt, steady * (1 + BACK_WITHIN)),
    },
    reads: readsOf(round),
    listed: round.listed,
    ingest: {
      steady: during(fillEnd, steadyEnd),
      duringReads: during(round.startedAt, round.endedAt),
      whole: during(start, end),
    },
    cpu: cpuCores(cpu0, cpu1),
    diskWritesPerMinute: diskWritesPerMinute(sampler.between(fillEnd, end)),
  };
}

/** The load stops: watch RSS for `seconds` against the steady figure it had under load. */
export async function stopPhase(
  ctx: PhaseContext,
  expected: Expected,
  seconds: number,
  steadyUnderLoad: number | undefined,
): Promise<PhaseResult> {
  const { sampler, service } = ctx.subject;
  const start = Date.now();
  const cpu0 = cpuMark(service.pid, ctx.fleet?.pid);
  await ctx.fleet?.pause();
  await waitUntil(ctx, start + seconds * 1000);
  sampler.take();
  const end = Date.now();
  const all = sampler.between(start, end);
  return {
    name: 'stop',
    expected,
    seconds: (end - start) / 1000,
    windows: { start, end },
    rss: {
      ...rssCurve(all),
      backAfterReads:
        steadyUnderLoad === undefined
          ? null
          : secondsUntilUnder(all, start, steadyUnderLoad * (1 + BACK_WITHIN)),
    },
    cpu: cpuCores(cpu0, cpuMark(service.pid, ctx.fleet?.pid)),
    diskWritesPerMinute: diskWritesPerMinute(all),
  };
}

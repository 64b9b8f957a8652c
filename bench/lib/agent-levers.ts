// BENCH_AGENT_LEVERS: the single executable built once per lever (V8 flags baked into it, code cache,
// startup snapshot, the lazy chunks or one bundle, a malloc setting in its environment) and measured like
// the agent line of the footprint bench, one after the other, against the floor sampled alongside.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  type AgentBundle,
  baseBinary,
  buildSea,
  bundleAgent,
  SEA_EXEC_ARGV,
  TARGETS,
} from '../../scripts/build-agent.ts';
import {
  evictPageCache,
  fixed,
  type Memory,
  measureWindow,
  type Plan,
  type Subject,
  startAgentProcess,
  subjectOf,
} from './agent-measure.ts';
import type { Service } from './proc.ts';

/** The flags the executable had before the levers were measured: the reference line. */
const PREVIOUS = ['--max-semi-space-size=1', '--optimize-for-size'];

export interface Lever {
  name: string;
  /** false: one bundle with the Docker and Kubernetes code in it (before the lazy chunks). */
  split: boolean;
  execArgv: string[];
  useCodeCache?: boolean;
  useSnapshot?: boolean;
  /** Set in the agent's environment: cannot be baked into the executable (a service unit could set it). */
  env?: Record<string, string>;
}

export const LEVERS: Lever[] = [
  { name: 'one bundle, no V8 flags', split: false, execArgv: [] },
  { name: 'one bundle, semi-space 1 + optimize-for-size (before)', split: false, execArgv: PREVIOUS },
  { name: 'lazy chunks, no V8 flags', split: true, execArgv: [] },
  { name: 'lazy chunks, semi-space 1 MiB', split: true, execArgv: ['--max-semi-space-size=1'] },
  { name: 'lazy chunks, optimize-for-size', split: true, execArgv: ['--optimize-for-size'] },
  { name: 'lazy chunks, semi-space 1 + optimize-for-size', split: true, execArgv: PREVIOUS },
  { name: '  + old space 256 MiB', split: true, execArgv: [...PREVIOUS, '--max-old-space-size=256'] },
  { name: '  + old space 128 MiB', split: true, execArgv: [...PREVIOUS, '--max-old-space-size=128'] },
  { name: '  + old space 64 MiB', split: true, execArgv: [...PREVIOUS, '--max-old-space-size=64'] },
  { name: '  + old space 32 MiB', split: true, execArgv: [...PREVIOUS, '--max-old-space-size=32'] },
  { name: '  + old space 16 MiB', split: true, execArgv: [...PREVIOUS, '--max-old-space-size=16'] },
  // The old generation grows by 1.3× after a full collection, as V8 does for heaps capped at 128 MiB or
  // less, without the cap.
  { name: '  + heap growing 30 %', split: true, execArgv: [...PREVIOUS, '--heap-growing-percent=30'] },
  // The first limit only, no cap: V8 starts its old generation at this size and grows it as before.
  {
    name: '  + initial old space 16 MiB',
    split: true,
    execArgv: [...PREVIOUS, '--initial-old-space-size=16'],
  },
  { name: '  + initial old space 8 MiB', split: true, execArgv: [...PREVIOUS, '--initial-old-space-size=8'] },
  { name: '  + lite mode', split: true, execArgv: [...PREVIOUS, '--lite-mode'] },
  { name: '  + jitless', split: true, execArgv: [...PREVIOUS, '--jitless'] },
  { name: '  + V8 pool of 1 thread', split: true, execArgv: [...PREVIOUS, '--v8-pool-size=1'] },
  { name: '  + single-threaded V8', split: true, execArgv: [...PREVIOUS, '--single-threaded'] },
  { name: '  + no TurboFan', split: true, execArgv: [...PREVIOUS, '--no-opt'] },
  { name: '  + no Maglev', split: true, execArgv: [...PREVIOUS, '--no-maglev'] },
  { name: '  + code cache', split: true, execArgv: PREVIOUS, useCodeCache: true },
  { name: '  + startup snapshot', split: true, execArgv: PREVIOUS, useSnapshot: true },
  { name: '  + MALLOC_ARENA_MAX=1 (env)', split: true, execArgv: PREVIOUS, env: { MALLOC_ARENA_MAX: '1' } },
  {
    name: '  + MALLOC_TRIM_THRESHOLD_=0 (env)',
    split: true,
    execArgv: PREVIOUS,
    env: { MALLOC_TRIM_THRESHOLD_: '0' },
  },
  {
    name: 'combined: pool of 1 + heap growing 30 %',
    split: true,
    execArgv: [...PREVIOUS, '--v8-pool-size=1', '--heap-growing-percent=30'],
  },
  {
    name: 'combined: pool of 1 + heap growing 30 % + code cache',
    split: true,
    execArgv: [...PREVIOUS, '--v8-pool-size=1', '--heap-growing-percent=30'],
    useCodeCache: true,
  },
  {
    name: 'combined: pool of 1 + old space 128 MiB',
    split: true,
    execArgv: [...PREVIOUS, '--v8-pool-size=1', '--max-old-space-size=128'],
  },
  { name: 'shipped (scripts/build-agent.ts)', split: true, execArgv: SEA_EXEC_ARGV },
];

export interface LeverResult {
  lever: Lever;
  subject?: Subject;
  /** Why it has no figures: the build failed, or the agent could not report. */
  failed?: string;
  buildSeconds?: number;
}

function linuxTarget() {
  const t = TARGETS.find((x) => x.os === 'linux' && x.arch === process.arch);
  if (!t) throw new Error(`no linux target for ${process.arch}`);
  return t;
}

/** Runs the levers whose names contain one of `filters` (all when empty). */
export async function runLevers(opts: {
  plan: Plan;
  filters: string[];
  server: Service;
  token: string;
  floorPid: number;
  floorMem: Memory[];
  scratch: string;
}): Promise<LeverResult[]> {
  const { plan, server, token, floorPid, scratch } = opts;
  const chosen = LEVERS.filter(
    (l) => opts.filters.length === 0 || opts.filters.some((f) => l.name.includes(f)),
  );
  const executable = baseBinary(linuxTarget());
  const bundles = new Map<boolean, AgentBundle>();
  const results: LeverResult[] = [];
  for (const [i, lever] of chosen.entries()) {
    console.log(`lever ${i + 1}/${chosen.length}: ${lever.name.trim()}`);
    const dir = join(scratch, `lever-${i}`);
    mkdirSync(dir, { recursive: true });
    const output = join(dir, 'pulse-agent');
    let bundle = bundles.get(lever.split);
    if (!bundle) {
      bundle = await bundleAgent(join(scratch, lever.split ? 'bundle-split' : 'bundle-one'), {
        split: lever.split,
      });
      bundles.set(lever.split, bundle);
    }
    const started = performance.now();
    try {
      buildSea({
        bundle,
        output,
        executable,
        execArgv: lever.execArgv,
        useCodeCache: lever.useCodeCache,
        useSnapshot: lever.useSnapshot,
      });
    } catch (err) {
      results.push({
        lever,
        failed: `build failed: ${err instanceof Error ? err.message.split('\n')[0] : err}`,
      });
      rmSync(dir, { recursive: true, force: true });
      continue;
    }
    const buildSeconds = (performance.now() - started) / 1000;
    evictPageCache(output);
    try {
      const agent = await startAgentProcess(
        lever.name.trim(),
        { cmd: output, args: [] },
        server,
        token,
        plan,
        scratch,
        {
          module: 'host',
          env: lever.env,
        },
      );
      try {
        const { window, reports } = await measureWindow(agent, floorPid, plan);
        opts.floorMem.push(...window.floor);
        const subject = subjectOf(lever.name, 'agent', 'cycle', window, plan.cycles, {
          execArgv: lever.execArgv,
          split: lever.split,
          useCodeCache: lever.useCodeCache ?? false,
          useSnapshot: lever.useSnapshot ?? false,
          env: lever.env,
          reportsSent: reports.reportsSent,
          buildSeconds,
        });
        results.push({ lever, subject, buildSeconds });
      } finally {
        await agent.stop();
      }
    } catch (err) {
      results.push({ lever, failed: err instanceof Error ? err.message : String(err), buildSeconds });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return results;
}

/** One line per lever: its figures, and how far they are from the executable as it was before. */
export function leverTable(results: LeverResult[], floorRss: number): string {
  const before = results.find((r) => r.lever.name.includes('(before)'))?.subject;
  const head = ['lever', 'steady RSS', 'anon / file', 'RSS / floor', 'CPU ms/cycle', 'Δ RSS', 'Δ CPU'];
  const rows = results.map(({ lever, subject: s, failed }) => {
    if (!s) return [lever.name, failed ? 'not usable' : '-', '-', '-', '-', '-', '-'];
    const cpu = s.cpuMsPerCycle + s.childCpuMsPerCycle;
    const beforeCpu = before ? before.cpuMsPerCycle + before.childCpuMsPerCycle : undefined;
    const signed = (n: number | undefined, digits: number) =>
      n === undefined ? '-' : `${n >= 0 ? '+' : ''}${n.toFixed(digits)}`;
    return [
      lever.name,
      `${fixed(s.steadyRssMiB, 1)} MiB`,
      `${fixed(s.steadyAnonMiB, 1)} / ${fixed(s.steadyFileMiB, 1)}`,
      `${(s.steadyRssMiB / floorRss).toFixed(2)}×`,
      fixed(cpu, 2),
      signed(before ? s.steadyRssMiB - before.steadyRssMiB : undefined, 1),
      signed(beforeCpu === undefined ? undefined : cpu - beforeCpu, 2),
    ];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const fmt = (row: string[]) =>
    row.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  const why = results.flatMap((r) => (r.failed ? [`${r.lever.name.trim()}: ${r.failed}`] : []));
  return [fmt(head), fmt(widths.map((w) => '-'.repeat(w))), ...rows.map(fmt), '', ...why].join('\n');
}

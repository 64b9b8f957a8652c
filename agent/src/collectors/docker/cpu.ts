// Container CPU % from two of the agent's own stats samples, the way each engine's counters allow.
import type { DockerRuntime } from '@pulse/shared';
import { count, epochSeconds, obj, type View } from './json.ts';

/** What one stats answer says about CPU, kept per container until the next cycle. */
export interface CpuSample {
  /** cpu_stats.cpu_usage.total_usage: CPU time the container used, in ns, since it started. */
  totalNs: number;
  /** cpu_stats.system_cpu_usage: the host's CPU time in ns (all CPUs). Only dockerd's is usable. */
  systemNs?: number;
  onlineCpus?: number;
  /** When the engine read the counters (stats `read`), in seconds since the epoch. */
  atSeconds: number;
  /** The container's StartedAt: a restart resets total_usage, so samples of two runs never pair. */
  run?: string;
}

type CpuStatsView = View<'cpu_usage' | 'system_cpu_usage' | 'online_cpus'>;

/**
 * The CPU sample in a stats answer; undefined when it has none (a stopped container: dockerd sends zeros
 * with `read` at the Go zero time, Podman an empty body). `nowSeconds` stands in for a missing `read`.
 */
export function cpuSample(
  stats: View<'cpu_stats' | 'read'> | undefined,
  run: string | undefined,
  nowSeconds: number,
): CpuSample | undefined {
  const cpu = obj<CpuStatsView>(stats?.cpu_stats);
  const usage = obj<View<'total_usage' | 'percpu_usage'>>(cpu?.cpu_usage);
  const totalNs = count(usage?.total_usage);
  if (cpu === undefined || totalNs === undefined) return undefined;
  const read = epochSeconds(stats?.read);
  // A zero counter with no read time is dockerd's placeholder for "no stats", not an idle container.
  if (totalNs === 0 && read === undefined) return undefined;
  const perCpu = Array.isArray(usage?.percpu_usage) ? usage.percpu_usage.length : 0;
  const sample: CpuSample = { totalNs, atSeconds: read ?? nowSeconds };
  const systemNs = count(cpu.system_cpu_usage);
  if (systemNs !== undefined && systemNs > 0) sample.systemNs = systemNs;
  const onlineCpus = count(cpu.online_cpus) || perCpu;
  if (onlineCpus > 0) sample.onlineCpus = onlineCpus;
  if (run !== undefined) sample.run = run;
  return sample;
}

/**
 * CPU % between two samples, where one fully used core is 100 (so a container may pass 100 on a
 * multi-core host, as `docker stats` shows it).
 *
 * - Docker: `(Δtotal / Δsystem) × onlineCPUs × 100`: system_cpu_usage is the host's CPU time over all
 *   CPUs, so the ratio is a share of the whole host and × onlineCPUs turns it into cores. When Δsystem is
 *   not positive (a daemon that does not fill it), the time-based formula below, which gives the same
 *   per-core unit.
 * - Podman: `Δtotal / (elapsed × 1e9) × 100` only: its system_cpu_usage does not count the same thing as
 *   dockerd's (it is not the sum of /proc/stat over all CPUs), so the dockerd formula would be wrong there.
 *
 * Undefined, never 0, when there is nothing to compare yet (first sample of a container), the container
 * restarted, a counter went backwards or no time passed: the report field is required, so the caller sends
 * 0 and says in the module notes that the value is unprimed.
 */
export function cpuPercent(
  runtime: DockerRuntime,
  prev: CpuSample | undefined,
  cur: CpuSample,
  hostCpus?: number,
): number | undefined {
  if (prev === undefined || prev.run !== cur.run) return undefined;
  const usedNs = cur.totalNs - prev.totalNs;
  const elapsed = cur.atSeconds - prev.atSeconds;
  if (usedNs < 0 || !(elapsed > 0)) return undefined;
  if (runtime === 'docker' && prev.systemNs !== undefined && cur.systemNs !== undefined) {
    const systemNs = cur.systemNs - prev.systemNs;
    const cpus = cur.onlineCpus ?? prev.onlineCpus ?? hostCpus;
    if (systemNs > 0 && cpus !== undefined && cpus > 0) return (usedNs / systemNs) * cpus * 100;
  }
  return (usedNs / (elapsed * 1e9)) * 100;
}

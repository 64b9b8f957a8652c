// Container memory from a stats answer: usage without page cache, and its share of the effective limit.
import { count, obj, type View } from './json.ts';

export interface MemoryFigures {
  /** Usage minus reclaimable page cache, as `docker stats` shows it. */
  usageBytes: number;
  /** The limit that applies: the cgroup's, or the host's memory when the cgroup has none. */
  limitBytes: number;
  /** Undefined when no limit is known at all (no cgroup limit and no host total). */
  percent?: number;
}

type MemoryStatsView = View<'usage' | 'limit' | 'stats'>;
type MemoryStatView = View<'total_cache' | 'cache' | 'inactive_file'>;

/**
 * cgroup v1 writes a huge page-aligned number (2^63 - 4096 on x86-64) for "no limit", v2's `max` reaches
 * the API as 2^64 - 1 or is mapped by the engine; anything from 2^60 up is that "no limit".
 */
const NO_LIMIT = 2 ** 60;

/**
 * Memory figures from `memory_stats`; undefined when the answer has no usage (a stopped container).
 *
 * Cache: cgroup v1 reports `total_cache` (the hierarchy, the counterpart of the hierarchical usage) and
 * `cache` (this cgroup only); v2 has neither and reports `inactive_file`, the reclaimable part of the file
 * cache. Podman 4's compat stats send no `stats` object, so its usage stays as the cgroup counts it.
 *
 * Limit: a container without a limit can use the whole host, so its limit is the host's memory
 * (dockerd itself reports that on cgroup v1); a cgroup limit above host memory is capped the same way.
 */
export function containerMemory(
  memoryStats: unknown,
  hostMemoryBytes: number | undefined,
): MemoryFigures | undefined {
  const m = obj<MemoryStatsView>(memoryStats);
  const usage = count(m?.usage);
  if (m === undefined || usage === undefined) return undefined;
  const stat = obj<MemoryStatView>(m.stats);
  const cache = count(stat?.total_cache) ?? count(stat?.cache) ?? count(stat?.inactive_file) ?? 0;
  // More cache than usage means the two were read at different moments: keep the raw usage.
  const usageBytes = cache <= usage ? usage - cache : usage;
  const limit = count(m.limit);
  const host = hostMemoryBytes !== undefined && hostMemoryBytes > 0 ? hostMemoryBytes : undefined;
  const cgroupLimit = limit !== undefined && limit > 0 && limit < NO_LIMIT ? limit : undefined;
  const limitBytes =
    cgroupLimit !== undefined && (host === undefined || cgroupLimit <= host) ? cgroupLimit : (host ?? 0);
  const figures: MemoryFigures = { usageBytes, limitBytes };
  if (limitBytes > 0) figures.percent = (usageBytes / limitBytes) * 100;
  return figures;
}

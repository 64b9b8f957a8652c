// GET /api/metrics-store/history: range → tier, fallback to neighbouring tiers when empty, and maxPoints
// bucketing (count-weighted average, min of mins, max of maxes).
import {
  HISTORY_TYPE_ALIASES,
  type HistoryQuery,
  type HistoryResponse,
  parseHistoryRange,
} from '@pulse/shared';
import type { HistoryReader } from './history-reader.ts';
import { bucketPoints, emptyPoints, type Points } from './points.ts';
import type { Series } from './series.ts';
import { fallbackTiers, TIER_RESOLUTION, type Tier, tierForDuration, tierName } from './tiers.ts';

/** The stored resource types behind a requested one (aliases expand). */
export function storedTypes(resourceType: string): readonly string[] {
  if (resourceType === 'guest' || resourceType === 'docker') return HISTORY_TYPE_ALIASES[resourceType];
  return [resourceType];
}

/**
 * Reduces points to at most ceil(duration / step) buckets aligned to `from`, where step is
 * ceil(duration / maxPoints); nothing changes when that step is not coarser than the tier's resolution.
 */
export function capPoints(
  p: Points,
  tier: Tier,
  from: number,
  duration: number,
  maxPoints: number | undefined,
): Points {
  if (maxPoints === undefined) return p;
  const step = Math.ceil(duration / maxPoints);
  if (step <= TIER_RESOLUTION[tier]) return p;
  return bucketPoints(p, step, from, Math.ceil(duration / step) - 1);
}

export interface TierRead {
  tier: Tier;
  points: Points;
}

/** Reads the tier the duration asks for, then the others in fallback order until one has points. */
export async function readWithFallback(
  reader: HistoryReader,
  series: Series,
  from: number,
  to: number,
): Promise<TierRead> {
  const first = tierForDuration(to - from);
  for (const tier of [first, ...fallbackTiers(first)]) {
    const points = await reader.read(series, tier, from, to);
    if (points.t.length > 0) return { tier, points };
  }
  return { tier: first, points: emptyPoints() };
}

export async function queryHistory(
  reader: HistoryReader,
  nowMs: number,
  q: HistoryQuery,
): Promise<HistoryResponse> {
  const duration = parseHistoryRange(q.range) ?? 86_400;
  const to = Math.floor(nowMs / 1000);
  const from = to - duration;
  const series = storedTypes(q.resourceType)
    .map((type) => reader.find(type, q.resourceId, q.metric))
    .find((s) => s !== undefined);
  const read = series
    ? await readWithFallback(reader, series, from, to)
    : { tier: tierForDuration(duration), points: emptyPoints() };
  const p = capPoints(read.points, read.tier, from, duration, q.maxPoints);
  return {
    resourceType: q.resourceType,
    resourceId: q.resourceId,
    metric: q.metric,
    range: q.range,
    tier: tierName(read.tier),
    source: 'store',
    points: p.t.map((t, i) => ({
      timestamp: t * 1000,
      value: p.avg[i] ?? 0,
      min: p.min[i] ?? 0,
      max: p.max[i] ?? 0,
    })),
  };
}

// GET /api/metrics-store/history: range → tier, fallback to neighbouring tiers when empty, and maxPoints
// bucketing (count-weighted average, min of mins, max of maxes); one metric, or all of a resource's.
import {
  HISTORY_TYPE_ALIASES,
  type HistoryAllMetricsResponse,
  type HistoryPoint,
  type HistoryQuery,
  type HistoryResponse,
  parseHistoryRange,
} from '@pulse/shared';
import type { HistoryReader } from './history-reader.ts';
import { bucketPoints, emptyPoints, type Points } from './points.ts';
import type { Series } from './series.ts';
import {
  fallbackTiers,
  TIER_RESOLUTION,
  type Tier,
  type TierName,
  tierForDuration,
  tierName,
} from './tiers.ts';

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

/**
 * Reads the tier the duration asks for, then the others in fallback order, each series until a tier has
 * points for it; one read per tier for all series still empty. Series with no points anywhere are absent.
 */
export async function readAllWithFallback(
  reader: HistoryReader,
  list: readonly Series[],
  from: number,
  to: number,
): Promise<Map<number, TierRead>> {
  const first = tierForDuration(to - from);
  const found = new Map<number, TierRead>();
  let missing = list;
  for (const tier of [first, ...fallbackTiers(first)]) {
    if (missing.length === 0) break;
    const read = await reader.readMany(missing, tier, from, to);
    for (const s of missing) {
      const points = read.get(s.id);
      if (points !== undefined && points.t.length > 0) found.set(s.id, { tier, points });
    }
    missing = missing.filter((s) => !found.has(s.id));
  }
  return found;
}

/** The tier that answered one series, or the duration's tier with no points. */
export async function readWithFallback(
  reader: HistoryReader,
  series: Series,
  from: number,
  to: number,
): Promise<TierRead> {
  const found = (await readAllWithFallback(reader, [series], from, to)).get(series.id);
  return found ?? { tier: tierForDuration(to - from), points: emptyPoints() };
}

interface Window {
  duration: number;
  /** Unix seconds. */
  from: number;
  to: number;
}

function windowOf(range: string, nowMs: number): Window {
  const duration = parseHistoryRange(range) ?? 86_400;
  const to = Math.floor(nowMs / 1000);
  return { duration, from: to - duration, to };
}

function toHistoryPoints(read: TierRead, w: Window, maxPoints: number | undefined): HistoryPoint[] {
  const p = capPoints(read.points, read.tier, w.from, w.duration, maxPoints);
  return p.t.map((t, i) => ({
    timestamp: t * 1000,
    value: p.avg[i] ?? 0,
    min: p.min[i] ?? 0,
    max: p.max[i] ?? 0,
  }));
}

/** One metric of one resource; an unknown series answers no points. */
export async function queryHistory(
  reader: HistoryReader,
  nowMs: number,
  q: HistoryQuery & { metric: string },
): Promise<HistoryResponse> {
  const w = windowOf(q.range, nowMs);
  const series = storedTypes(q.resourceType)
    .map((type) => reader.find(type, q.resourceId, q.metric))
    .find((s) => s !== undefined);
  const read = series
    ? await readWithFallback(reader, series, w.from, w.to)
    : { tier: tierForDuration(w.duration), points: emptyPoints() };
  return {
    resourceType: q.resourceType,
    resourceId: q.resourceId,
    metric: q.metric,
    range: q.range,
    start: w.from * 1000,
    end: w.to * 1000,
    tier: tierName(read.tier),
    source: 'store',
    points: toHistoryPoints(read, w, q.maxPoints),
  };
}

/**
 * Every metric of one resource with points in the window, by name. Under an alias (`guest`) a metric
 * stored under several types answers from the first, as the single-metric query does.
 */
export async function queryAllMetrics(
  reader: HistoryReader,
  nowMs: number,
  q: HistoryQuery,
): Promise<HistoryAllMetricsResponse> {
  const w = windowOf(q.range, nowMs);
  const byMetric = new Map<string, Series>();
  for (const type of storedTypes(q.resourceType)) {
    for (const s of reader.findResource(type, q.resourceId)) {
      if (!byMetric.has(s.metric)) byMetric.set(s.metric, s);
    }
  }
  const list = [...byMetric.values()].sort((a, b) => (a.metric < b.metric ? -1 : 1));
  const reads = await readAllWithFallback(reader, list, w.from, w.to);
  const tiers: Record<string, TierName> = {};
  const metrics: Record<string, HistoryPoint[]> = {};
  for (const s of list) {
    const read = reads.get(s.id);
    if (read === undefined) continue;
    tiers[s.metric] = tierName(read.tier);
    metrics[s.metric] = toHistoryPoints(read, w, q.maxPoints);
  }
  return {
    resourceType: q.resourceType,
    resourceId: q.resourceId,
    range: q.range,
    start: w.from * 1000,
    end: w.to * 1000,
    source: 'store',
    tiers,
    metrics,
  };
}

/** The history answer for a validated query: one metric when it names one, else all of them. */
export function historyAnswer(
  reader: HistoryReader,
  nowMs: number,
  q: HistoryQuery,
): Promise<HistoryResponse | HistoryAllMetricsResponse> {
  const { metric } = q;
  return metric === undefined
    ? queryAllMetrics(reader, nowMs, q)
    : queryHistory(reader, nowMs, { ...q, metric });
}

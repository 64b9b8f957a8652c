// GET /api/charts and /api/storage-charts: the stored series of the range, grouped the way the
// dashboard reads them (guests, nodes, storage, Docker containers and hosts, agents), one page at a time.
import {
  type ChartRange,
  type ChartSeriesMap,
  type ChartsQuery,
  type ChartsResponse,
  parseHistoryRange,
  type StorageChartsResponse,
} from '@pulse/shared';
import { chartPage, GROUP_OF_TYPE } from './chart-page.ts';
import type { HistoryReader } from './history-reader.ts';
import { capPoints } from './query.ts';
import type { Series } from './series.ts';
import { type Tier, tierForDuration, tierName } from './tiers.ts';

/** Points per series in storage chart answers; the dashboard draws no more. */
export const CHART_MAX_POINTS = 500;

interface ChartRead {
  maps: Map<string, ChartSeriesMap>;
  stats: ChartsResponse['stats'];
}

async function readCharts(
  reader: HistoryReader,
  list: readonly Series[],
  range: string,
  nowMs: number,
  maxPoints: number,
  groupOf: (s: Series) => string | undefined,
): Promise<ChartRead> {
  const duration = parseHistoryRange(range) ?? 3600;
  const to = Math.floor(nowMs / 1000);
  const from = to - duration;
  const tier: Tier = tierForDuration(duration);
  const points = await reader.readMany(list, tier, from, to);
  const maps = new Map<string, ChartSeriesMap>();
  let oldest: number | null = null;
  let pointCount = 0;
  let seriesCount = 0;
  for (const s of list) {
    const group = groupOf(s);
    const raw = points.get(s.id);
    if (!group || !raw || raw.t.length === 0) continue;
    // Bucketing only ever shrinks an answer: a series already within the budget keeps its own timestamps.
    const p = raw.t.length <= maxPoints ? raw : capPoints(raw, tier, from, duration, maxPoints);
    const map = maps.get(group) ?? {};
    maps.set(group, map);
    const metrics = map[s.resourceId] ?? {};
    map[s.resourceId] = metrics;
    metrics[s.metric] = p.t.map((t, i) => ({ timestamp: t * 1000, value: p.avg[i] ?? 0 }));
    pointCount += p.t.length;
    seriesCount++;
    const first = (p.t[0] ?? to) * 1000;
    if (oldest === null || first < oldest) oldest = first;
  }
  return {
    maps,
    stats: { oldestDataTimestamp: oldest, range, tier: tierName(tier), seriesCount, pointCount },
  };
}

export async function chartData(
  reader: HistoryReader,
  query: ChartsQuery,
  nowMs: number,
): Promise<ChartsResponse> {
  const { series, meta } = chartPage(reader.dictionary.all(), query);
  const { maps, stats } = await readCharts(
    reader,
    series,
    query.range,
    nowMs,
    meta.maxPoints,
    (s) => GROUP_OF_TYPE[s.resourceType],
  );
  const guestTypes: ChartsResponse['guestTypes'] = {};
  for (const s of series) {
    if (s.resourceType === 'vm' || s.resourceType === 'container') guestTypes[s.resourceId] = s.resourceType;
  }
  return {
    data: maps.get('data') ?? {},
    nodeData: maps.get('nodeData') ?? {},
    storageData: maps.get('storageData') ?? {},
    dockerData: maps.get('dockerData') ?? {},
    dockerHostData: maps.get('dockerHostData') ?? {},
    agentData: maps.get('agentData') ?? {},
    guestTypes,
    timestamp: nowMs,
    stats,
    meta,
  };
}

export async function storageChartData(
  reader: HistoryReader,
  range: ChartRange,
  nowMs: number,
): Promise<StorageChartsResponse> {
  const list = reader.dictionary.all().filter((s) => s.resourceType === 'storage');
  const { maps, stats } = await readCharts(reader, list, range, nowMs, CHART_MAX_POINTS, () => 'storageData');
  return { storageData: maps.get('storageData') ?? {}, timestamp: nowMs, stats };
}

// GET /api/charts and /api/storage-charts: every stored series of the range, grouped the way the
// dashboard reads them (guests, nodes, storage, Docker containers and hosts, agents).
import {
  type ChartRange,
  type ChartSeriesMap,
  type ChartsResponse,
  parseHistoryRange,
  type StorageChartsResponse,
} from '@pulse/shared';
import type { HistoryReader } from './history-reader.ts';
import { capPoints } from './query.ts';
import type { Series } from './series.ts';
import { type Tier, tierForDuration, tierName } from './tiers.ts';

/** Points per series in chart answers; the dashboard draws no more. */
export const CHART_MAX_POINTS = 500;

const GROUP_OF_TYPE: Readonly<
  Record<string, keyof Omit<ChartsResponse, 'guestTypes' | 'timestamp' | 'stats'>>
> = {
  vm: 'data',
  container: 'data',
  node: 'nodeData',
  storage: 'storageData',
  dockerContainer: 'dockerData',
  dockerHost: 'dockerHostData',
  agent: 'agentData',
};

interface ChartRead {
  maps: Map<string, ChartSeriesMap>;
  stats: ChartsResponse['stats'];
}

async function readCharts(
  reader: HistoryReader,
  list: readonly Series[],
  range: string,
  nowMs: number,
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
    const p = capPoints(raw, tier, from, duration, CHART_MAX_POINTS);
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
  range: ChartRange,
  nowMs: number,
): Promise<ChartsResponse> {
  const list = reader.dictionary.all().filter((s) => s.resourceType in GROUP_OF_TYPE);
  const { maps, stats } = await readCharts(reader, list, range, nowMs, (s) => GROUP_OF_TYPE[s.resourceType]);
  const guestTypes: ChartsResponse['guestTypes'] = {};
  for (const s of list) {
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
  };
}

export async function storageChartData(
  reader: HistoryReader,
  range: ChartRange,
  nowMs: number,
): Promise<StorageChartsResponse> {
  const list = reader.dictionary.all().filter((s) => s.resourceType === 'storage');
  const { maps, stats } = await readCharts(reader, list, range, nowMs, () => 'storageData');
  return { storageData: maps.get('storageData') ?? {}, timestamp: nowMs, stats };
}

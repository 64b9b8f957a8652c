// Metrics history reads: /api/charts, /api/storage-charts, /api/metrics-store/stats and /history.
import { ChartsQuery, HistoryQuery, type MetricsStoreStats, StorageChartsQuery } from '@pulse/shared';
import type { AppDeps } from '../../deps.ts';
import { chartData, storageChartData } from '../../history/charts.ts';
import { historyAnswer } from '../../history/query.ts';
import { parseQuery } from '../../http/body.ts';
import { type RouteSpec, route } from '../route.ts';

export function historyRoutes({ history, clock }: AppDeps): RouteSpec[] {
  return [
    route('GET', '/api/charts', 'monitoring:read', async (c) => {
      return c.json(await chartData(history.reader, parseQuery(ChartsQuery, c.req.query()), clock.now()));
    }),
    route('GET', '/api/storage-charts', 'monitoring:read', async (c) => {
      const { range } = parseQuery(StorageChartsQuery, c.req.query());
      return c.json(await storageChartData(history.reader, range, clock.now()));
    }),
    route('GET', '/api/metrics-store/stats', 'monitoring:read', async (c) => {
      const s = await history.stats();
      const body: MetricsStoreStats = {
        dbSizeBytes: s.dbBytes,
        freeBytes: s.freeBytes,
        seriesCount: s.series,
        bufferedSamples: s.pendingSamples,
        tiers: s.tiers.map((t) => ({
          tier: t.tier,
          samples: t.points,
          blocks: t.blocks,
          payloadBytes: t.payloadBytes,
        })),
        retention: history.retention,
      };
      return c.json(body);
    }),
    route('GET', '/api/metrics-store/history', 'monitoring:read', async (c) =>
      c.json(await historyAnswer(history.reader, clock.now(), parseQuery(HistoryQuery, c.req.query()))),
    ),
  ];
}

// Metrics history: chart and history answers, their query strings, and the system settings that bound them.
import { z } from 'zod';

/** Resource types the history stores; `guest` and `docker` are accepted aliases in queries. */
export const HISTORY_RESOURCE_TYPES = [
  'agent',
  'node',
  'vm',
  'container',
  'storage',
  'dockerHost',
  'dockerContainer',
  'k8s',
  'disk',
  'pool',
  'dataset',
  'ceph',
] as const;
export type HistoryResourceType = (typeof HISTORY_RESOURCE_TYPES)[number];
export const HISTORY_TYPE_ALIASES = { guest: ['vm', 'container'], docker: ['dockerContainer'] } as const;
const acceptedTypes = [
  ...HISTORY_RESOURCE_TYPES,
  ...(Object.keys(HISTORY_TYPE_ALIASES) as Array<'guest' | 'docker'>),
];

export const CHART_RANGES = ['5m', '15m', '30m', '1h', '4h', '12h', '24h', '7d'] as const;
export type ChartRange = (typeof CHART_RANGES)[number];

export const HISTORY_MAX_POINTS = { min: 1, max: 5000 } as const;
/** The longest history range a query may ask for. */
export const HISTORY_MAX_RANGE_SECONDS = 365 * 86_400;
const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** `30m`, `6h`, `1d`, `90d`, or compounds like `1h30m`; undefined when unreadable. */
export function parseHistoryRange(raw: string): number | undefined {
  if (!/^(\d+[smhd])+$/.test(raw)) return undefined;
  let seconds = 0;
  for (const m of raw.matchAll(/(\d+)([smhd])/g)) seconds += Number(m[1]) * (UNIT_SECONDS[m[2] ?? ''] ?? 0);
  return seconds;
}

const metricHint =
  'metric must be a metric name such as cpu, memory, disk, netin (up to 64 of A-Z a-z 0-9 _ . : -), or left out for every metric';
const rangeHint = `range must be 30m, 1h, 6h, 12h, 24h, 1d, 7d, 30d or 90d, or <N>m, <N>h, <N>d between 1m and 365d`;

export const HistoryQuery = z.object({
  resourceType: z.enum(acceptedTypes, { error: `resourceType must be one of ${acceptedTypes.join(', ')}` }),
  resourceId: z.string({ error: 'resourceId is required' }).trim().min(1, 'resourceId is required'),
  /** Undefined (left out or empty): every metric of the resource. */
  metric: z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
    z
      .string({ error: metricHint })
      .trim()
      .regex(/^[A-Za-z0-9_.:-]{1,64}$/, metricHint)
      .optional(),
  ),
  range: z
    .string()
    .default('24h')
    .refine((r) => {
      const s = parseHistoryRange(r);
      return s !== undefined && s >= 60 && s <= HISTORY_MAX_RANGE_SECONDS;
    }, rangeHint),
  maxPoints: z.coerce
    .number({
      error: `maxPoints must be an integer from ${HISTORY_MAX_POINTS.min} to ${HISTORY_MAX_POINTS.max}`,
    })
    .int(`maxPoints must be an integer from ${HISTORY_MAX_POINTS.min} to ${HISTORY_MAX_POINTS.max}`)
    .min(
      HISTORY_MAX_POINTS.min,
      `maxPoints must be an integer from ${HISTORY_MAX_POINTS.min} to ${HISTORY_MAX_POINTS.max}`,
    )
    .max(
      HISTORY_MAX_POINTS.max,
      `maxPoints must be an integer from ${HISTORY_MAX_POINTS.min} to ${HISTORY_MAX_POINTS.max}`,
    )
    .optional(),
});
export type HistoryQuery = z.infer<typeof HistoryQuery>;

export const HistoryPoint = z.object({
  timestamp: z.number(),
  value: z.number(),
  min: z.number(),
  max: z.number(),
});
export type HistoryPoint = z.infer<typeof HistoryPoint>;

const HistoryTier = z.enum(['raw', 'minute', 'hourly', 'daily']);

/** The answer with `metric`: one series. */
export const HistoryResponse = z.object({
  resourceType: z.string(),
  resourceId: z.string(),
  metric: z.string(),
  range: z.string(),
  /** The window read, epoch ms: points fall within [start, end]. */
  start: z.number(),
  end: z.number(),
  /** Which tier answered, after fallbacks. */
  tier: HistoryTier,
  source: z.enum(['store', 'memory']),
  points: z.array(HistoryPoint),
});
export type HistoryResponse = z.infer<typeof HistoryResponse>;

/** The answer without `metric`: every metric of the resource with points in the window, by name. */
export const HistoryAllMetricsResponse = z.object({
  resourceType: z.string(),
  resourceId: z.string(),
  range: z.string(),
  start: z.number(),
  end: z.number(),
  source: z.enum(['store', 'memory']),
  /** metric → which tier answered it (each metric falls back on its own). */
  tiers: z.record(z.string(), HistoryTier),
  metrics: z.record(z.string(), z.array(HistoryPoint)),
});
export type HistoryAllMetricsResponse = z.infer<typeof HistoryAllMetricsResponse>;

export const StorageChartsQuery = z.object({
  range: z.enum(CHART_RANGES, { error: `range must be one of ${CHART_RANGES.join(', ')}` }).default('1h'),
});

/** The groups of a charts answer, in the order they are answered. */
export const CHART_GROUPS = [
  'data',
  'nodeData',
  'storageData',
  'dockerData',
  'dockerHostData',
  'agentData',
] as const;
export type ChartGroup = (typeof CHART_GROUPS)[number];

/**
 * Defaults keep a 1,000-host + 20,000-container fleet's answer near 1 MB (25 resources × ≤ 8 metrics ×
 * 60 points × ~42 bytes per group); the maxima bound what one explicit request can ask for.
 */
/**
 * Chart answer bounds. Without `maxPoints` and `limit`, an answer holds about `pointBudget` points
 * (~2 MB): a fleet whose every series fits in it at `minDefaultPoints` each gets all of them, with as
 * many points as the budget allows (at most `maxPoints.max`); a larger fleet gets one page of
 * `limit.default` resources per group at `minDefaultPoints`.
 */
export const CHART_LIMITS = {
  pointBudget: 50_000,
  minDefaultPoints: 60,
  maxPoints: { max: 500 },
  limit: { default: 25, max: 200 },
} as const;

function intParam(name: string, min: number, max: number) {
  const hint = `${name} must be an integer from ${min} to ${max}`;
  return z.coerce.number({ error: hint }).int(hint).min(min, hint).max(max, hint);
}

const chartTypeHint = `type must be a comma-separated list of ${acceptedTypes.join(', ')}`;

export const ChartsQuery = StorageChartsQuery.extend({
  /** Points per series at most; a series with fewer stored points is answered as stored. */
  maxPoints: intParam('maxPoints', 1, CHART_LIMITS.maxPoints.max).optional(),
  /** Resources per group per page, ordered by id; left out, every resource when the fleet fits the budget. */
  limit: intParam('limit', 1, CHART_LIMITS.limit.max).optional(),
  /** 1-based page of `limit` resources in every group. */
  page: intParam('page', 1, 1_000_000).default(1),
  /** Resource types to answer (aliases `guest`, `docker` expand); left out: every type. */
  type: z
    .string({ error: chartTypeHint })
    .transform((v) =>
      v
        .split(',')
        .map((t) => t.trim())
        .filter((t) => t !== ''),
    )
    .pipe(z.array(z.enum(acceptedTypes, { error: chartTypeHint })).min(1, chartTypeHint))
    .optional(),
});
export type ChartsQuery = z.infer<typeof ChartsQuery>;

export const ChartPoint = z.object({ timestamp: z.number(), value: z.number() });
export type ChartPoint = z.infer<typeof ChartPoint>;
/** resource id → metric → points. */
export const ChartSeriesMap = z.record(z.string(), z.record(z.string(), z.array(ChartPoint)));
export type ChartSeriesMap = z.infer<typeof ChartSeriesMap>;

export const ChartStats = z.object({
  oldestDataTimestamp: z.number().nullable(),
  range: z.string(),
  tier: z.string(),
  seriesCount: z.number(),
  pointCount: z.number(),
});

export const ChartGroupCount = z.object({
  /** Resources of the group with stored series (after `type`). */
  total: z.number(),
  /** Resources of the group on this page. */
  returned: z.number(),
});
export type ChartGroupCount = z.infer<typeof ChartGroupCount>;

export const ChartsMeta = z.object({
  /** True when some group has resources beyond this page. */
  capped: z.boolean(),
  maxPoints: z.number(),
  limit: z.number(),
  page: z.number(),
  groups: z.object({
    data: ChartGroupCount,
    nodeData: ChartGroupCount,
    storageData: ChartGroupCount,
    dockerData: ChartGroupCount,
    dockerHostData: ChartGroupCount,
    agentData: ChartGroupCount,
  }),
});
export type ChartsMeta = z.infer<typeof ChartsMeta>;

export const ChartsResponse = z.object({
  data: ChartSeriesMap,
  nodeData: ChartSeriesMap,
  storageData: ChartSeriesMap,
  dockerData: ChartSeriesMap,
  dockerHostData: ChartSeriesMap,
  agentData: ChartSeriesMap,
  /** Guest id → `vm` or `container` (LXC). */
  guestTypes: z.record(z.string(), z.enum(['vm', 'container'])),
  timestamp: z.number(),
  stats: ChartStats,
  /** What the answer left out; absent from servers that answered every series. */
  meta: ChartsMeta.optional(),
});
export type ChartsResponse = z.infer<typeof ChartsResponse>;

export const StorageChartsResponse = z.object({
  storageData: ChartSeriesMap,
  timestamp: z.number(),
  stats: ChartStats,
});
export type StorageChartsResponse = z.infer<typeof StorageChartsResponse>;

export const MetricsStoreStats = z.object({
  dbSizeBytes: z.number(),
  freeBytes: z.number(),
  seriesCount: z.number(),
  /** Recorded but not yet written (flushed every few seconds). */
  bufferedSamples: z.number(),
  tiers: z.array(
    z.object({
      tier: z.enum(['raw', 'minute', 'hourly', 'daily']),
      samples: z.number(),
      blocks: z.number(),
      payloadBytes: z.number(),
    }),
  ),
  retention: z.object({
    rawHours: z.number(),
    minuteHours: z.number(),
    hourlyDays: z.number(),
    dailyDays: z.number(),
  }),
});
export type MetricsStoreStats = z.infer<typeof MetricsStoreStats>;

/** GET /api/config/system: read-only system settings. */
export const SystemConfigResponse = z.object({
  metricsRetentionRawHours: z.number(),
  metricsRetentionMinuteHours: z.number(),
  metricsRetentionHourlyDays: z.number(),
  metricsRetentionDailyDays: z.number(),
});
export type SystemConfigResponse = z.infer<typeof SystemConfigResponse>;

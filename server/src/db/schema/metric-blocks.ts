// Per-series raw blocks of the layout before raw slabs (history/block-codec.ts): a store upgraded from it
// keeps reading, rolling up and pruning them until the raw retention has dropped the last one. Nothing
// writes here any more; the rollup tiers have their tables in metric-rollups.ts.
import { blob, index, integer, primaryKey, sqliteTable } from 'drizzle-orm/sqlite-core';

export const metricBlocks = sqliteTable(
  'metric_blocks',
  {
    seriesId: integer('series_id').notNull(),
    /** 0 raw, 1 minute, 2 hourly, 3 daily. */
    tier: integer('tier').notNull(),
    /** Unix seconds of the first and last point in the block. */
    startTs: integer('start_ts').notNull(),
    endTs: integer('end_ts').notNull(),
    count: integer('count').notNull(),
    data: blob('data', { mode: 'buffer' }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.seriesId, t.tier, t.startTs] }),
    // Retention and rollups walk a tier by age.
    index('metric_blocks_tier_end').on(t.tier, t.endTs),
  ],
);

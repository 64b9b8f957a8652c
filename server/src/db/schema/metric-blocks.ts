// Packed history: one row per series, tier and time block, its points encoded in `data` (history/block-codec.ts).
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

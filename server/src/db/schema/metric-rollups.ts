// The rollup tiers of the metrics history, one table each: one row per series and span (an hour of minute
// points, a day of hourly points, a week of daily points), its points encoded in `data`
// (history/block-codec.ts). The row id is (start_ts / 60) × 2^24 + series_id, so rows sit in time order:
// each rollup appends at the end of its table and retention deletes from its start, and neither rewrites
// pages across the table.
import { blob, integer, sqliteTable } from 'drizzle-orm/sqlite-core';

function rollupTable(name: string) {
  return sqliteTable(name, {
    id: integer('id').primaryKey(),
    seriesId: integer('series_id').notNull(),
    /** Unix seconds the block's span starts at (a multiple of the tier's span). */
    startTs: integer('start_ts').notNull(),
    /** Unix seconds of the last point in the block. */
    endTs: integer('end_ts').notNull(),
    count: integer('count').notNull(),
    data: blob('data', { mode: 'buffer' }).notNull(),
  });
}

export const metricMinute = rollupTable('metric_minute');
export const metricHourly = rollupTable('metric_hourly');
export const metricDaily = rollupTable('metric_daily');

// Flushed samples not yet sealed into blocks: one row per flush, replayed after a restart.
import { blob, integer, sqliteTable } from 'drizzle-orm/sqlite-core';

export const metricSegments = sqliteTable('metric_segments', {
  id: integer('id').primaryKey(),
  /** Unix seconds of the newest sample; the row goes once every sample in it is sealed. */
  maxTs: integer('max_ts').notNull(),
  data: blob('data', { mode: 'buffer' }).notNull(),
});

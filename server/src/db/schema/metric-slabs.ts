// Raw history: one row per slab (two minutes) and chunk of 128 series ids, their samples packed in `data`
// (history/slab-codec.ts). The row id is start_ts × 65,536 + chunk, so rows sit in time order and each
// seal appends at the end of the table.
import { blob, integer, sqliteTable } from 'drizzle-orm/sqlite-core';

export const metricSlabs = sqliteTable('metric_slabs', {
  id: integer('id').primaryKey(),
  /** Unix seconds the slab starts at (a multiple of its span). */
  startTs: integer('start_ts').notNull(),
  /** Series ids chunk × 128 to chunk × 128 + 127. */
  chunk: integer('chunk').notNull(),
  /** Samples in the row. */
  count: integer('count').notNull(),
  data: blob('data', { mode: 'buffer' }).notNull(),
});

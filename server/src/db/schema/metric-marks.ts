// Progress marks of the metrics history (sealed until, rolled up until per tier), in unix seconds.
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const metricMarks = sqliteTable('metric_marks', {
  key: text('key').primaryKey(),
  value: integer('value').notNull(),
});

// The metrics history's series dictionary: one small integer id per (resource type, resource id, metric).
import { integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

export const metricSeries = sqliteTable(
  'metric_series',
  {
    id: integer('id').primaryKey(),
    resourceType: text('resource_type').notNull(),
    resourceId: text('resource_id').notNull(),
    metric: text('metric').notNull(),
  },
  (t) => [uniqueIndex('metric_series_key').on(t.resourceType, t.resourceId, t.metric)],
);

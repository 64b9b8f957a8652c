// Agents (hosts, Docker hosts, Kubernetes clusters) removed by an admin: blocked from reporting for 24 h.
import { integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const removedAgents = sqliteTable(
  'removed_agents',
  {
    kind: text('kind').notNull(),
    id: text('id').notNull(),
    name: text('name').notNull(),
    removedAt: integer('removed_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.kind, t.id] })],
);

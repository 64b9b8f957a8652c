// Notes, tags and a custom URL that users attach to a host, a Docker host or a container.
import { integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const resourceMetadata = sqliteTable(
  'resource_metadata',
  {
    kind: text('kind').notNull(),
    id: text('id').notNull(),
    customUrl: text('custom_url').notNull().default(''),
    description: text('description').notNull().default(''),
    tags: text('tags', { mode: 'json' }).$type<string[]>().notNull(),
    notes: text('notes', { mode: 'json' }).$type<string[]>().notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.kind, t.id] })],
);

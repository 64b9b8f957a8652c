// Notes, tags and a custom URL that users attach to a host.
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const hostMetadata = sqliteTable('host_metadata', {
  hostId: text('host_id').primaryKey(),
  customUrl: text('custom_url').notNull().default(''),
  description: text('description').notNull().default(''),
  tags: text('tags', { mode: 'json' }).$type<string[]>().notNull(),
  notes: text('notes', { mode: 'json' }).$type<string[]>().notNull(),
  updatedAt: integer('updated_at').notNull(),
});

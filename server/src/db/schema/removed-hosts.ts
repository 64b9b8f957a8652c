// Hosts removed by an admin: their identity may not report again for 24 h unless re-enrolment is allowed.
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const removedHosts = sqliteTable('removed_hosts', {
  hostId: text('host_id').primaryKey(),
  hostname: text('hostname').notNull(),
  removedAt: integer('removed_at').notNull(),
});

// Admin decisions on which Proxmox node an agent host runs on; a null node means "never link this host".
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const hostLinks = sqliteTable('host_links', {
  hostId: text('host_id').primaryKey(),
  nodeId: text('node_id'),
  updatedAt: integer('updated_at').notNull(),
});

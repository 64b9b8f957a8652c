// Which token and hostname each host id belongs to, so clones and renames are told apart across restarts.
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const hostIdentities = sqliteTable('host_identities', {
  hostId: text('host_id').primaryKey(),
  hostname: text('hostname').notNull(),
  tokenId: text('token_id'),
  machineId: text('machine_id'),
  agentId: text('agent_id').notNull(),
  firstSeen: integer('first_seen').notNull(),
  lastSeen: integer('last_seen').notNull(),
});

// Per-agent admin choices that outlive a restart: hidden, pending uninstall, display name, token binding.
import { integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const agentSettings = sqliteTable(
  'agent_settings',
  {
    kind: text('kind').notNull(),
    id: text('id').notNull(),
    hidden: integer('hidden', { mode: 'boolean' }).notNull().default(false),
    pendingUninstall: integer('pending_uninstall', { mode: 'boolean' }).notNull().default(false),
    displayName: text('display_name'),
    /** The token this agent reports with; a Docker agent may not share it with another. */
    tokenId: text('token_id'),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.kind, t.id] })],
);

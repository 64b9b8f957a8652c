// The last known state of every agent-fed resource (host, Docker host, Kubernetes cluster), so that a
// restart shows them offline instead of forgetting them, and keeps their place in the report order.
import { integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const agentInventory = sqliteTable(
  'agent_inventory',
  {
    kind: text('kind').notNull(),
    id: text('id').notNull(),
    /** The live state's item as JSON, read back through its shared schema. */
    item: text('item').notNull(),
    tokenId: text('token_id'),
    lastSeen: integer('last_seen').notNull(),
    reportedAt: integer('reported_at').notNull(),
    /** The last applied `v1:<stream>:<seq>` position of a host agent, so an older replay is not applied. */
    streamId: text('stream_id'),
    streamSeq: integer('stream_seq'),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.kind, t.id] })],
);

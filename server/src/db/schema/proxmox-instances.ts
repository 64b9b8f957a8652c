// Configured Proxmox VE, Backup Server and Mail Gateway connections. Secrets are sealed (AES-256-GCM).
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const proxmoxInstances = sqliteTable('proxmox_instances', {
  id: text('id').primaryKey(),
  /** pve | pbs | pmg */
  type: text('type').notNull(),
  name: text('name').notNull(),
  host: text('host').notNull(),
  guestUrl: text('guest_url'),
  user: text('user'),
  tokenName: text('token_name'),
  /** Sealed JSON {password?, tokenValue?}; never leaves the server. */
  secret: text('secret').notNull(),
  verifySsl: integer('verify_ssl', { mode: 'boolean' }).notNull(),
  fingerprint: text('fingerprint'),
  /** JSON of the monitor toggles and per-instance options. */
  options: text('options').notNull(),
  /** JSON of what cluster discovery found: name and member endpoints. */
  cluster: text('cluster'),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

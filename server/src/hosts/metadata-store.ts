// Host metadata (notes, tags, custom URL): cached in memory, written through to host_metadata.
import type { HostMetadata, HostMetadataInput } from '@pulse/shared';
import { eq } from 'drizzle-orm';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/client.ts';
import { hostMetadata } from '../db/schema/index.ts';

function empty(id: string): HostMetadata {
  return { id, customUrl: '', description: '', tags: [], notes: [], updatedAt: null };
}

export class HostMetadataStore {
  private readonly byId = new Map<string, HostMetadata>();

  private readonly db: Db;
  private readonly clock: Clock;

  private constructor(db: Db, clock: Clock) {
    this.db = db;
    this.clock = clock;
  }

  static async load(db: Db, clock: Clock): Promise<HostMetadataStore> {
    const store = new HostMetadataStore(db, clock);
    for (const row of await db.select().from(hostMetadata)) {
      store.byId.set(row.hostId, {
        id: row.hostId,
        customUrl: row.customUrl,
        description: row.description,
        tags: row.tags,
        notes: row.notes,
        updatedAt: new Date(row.updatedAt).toISOString(),
      });
    }
    return store;
  }

  all(): Record<string, HostMetadata> {
    return Object.fromEntries(this.byId);
  }

  find(id: string): HostMetadata | undefined {
    return this.byId.get(id);
  }

  /** The stored record, or an empty one: a host without metadata is not an error. */
  get(id: string): HostMetadata {
    return this.byId.get(id) ?? empty(id);
  }

  /** Fields left out of the input keep their stored value. */
  async put(id: string, input: HostMetadataInput): Promise<HostMetadata> {
    const current = this.get(id);
    const now = this.clock.now();
    const next: HostMetadata = {
      id,
      customUrl: input.customUrl ?? current.customUrl,
      description: input.description ?? current.description,
      tags: input.tags ? [...new Set(input.tags)] : current.tags,
      notes: input.notes ?? current.notes,
      updatedAt: new Date(now).toISOString(),
    };
    const row = {
      hostId: id,
      customUrl: next.customUrl,
      description: next.description,
      tags: next.tags,
      notes: next.notes,
      updatedAt: now,
    };
    await this.db
      .insert(hostMetadata)
      .values(row)
      .onConflictDoUpdate({ target: hostMetadata.hostId, set: row });
    this.byId.set(id, next);
    return next;
  }

  async delete(id: string): Promise<boolean> {
    if (!this.byId.has(id)) return false;
    await this.db.delete(hostMetadata).where(eq(hostMetadata.hostId, id));
    this.byId.delete(id);
    return true;
  }
}

// User-kept metadata (notes, tags, custom URL) per host, Docker host or container: cached in memory,
// written through to resource_metadata.
import type { HostMetadata, HostMetadataInput } from '@pulse/shared';
import { and, eq } from 'drizzle-orm';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/client.ts';
import { resourceMetadata } from '../db/schema/index.ts';

export const METADATA_KINDS = ['host', 'docker-host', 'docker-container', 'guest'] as const;
export type MetadataKind = (typeof METADATA_KINDS)[number];

function isKind(v: string): v is MetadataKind {
  return (METADATA_KINDS as readonly string[]).includes(v);
}

function empty(id: string): HostMetadata {
  return { id, customUrl: '', description: '', tags: [], notes: [], updatedAt: null };
}

export class MetadataStore {
  private readonly byKind = new Map<MetadataKind, Map<string, HostMetadata>>();
  private readonly db: Db;
  private readonly clock: Clock;
  private changes = 0;

  private constructor(db: Db, clock: Clock) {
    this.db = db;
    this.clock = clock;
  }

  static async load(db: Db, clock: Clock): Promise<MetadataStore> {
    const store = new MetadataStore(db, clock);
    for (const row of await db.select().from(resourceMetadata)) {
      if (!isKind(row.kind)) continue;
      store.map(row.kind).set(row.id, {
        id: row.id,
        customUrl: row.customUrl,
        description: row.description,
        tags: row.tags,
        notes: row.notes,
        updatedAt: new Date(row.updatedAt).toISOString(),
      });
    }
    return store;
  }

  private map(kind: MetadataKind): Map<string, HostMetadata> {
    let m = this.byKind.get(kind);
    if (!m) {
      m = new Map();
      this.byKind.set(kind, m);
    }
    return m;
  }

  all(kind: MetadataKind): Record<string, HostMetadata> {
    return Object.fromEntries(this.map(kind));
  }

  /** Moves on every change, so a reader that keeps a projection knows when to redo it. */
  get revision(): number {
    return this.changes;
  }

  find(kind: MetadataKind, id: string): HostMetadata | undefined {
    return this.map(kind).get(id);
  }

  /** Everything the resource projections need, in one call. */
  forResources(): {
    agentHosts: Record<string, HostMetadata>;
    hosts: Record<string, HostMetadata>;
    containers: Record<string, HostMetadata>;
    guests: Record<string, HostMetadata>;
  } {
    return {
      agentHosts: this.all('host'),
      hosts: this.all('docker-host'),
      containers: this.all('docker-container'),
      guests: this.all('guest'),
    };
  }

  /** The stored record, or an empty one: a resource without metadata is not an error. */
  get(kind: MetadataKind, id: string): HostMetadata {
    return this.map(kind).get(id) ?? empty(id);
  }

  /** Fields left out of the input keep their stored value. */
  async put(kind: MetadataKind, id: string, input: HostMetadataInput): Promise<HostMetadata> {
    const current = this.get(kind, id);
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
      kind,
      id,
      customUrl: next.customUrl,
      description: next.description,
      tags: next.tags,
      notes: next.notes,
      updatedAt: now,
    };
    await this.db
      .insert(resourceMetadata)
      .values(row)
      .onConflictDoUpdate({ target: [resourceMetadata.kind, resourceMetadata.id], set: row });
    this.map(kind).set(id, next);
    this.changes++;
    return next;
  }

  async delete(kind: MetadataKind, id: string): Promise<boolean> {
    if (!this.map(kind).has(id)) return false;
    await this.db
      .delete(resourceMetadata)
      .where(and(eq(resourceMetadata.kind, kind), eq(resourceMetadata.id, id)));
    this.map(kind).delete(id);
    this.changes++;
    return true;
  }
}

// Explicit agent host ↔ Proxmox node links set by an admin, persisted; inference fills in the rest.
import { eq } from 'drizzle-orm';
import type { Clock } from '../../clock.ts';
import type { Db } from '../../db/client.ts';
import { hostLinks } from '../../db/schema/index.ts';
import type { ExplicitLinks } from '../../state/node-links.ts';

export class HostLinkStore {
  private readonly db: Db;
  private readonly clock: Clock;
  private readonly links = new Map<string, string>();
  private readonly unlinked = new Set<string>();
  private changes = 0;

  private constructor(db: Db, clock: Clock) {
    this.db = db;
    this.clock = clock;
  }

  static async load(db: Db, clock: Clock): Promise<HostLinkStore> {
    const store = new HostLinkStore(db, clock);
    for (const row of await db.select().from(hostLinks)) {
      if (row.nodeId === null) store.unlinked.add(row.hostId);
      else store.links.set(row.hostId, row.nodeId);
    }
    return store;
  }

  /** Moves on every change, so a reader that keeps a projection knows when to redo it. */
  get revision(): number {
    return this.changes;
  }

  current(): ExplicitLinks {
    return { links: this.links, unlinked: this.unlinked };
  }

  /** Links a host to a node; any other host linked to that node lets go of it. */
  async link(hostId: string, nodeId: string): Promise<void> {
    for (const [other, node] of this.links)
      if (node === nodeId && other !== hostId) await this.save(other, null);
    await this.save(hostId, nodeId);
  }

  /** Unlinks a host and stops inference from linking it again. */
  async unlink(hostId: string): Promise<void> {
    await this.save(hostId, null);
  }

  /** Forgets the admin's choice for a removed host. */
  async forget(hostId: string): Promise<void> {
    this.links.delete(hostId);
    this.unlinked.delete(hostId);
    this.changes++;
    await this.db.delete(hostLinks).where(eq(hostLinks.hostId, hostId));
  }

  private async save(hostId: string, nodeId: string | null): Promise<void> {
    const updatedAt = this.clock.now();
    await this.db
      .insert(hostLinks)
      .values({ hostId, nodeId, updatedAt })
      .onConflictDoUpdate({ target: hostLinks.hostId, set: { nodeId, updatedAt } });
    if (nodeId === null) {
      this.links.delete(hostId);
      this.unlinked.add(hostId);
    } else {
      this.unlinked.delete(hostId);
      this.links.set(hostId, nodeId);
    }
    this.changes++;
  }
}

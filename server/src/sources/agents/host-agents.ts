// Host agents as a domain: report ingest, lookup, removal, re-enrolment and the online → offline sweep.
import type { HostReport, HostState } from '@pulse/shared';
import { hostOfflineAfterMs } from '@pulse/shared';
import type { TokenRecord } from '../../security/tokens.ts';
import { type HostAgentsDeps, HostIngest, type HostReportResult } from './host-ingest.ts';
import type { StreamPosition } from './report-order.ts';

export class HostAgents {
  private readonly ingestor: HostIngest;
  private readonly deps: HostAgentsDeps;

  constructor(deps: HostAgentsDeps) {
    this.deps = deps;
    this.ingestor = new HostIngest(deps);
  }

  ingest(report: HostReport, token: TokenRecord | undefined): Promise<HostReportResult> {
    return this.ingestor.ingest(report, token);
  }

  positionOf(hostId: string): StreamPosition | undefined {
    return this.ingestor.positionOf(hostId);
  }

  restoreCursor(hostId: string, reportedAt: number, position: StreamPosition | undefined): void {
    this.ingestor.restoreCursor(hostId, reportedAt, position);
  }

  /** By id first, then by hostname or display name (case-insensitive). */
  lookup(query: { id?: string; hostname?: string }): HostState | undefined {
    const { state } = this.deps;
    if (query.id) {
      const byId = state.hosts.get(query.id) ?? state.hosts.list().find((h) => h.agentId === query.id);
      if (byId) return byId;
    }
    if (query.hostname) {
      const name = query.hostname.toLowerCase();
      return state.hosts
        .list()
        .find((h) => h.hostname.toLowerCase() === name || h.displayName.toLowerCase() === name);
    }
    return undefined;
  }

  /** Removes the host from the state and blocks its identity for 24 h; false when unknown. */
  async remove(hostId: string): Promise<boolean> {
    const { state, identities, clock } = this.deps;
    const host = state.hosts.get(hostId);
    if (!host && !identities.knows(hostId)) return false;
    const now = clock.now();
    await identities.remove(hostId, host?.hostname ?? hostId, now);
    this.ingestor.forget(hostId);
    state.hosts.remove(hostId, now);
    return true;
  }

  allowReenroll(hostId: string): Promise<boolean> {
    return this.deps.blocks.allow('host', hostId);
  }

  /** Marks hosts offline once they miss clamp(interval × 6, 60 s, 10 min). Returns how many flipped. */
  sweep(): number {
    const { state, clock } = this.deps;
    const now = clock.now();
    let flipped = 0;
    for (const host of state.hosts.list()) {
      if (host.status !== 'online') continue;
      if (now - Date.parse(host.lastSeen) > hostOfflineAfterMs(host.intervalSeconds)) {
        state.hosts.patch(host.id, { status: 'offline' }, now);
        flipped++;
      }
    }
    return flipped;
  }
}

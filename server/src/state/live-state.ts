// The single in-memory owner of what is true now, with a change feed. No timers, no I/O.
import type { HostState, HostStatus } from '@pulse/shared';

export type StateChange =
  | { kind: 'host-upserted'; host: HostState }
  | { kind: 'host-status'; host: HostState; previous: HostStatus }
  | { kind: 'host-removed'; id: string };

export type ChangeListener = (change: StateChange) => void;

export class LiveState {
  private readonly hosts = new Map<string, HostState>();
  private readonly listeners = new Set<ChangeListener>();
  private updatedAt: number;

  constructor(now: number) {
    this.updatedAt = now;
  }

  get lastUpdate(): number {
    return this.updatedAt;
  }

  onChange(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  getHost(id: string): HostState | undefined {
    return this.hosts.get(id);
  }

  listHosts(): HostState[] {
    return [...this.hosts.values()];
  }

  upsertHost(host: HostState, now: number): void {
    this.hosts.set(host.id, host);
    this.touch(now, { kind: 'host-upserted', host });
  }

  setHostStatus(id: string, status: HostStatus, now: number): void {
    const host = this.hosts.get(id);
    if (!host || host.status === status) return;
    const previous = host.status;
    const next = { ...host, status };
    this.hosts.set(id, next);
    this.touch(now, { kind: 'host-status', host: next, previous });
  }

  removeHost(id: string, now: number): boolean {
    if (!this.hosts.delete(id)) return false;
    this.touch(now, { kind: 'host-removed', id });
    return true;
  }

  private touch(now: number, change: StateChange): void {
    this.updatedAt = now;
    for (const listener of this.listeners) listener(change);
  }
}

// Proxmox data that is listed rather than watched: backups, snapshots, replication, PBS and PMG instances.
// Kept per configured instance and merged by id on read, so two connections to one cluster never list twice.

export interface InstanceLists {
  backupTasks: { id: string }[];
  storageBackups: { id: string }[];
  guestSnapshots: { id: string }[];
  replicationJobs: { id: string }[];
  pbsBackups: { id: string }[];
  pbs: { id: string }[];
  pmg: { id: string }[];
}

export type ListName = keyof InstanceLists;

export interface PollPerformance {
  /** Last poll duration per instance id, in milliseconds. */
  apiCallDuration: Record<string, number>;
  lastPollDuration: number;
  pollingStartTime: string;
  totalApiCalls: number;
  failedApiCalls: number;
}

const empty = (): InstanceLists => ({
  backupTasks: [],
  storageBackups: [],
  guestSnapshots: [],
  replicationJobs: [],
  pbsBackups: [],
  pbs: [],
  pmg: [],
});

export class ProxmoxLists {
  private readonly byInstance = new Map<string, InstanceLists>();
  /** Keyed by instance id: true while its last poll succeeded. */
  readonly connectionHealth = new Map<string, boolean>();
  readonly performance: PollPerformance;
  private changes = 0;

  constructor(now: number) {
    this.performance = {
      apiCallDuration: {},
      lastPollDuration: 0,
      pollingStartTime: new Date(now).toISOString(),
      totalApiCalls: 0,
      failedApiCalls: 0,
    };
  }

  /** Replaces one list of one instance; lists left undefined keep their last value. */
  set(instanceId: string, lists: Partial<InstanceLists>): void {
    const current = this.byInstance.get(instanceId) ?? empty();
    for (const [name, items] of Object.entries(lists) as [ListName, { id: string }[] | undefined][]) {
      if (items !== undefined) current[name] = items;
    }
    this.byInstance.set(instanceId, current);
    this.changes++;
  }

  removeInstance(instanceId: string): void {
    this.byInstance.delete(instanceId);
    this.changes++;
    this.connectionHealth.delete(instanceId);
    delete this.performance.apiCallDuration[instanceId];
  }

  /** Moves whenever a list does, so a reader that keeps a projection knows when to redo it. */
  get revision(): number {
    return this.changes;
  }

  /** Every instance's items of one list, first writer wins on a shared id. */
  all<T extends { id: string }>(name: ListName): T[] {
    const seen = new Map<string, T>();
    for (const lists of this.byInstance.values()) {
      for (const item of lists[name]) if (!seen.has(item.id)) seen.set(item.id, item as T);
    }
    return [...seen.values()];
  }

  recordPoll(instanceId: string, durationMs: number, calls: number, failedCalls: number): void {
    this.performance.apiCallDuration[instanceId] = durationMs;
    this.performance.lastPollDuration = durationMs;
    this.performance.totalApiCalls += calls;
    this.performance.failedApiCalls += failedCalls;
  }
}

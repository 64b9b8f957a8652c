// How often each product and each slower section is polled; the defaults are the original's.
export interface PollIntervals {
  pveMs: number;
  pbsMs: number;
  pmgMs: number;
  /** Backups, snapshots and tasks are read every this many PVE cycles. */
  backupEveryCycles: number;
  /** Pending apt updates are read this often (30 min). */
  updatesEveryMs: number;
  /** Guest agent details (file systems, OS, addresses) and container configs are refreshed this often. */
  guestDetailsEveryMs: number;
}

export const DEFAULT_INTERVALS: PollIntervals = {
  pveMs: 10_000,
  pbsMs: 60_000,
  pmgMs: 60_000,
  backupEveryCycles: 10,
  updatesEveryMs: 30 * 60_000,
  guestDetailsEveryMs: 2 * 60_000,
};

// Bytes-per-second rates for guests from the cumulative counters of two consecutive polls.

/** Cumulative byte counters as /cluster/resources reports them (netin, netout, diskread, diskwrite). */
export interface GuestCounters {
  netIn: number;
  netOut: number;
  diskRead: number;
  diskWrite: number;
}

/** What one poll hands to the next: when it was taken and each guest's counters by guest id. */
export interface CounterSnapshot {
  at: number;
  guests: Record<string, GuestCounters>;
}

export interface GuestRates {
  networkIn: number;
  networkOut: number;
  diskRead: number;
  diskWrite: number;
}

export const ZERO_RATES: GuestRates = { networkIn: 0, networkOut: 0, diskRead: 0, diskWrite: 0 };

/** A counter that went down was reset (guest restarted, migrated): no rate until the next poll. */
function rate(before: number, now: number, seconds: number): number {
  return now >= before ? (now - before) / seconds : 0;
}

/** Rates of one guest; zero on the first poll, after a reset, or when no time has passed. */
export function guestRates(
  previous: CounterSnapshot | undefined,
  id: string,
  current: GuestCounters,
  now: number,
): GuestRates {
  const before = previous?.guests[id];
  if (!previous || !before) return ZERO_RATES;
  const seconds = (now - previous.at) / 1000;
  if (!(seconds > 0)) return ZERO_RATES;
  return {
    networkIn: rate(before.netIn, current.netIn, seconds),
    networkOut: rate(before.netOut, current.netOut, seconds),
    diskRead: rate(before.diskRead, current.diskRead, seconds),
    diskWrite: rate(before.diskWrite, current.diskWrite, seconds),
  };
}

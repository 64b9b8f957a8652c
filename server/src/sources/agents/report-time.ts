// The time a report describes: its own timestamp, or the time of receipt when unset (Go zero time), and
// never far ahead of the server: one report stamped in the future would otherwise make every later one
// look older and be dropped.
import type { ReportWarning } from '@pulse/shared';

const GO_ZERO_TIME_MS = Date.UTC(1, 0, 1);

/** How far ahead of the server clock a report's timestamp may be before the server's own time replaces it. */
export const MAX_FUTURE_SKEW_MS = 5 * 60_000;

export interface ReportTime {
  at: number;
  /** Set when the timestamp was too far ahead and the receipt time was used instead. */
  warning?: ReportWarning;
}

export function reportTime(timestamp: string, receivedAt: number): ReportTime {
  const stamped = Date.parse(timestamp);
  if (!Number.isFinite(stamped) || stamped <= GO_ZERO_TIME_MS) return { at: receivedAt };
  if (stamped - receivedAt <= MAX_FUTURE_SKEW_MS) return { at: stamped };
  const aheadSeconds = Math.round((stamped - receivedAt) / 1000);
  return {
    at: receivedAt,
    warning: {
      path: 'timestamp',
      message: `timestamp ${timestamp} is ${aheadSeconds} s ahead of the server clock (more than ${MAX_FUTURE_SKEW_MS / 60_000} minutes); the server used its own time ${new Date(receivedAt).toISOString()} instead. Check the agent machine's clock (NTP)`,
    },
  };
}

// The time a report describes: its own timestamp, or the time of receipt when unset (Go zero time).

const GO_ZERO_TIME_MS = Date.UTC(1, 0, 1);

export function reportTime(timestamp: string, receivedAt: number): number {
  const stamped = Date.parse(timestamp);
  return Number.isFinite(stamped) && stamped > GO_ZERO_TIME_MS ? stamped : receivedAt;
}

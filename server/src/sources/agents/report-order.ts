// Which host report is newer: by sequence number within one agent process's stream, else by (clamped)
// report time, so a repeated, replayed or late report never rolls the state back.

export interface StreamPosition {
  stream: string;
  seq: number;
}

/** Where one host's reports have got to. */
export interface ReportCursor {
  reportedAt: number;
  position?: StreamPosition;
  /** Streams the agent left behind (it restarted); a late report from one is judged by its time. */
  retired: readonly string[];
}

/** A few are enough: an agent restarts rarely, and only its buffered reports can arrive late. */
const RETIRED_STREAMS_KEPT = 4;

export function parseSequenceId(raw: string | undefined): StreamPosition | undefined {
  const m = raw ? /^v1:([^:]+):(\d+)$/.exec(raw) : null;
  if (!m?.[1] || !m[2]) return undefined;
  const seq = Number(m[2]);
  return Number.isSafeInteger(seq) ? { stream: m[1], seq } : undefined;
}

/**
 * `clamped`: the report's timestamp was too far ahead and the receipt time stands in for it. Such a
 * report is never older than the last one by time, even when that one was stamped a little ahead.
 */
export function isStale(
  cursor: ReportCursor,
  position: StreamPosition | undefined,
  reportedAt: number,
  clamped = false,
): boolean {
  if (position) {
    if (cursor.position?.stream === position.stream) return position.seq <= cursor.position.seq;
    // A stream never seen is a restarted agent: taken whatever its clock says.
    if (!cursor.retired.includes(position.stream)) return false;
  }
  return !clamped && reportedAt < cursor.reportedAt;
}

/** The cursor after applying a report at `position` (if any) stamped `reportedAt`. */
export function advance(
  cursor: ReportCursor | undefined,
  position: StreamPosition | undefined,
  reportedAt: number,
): ReportCursor {
  const previous = cursor?.position;
  let retired = cursor?.retired ?? [];
  if (previous && previous.stream !== position?.stream) retired = [previous.stream, ...retired];
  // The current stream is never a retired one, and each stream is listed once.
  retired = [...new Set(retired)].filter((s) => s !== position?.stream).slice(0, RETIRED_STREAMS_KEPT);
  return position ? { reportedAt, position, retired } : { reportedAt, retired };
}

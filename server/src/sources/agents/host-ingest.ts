// Host report ingest: identity, ordering, rates, then one write to the live state.
import type { HostReport, HostState, ReportWarning } from '@pulse/shared';
import type { Clock } from '../../clock.ts';
import type { TokenRecord } from '../../security/tokens.ts';
import type { LiveState } from '../../state/live-state.ts';
import { type CounterSample, ratesBetween, sampleCounters } from './counter-rates.ts';
import { hostFromReport } from './host-from-report.ts';
import type { HostIdentityRegistry } from './host-identity.ts';
import type { RemovalBlocks } from './removal-blocks.ts';
import { advance, isStale, parseSequenceId, type ReportCursor, type StreamPosition } from './report-order.ts';
import { reportTime } from './report-time.ts';

export interface HostAgentsDeps {
  state: LiveState;
  identities: HostIdentityRegistry;
  blocks: RemovalBlocks;
  clock: Clock;
  serverVersion: string;
}

export interface HostReportResult {
  success: true;
  agentId: string;
  lastSeen: string;
  platform?: string;
  osName?: string;
  osVersion?: string;
  serverVersion: string;
  /** False when the report repeated or predated one already applied (kept for the agent's ack only). */
  applied: boolean;
  /** What the server did not take as sent (a timestamp far in the future). */
  warnings?: ReportWarning[];
}

interface PerHost {
  /** Absent after a restart until the next report: rates need two readings of the same process. */
  counters?: CounterSample;
  cursor: ReportCursor;
}

export class HostIngest {
  private readonly perHost = new Map<string, PerHost>();

  private readonly deps: HostAgentsDeps;

  constructor(deps: HostAgentsDeps) {
    this.deps = deps;
  }

  async ingest(report: HostReport, token: TokenRecord | undefined): Promise<HostReportResult> {
    const { state, identities, clock } = this.deps;
    const now = clock.now();
    const nowIso = new Date(now).toISOString();
    const resolution = await identities.resolve({
      report,
      token,
      now,
      isOnline: (id) => state.hosts.get(id)?.status === 'online',
    });
    const { hostId } = resolution;
    const agentId = resolution.forkedFrom ? hostId : report.agent.id || hostId;
    const result = {
      success: true as const,
      agentId,
      lastSeen: nowIso,
      platform: report.host.platform,
      osName: report.host.osName,
      osVersion: report.host.osVersion,
      serverVersion: this.deps.serverVersion,
    };

    const { at: reportedAt, warning } = reportTime(report.timestamp, now);
    const warnings = warning ? { warnings: [warning] } : {};
    const prev = this.perHost.get(hostId);
    const position = parseSequenceId(report.sequenceId);
    if (prev && isStale(prev.cursor, position, reportedAt, warning !== undefined)) {
      return { ...result, ...warnings, applied: false };
    }

    const counters = sampleCounters(report, reportedAt);
    const current = state.hosts.get(hostId);
    // Counted on the host so that an admin can see an agent whose clock keeps jumping ahead.
    const clamped = (current?.clampedTimestamps ?? 0) + (warning ? 1 : 0);
    const built = hostFromReport({
      hostId,
      agentId,
      report,
      token,
      nowIso,
      reportedAtIso: new Date(reportedAt).toISOString(),
      rates: ratesBetween(prev?.counters, counters),
      identityConflict: conflictFor(resolution.forkedFrom, current, report, state, nowIso),
    });
    const host: HostState = clamped > 0 ? { ...built, clampedTimestamps: clamped } : built;
    this.perHost.set(hostId, { counters, cursor: advance(prev?.cursor, position, reportedAt) });
    state.hosts.upsert(host, now);
    return { ...result, ...warnings, applied: true };
  }

  forget(hostId: string): void {
    this.perHost.delete(hostId);
  }

  /** The last applied stream position, for the inventory to keep across a restart. */
  positionOf(hostId: string): StreamPosition | undefined {
    return this.perHost.get(hostId)?.cursor.position;
  }

  /** Puts back where a host's reports had got to before a restart, so an older replay is not applied. */
  restoreCursor(hostId: string, reportedAt: number, position: StreamPosition | undefined): void {
    this.perHost.set(hostId, { cursor: advance(undefined, position, reportedAt) });
  }
}

function conflictFor(
  forkedFrom: string | undefined,
  current: HostState | undefined,
  report: HostReport,
  state: LiveState,
  nowIso: string,
): HostState['identityConflict'] {
  if (!forkedFrom) return undefined;
  const original = state.hosts.get(forkedFrom);
  const hostnames = [...new Set([original?.hostname, report.host.hostname.trim()])].filter(
    (h): h is string => typeof h === 'string',
  );
  return { hostnames, firstSeen: current?.identityConflict?.firstSeen ?? nowIso, lastSeen: nowIso };
}

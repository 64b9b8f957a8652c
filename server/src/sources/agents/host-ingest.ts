// Host report ingest: identity, ordering, rates, then one write to the live state.
import type { HostReport, HostState } from '@pulse/shared';
import type { Clock } from '../../clock.ts';
import type { TokenRecord } from '../../security/tokens.ts';
import type { LiveState } from '../../state/live-state.ts';
import { type CounterSample, ratesBetween, sampleCounters } from './counter-rates.ts';
import { hostFromReport } from './host-from-report.ts';
import type { HostIdentityRegistry } from './host-identity.ts';
import type { RemovalBlocks } from './removal-blocks.ts';
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
}

interface StreamPosition {
  stream: string;
  seq: number;
}

interface PerHost {
  counters: CounterSample;
  reportedAt: number;
  position?: StreamPosition;
}

export function parseSequenceId(raw: string | undefined): StreamPosition | undefined {
  const m = raw ? /^v1:([^:]+):(\d+)$/.exec(raw) : null;
  if (!m?.[1] || !m[2]) return undefined;
  return { stream: m[1], seq: Number(m[2]) };
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
      tokenId: token?.id,
      tokenCreatedAt: token?.createdAt,
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

    const reportedAt = reportTime(report.timestamp, now);
    const prev = this.perHost.get(hostId);
    const position = parseSequenceId(report.sequenceId);
    if (prev && isStale(prev, position, reportedAt)) return { ...result, applied: false };

    const counters = sampleCounters(report, reportedAt);
    const host = hostFromReport({
      hostId,
      agentId,
      report,
      token,
      nowIso,
      reportedAtIso: new Date(reportedAt).toISOString(),
      rates: ratesBetween(prev?.counters, counters),
      identityConflict: conflictFor(resolution.forkedFrom, state.hosts.get(hostId), report, state, nowIso),
    });
    this.perHost.set(hostId, { counters, reportedAt, position });
    state.hosts.upsert(host, now);
    return { ...result, applied: true };
  }

  forget(hostId: string): void {
    this.perHost.delete(hostId);
  }
}

/** A repeat of the same stream position, or a report older than the one shown, must not roll state back. */
function isStale(prev: PerHost, position: StreamPosition | undefined, reportedAt: number): boolean {
  if (position && prev.position && position.stream === prev.position.stream)
    return position.seq <= prev.position.seq;
  return reportedAt < prev.reportedAt;
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

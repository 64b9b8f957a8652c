// Docker/Podman agents as a domain: report ingest (identity, container rates) and fleet management.
import type { DockerContainerState, DockerHostState, DockerReport, ReportWarning } from '@pulse/shared';
import { containerAgentOfflineAfterMs, HOST_DEFAULT_INTERVAL_SECONDS } from '@pulse/shared';
import type { Clock } from '../../clock.ts';
import type { TokenRecord } from '../../security/tokens.ts';
import type { Collection } from '../../state/live-state.ts';
import { AgentFleet, type FleetDeps } from './agent-fleet.ts';
import { assertContainerCap } from './agent-limits.ts';
import { sanitizeId } from './host-identity.ts';
import { reportTime } from './report-time.ts';

export interface DockerReportResult {
  success: true;
  agentId: string;
  containers: number;
  lastSeen: string;
  commands?: Array<{ id: string; type: string }>;
  warnings?: ReportWarning[];
}

interface ContainerCounters {
  at: number;
  rx?: number;
  tx?: number;
  read?: number;
  write?: number;
}

/** bytes/s between two cumulative readings; undefined when either is missing or the counter reset. */
function rate(prev: number | undefined, cur: number | undefined, seconds: number): number | undefined {
  if (prev === undefined || cur === undefined || cur < prev || !(seconds > 0)) return undefined;
  return (cur - prev) / seconds;
}

export function dockerHostId(report: DockerReport): string {
  return sanitizeId(report.agent.id || report.host.machineId || report.host.hostname);
}

export class DockerAgents {
  readonly fleet: AgentFleet<DockerHostState>;
  private readonly counters = new Map<string, Map<string, ContainerCounters>>();
  private readonly clock: Clock;
  private readonly maxContainers: number;

  constructor(hosts: Collection<DockerHostState>, deps: FleetDeps) {
    this.clock = deps.clock;
    this.maxContainers = deps.limits.maxContainersPerHost;
    this.fleet = new AgentFleet(hosts, deps, {
      kind: 'docker',
      noun: 'Docker host',
      nouns: 'Docker hosts',
      offlineAfterMs: containerAgentOfflineAfterMs,
      exclusiveToken: true,
      reportedName: (h) => h.hostname,
      onRemoved: (id) => this.counters.delete(id),
    });
  }

  async ingest(report: DockerReport, token: TokenRecord | undefined): Promise<DockerReportResult> {
    const now = this.clock.now();
    const id = dockerHostId(report);
    assertContainerCap(id, report.containers.length, this.maxContainers);
    await this.fleet.admit(id, token, now);
    // Docker reports carry no sequence id: order by time, never more than a few minutes ahead of ours.
    const { at: reportedAt, warning } = reportTime(report.timestamp, now);
    const previous = this.fleet.get(id);
    const lastSeen = new Date(now).toISOString();
    const result: DockerReportResult = {
      success: true,
      agentId: report.agent.id || id,
      containers: report.containers.length,
      lastSeen,
      ...(warning ? { warnings: [warning] } : {}),
    };
    // A clamped report stands at the receipt time: never older than the last one.
    if (previous && !warning && reportedAt < Date.parse(previous.reportedAt)) return result;
    const clamped = (previous?.clampedTimestamps ?? 0) + (warning ? 1 : 0);

    const h = report.host;
    const built: DockerHostState = {
      id,
      agentId: report.agent.id || id,
      hostname: h.hostname,
      displayName: h.name?.trim() || h.hostname,
      machineId: h.machineId,
      os: h.os,
      kernelVersion: h.kernelVersion,
      architecture: h.architecture,
      runtime: h.runtime,
      runtimeVersion: h.runtimeVersion,
      dockerVersion: h.dockerVersion,
      cpus: h.totalCpu,
      totalMemoryBytes: h.totalMemoryBytes,
      uptimeSeconds: h.uptimeSeconds,
      cpuUsagePercent: h.cpuUsagePercent,
      loadAverage: h.loadAverage ?? [],
      memory: h.memory,
      disks: h.disks ?? [],
      networkInterfaces: h.network ?? [],
      status: 'online',
      lastSeen,
      reportedAt: new Date(reportedAt).toISOString(),
      intervalSeconds: report.agent.intervalSeconds || HOST_DEFAULT_INTERVAL_SECONDS,
      agentVersion: report.agent.version,
      containers: this.withRates(id, report.containers, reportedAt),
      images: report.images ?? [],
      volumes: report.volumes ?? [],
      networks: report.networks ?? [],
      services: report.services ?? [],
      tasks: report.tasks ?? [],
      nodes: report.nodes ?? [],
      secrets: report.secrets ?? [],
      configs: report.configs ?? [],
      storageUsage: report.storageUsage,
      swarm: h.swarm,
      hidden: false,
      pendingUninstall: false,
      ...(clamped > 0 ? { clampedTimestamps: clamped } : {}),
    };
    const stored = await this.fleet.apply(built, token, now);
    // An agent marked for uninstall is told to stop with its next acknowledgement.
    if (stored.pendingUninstall) result.commands = [{ id: `stop-${id}`, type: 'stop' }];
    return result;
  }

  private withRates(
    hostId: string,
    containers: DockerReport['containers'],
    at: number,
  ): DockerContainerState[] {
    const prev = this.counters.get(hostId) ?? new Map<string, ContainerCounters>();
    const next = new Map<string, ContainerCounters>();
    const out = containers.map((c) => {
      const now: ContainerCounters = {
        at,
        rx: c.networkRxBytes,
        tx: c.networkTxBytes,
        read: c.blockIo?.readBytes,
        write: c.blockIo?.writeBytes,
      };
      next.set(c.id, now);
      const before = prev.get(c.id);
      if (!before) return c;
      const seconds = (at - before.at) / 1000;
      return {
        ...c,
        netInRate: rate(before.rx, now.rx, seconds),
        netOutRate: rate(before.tx, now.tx, seconds),
        blockReadRate: rate(before.read, now.read, seconds),
        blockWriteRate: rate(before.write, now.write, seconds),
      };
    });
    // Containers that vanished take their counters with them.
    this.counters.set(hostId, next);
    return out;
  }
}

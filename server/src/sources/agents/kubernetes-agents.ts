// Kubernetes agents as a domain: cluster report ingest and fleet management.
import type { KubernetesClusterState, KubernetesReport, ReportWarning } from '@pulse/shared';
import { containerAgentOfflineAfterMs, HOST_DEFAULT_INTERVAL_SECONDS } from '@pulse/shared';
import type { Clock } from '../../clock.ts';
import type { TokenRecord } from '../../security/tokens.ts';
import type { Collection } from '../../state/live-state.ts';
import { AgentFleet, type FleetDeps } from './agent-fleet.ts';
import { sanitizeId } from './host-identity.ts';
import { reportTime } from './report-time.ts';

export interface KubernetesReportResult {
  success: true;
  clusterId: string;
  nodes: number;
  pods: number;
  deployments: number;
  lastSeen: string;
  warnings?: ReportWarning[];
}

export class KubernetesAgents {
  readonly fleet: AgentFleet<KubernetesClusterState>;
  private readonly clock: Clock;

  constructor(clusters: Collection<KubernetesClusterState>, deps: FleetDeps) {
    this.clock = deps.clock;
    this.fleet = new AgentFleet(clusters, deps, {
      kind: 'kubernetes',
      noun: 'Kubernetes cluster',
      nouns: 'Kubernetes clusters',
      offlineAfterMs: containerAgentOfflineAfterMs,
      exclusiveToken: false,
      reportedName: (c) => c.name,
    });
  }

  async ingest(report: KubernetesReport, token: TokenRecord | undefined): Promise<KubernetesReportResult> {
    const now = this.clock.now();
    const id = sanitizeId(report.cluster.id);
    await this.fleet.admit(id, token, now);
    const lastSeen = new Date(now).toISOString();
    const { agent, cluster, timestamp, ...inventory } = report;
    const result: KubernetesReportResult = {
      success: true,
      clusterId: id,
      nodes: inventory.nodes?.length ?? 0,
      pods: inventory.pods?.length ?? 0,
      deployments: inventory.deployments?.length ?? 0,
      lastSeen,
    };
    // Cluster reports carry no sequence id: order by time, never more than a few minutes ahead of ours.
    const { at: reportedAt, warning } = reportTime(timestamp, now);
    if (warning) result.warnings = [warning];
    const previous = this.fleet.get(id);
    // A clamped report stands at the receipt time: never older than the last one.
    if (previous && !warning && reportedAt < Date.parse(previous.reportedAt)) return result;
    const clamped = (previous?.clampedTimestamps ?? 0) + (warning ? 1 : 0);

    const name = cluster.name?.trim() || cluster.context || id;
    await this.fleet.apply(
      {
        ...inventory,
        id,
        agentId: agent.id || id,
        name,
        displayName: name,
        server: cluster.server,
        context: cluster.context,
        version: cluster.version,
        provider: cluster.provider,
        status: 'online',
        lastSeen,
        reportedAt: new Date(reportedAt).toISOString(),
        intervalSeconds: agent.intervalSeconds || HOST_DEFAULT_INTERVAL_SECONDS,
        agentVersion: agent.version,
        nodes: inventory.nodes ?? [],
        namespaces: inventory.namespaces ?? [],
        pods: inventory.pods ?? [],
        deployments: inventory.deployments ?? [],
        hidden: false,
        pendingUninstall: false,
        ...(clamped > 0 ? { clampedTimestamps: clamped } : {}),
      },
      token,
      now,
    );
    return result;
  }
}

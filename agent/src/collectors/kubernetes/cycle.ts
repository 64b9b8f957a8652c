// One collection pass: every kind and the metrics listed at once, filtered, capped and mapped to the report.
import type { V1Deployment } from '@kubernetes/client-node';
import type { KubeNodeUsage, KubePodUsage, KubernetesReport } from '@pulse/shared';
import { ClusterLost, describeApiError } from './errors.ts';
import { type FetchContext, fetchKind } from './fetch-kind.ts';
import { selectEvents, toKubeEvent, toKubeNamespace, toKubeService } from './inventory.ts';
import type { KubeApi } from './kube-api.ts';
import { namespaceFilter } from './namespace-filter.ts';
import { toKubeNode } from './nodes.ts';
import { podKey, selectPods, toKubePod } from './pods.ts';
import { isProblemDeployment } from './problems.ts';
import { listMetrics, sources } from './sources.ts';
import { nodeUsage, podUsage } from './usage.ts';
import { pruneNulls } from './wire-nulls.ts';
import {
  toKubeCronJob,
  toKubeDaemonSet,
  toKubeDeployment,
  toKubeJob,
  toKubeReplicaSet,
  toKubeStatefulSet,
} from './workloads.ts';

/** §1.13 defaults. */
export const KUBE_LIMITS = {
  pageSize: 250,
  requestTimeoutMs: 20_000,
  collectTimeoutMs: 45_000,
  /** Items per kind, except pods (maxPods) and events (maxEvents). */
  inventoryCap: 1000,
  maxDeployments: 1000,
  maxEvents: 200,
  /** The schema's bound on nodes (the largest supported cluster). */
  maxNodes: 5000,
  /**
   * Pods and deployments are filtered after listing (problem ones), so they are read well past what is
   * reported; this bounds the memory one cycle can take on a very large cluster.
   */
  scanCap: 50_000,
  /** Events are read past maxEvents so the most recent Warnings can be picked; same reason for a bound. */
  eventScanCap: 5000,
} as const;

export interface CycleOptions {
  includeNamespaces: string[];
  excludeNamespaces: string[];
  includeAllPods: boolean;
  includeAllDeployments: boolean;
  maxPods: number;
}

export type CycleResult = Omit<KubernetesReport, 'agent' | 'timestamp' | 'cluster'>;

/** Usage is optional: a metrics.k8s.io failure (not installed: 404; metrics-server down: 503) is a note. */
async function metrics<T>(
  ctx: FetchContext,
  api: KubeApi,
  plural: 'nodes' | 'pods',
  parse: (l: unknown) => T,
) {
  try {
    return parse(await listMetrics(api, plural));
  } catch (err) {
    if (err instanceof ClusterLost) throw err;
    if (ctx.signal.aborted) throw ctx.signal.reason;
    const f = describeApiError(err);
    const why = f.status === 404 ? 'metrics.k8s.io is not served (metrics-server not installed?)' : f.message;
    ctx.notes.metrics ??= `no usage: ${why}`;
    return undefined;
  }
}

/**
 * Maps the objects that make the report, pruning their wire nulls first (see pruneNulls). Only those:
 * pods and deployments are scanned by the ten thousand and filtered, and pruning every one costs a second.
 */
function mapped<T extends object, R>(items: T[] | undefined, map: (item: T) => R): R[] | undefined {
  return items?.map((item) => {
    pruneNulls(item);
    return map(item);
  });
}

export async function runCycle(api: KubeApi, opts: CycleOptions, ctx: FetchContext): Promise<CycleResult> {
  const src = sources(api);
  const cap = KUBE_LIMITS.inventoryCap;
  const optional = { core: false, cap };
  const [
    nodes,
    namespaces,
    pods,
    deployments,
    replicaSets,
    statefulSets,
    daemonSets,
    jobs,
    cronJobs,
    services,
    events,
    nodeUse,
    podUse,
  ] = await Promise.all([
    fetchKind(ctx, 'nodes', src.nodes, { core: true, cap: KUBE_LIMITS.maxNodes }),
    fetchKind(ctx, 'namespaces', src.namespaces, optional),
    fetchKind(ctx, 'pods', src.pods, { core: true, cap: KUBE_LIMITS.scanCap }),
    fetchKind(ctx, 'deployments', src.deployments, { core: false, cap: KUBE_LIMITS.scanCap }),
    fetchKind(ctx, 'replicaSets', src.replicaSets, optional),
    fetchKind(ctx, 'statefulSets', src.statefulSets, optional),
    fetchKind(ctx, 'daemonSets', src.daemonSets, optional),
    fetchKind(ctx, 'jobs', src.jobs, optional),
    fetchKind(ctx, 'cronJobs', src.cronJobs, optional),
    fetchKind(ctx, 'services', src.services, optional),
    fetchKind(ctx, 'events', src.events, { core: false, cap: KUBE_LIMITS.eventScanCap }),
    metrics<Map<string, KubeNodeUsage>>(ctx, api, 'nodes', nodeUsage),
    metrics<Map<string, KubePodUsage>>(ctx, api, 'pods', podUsage),
  ]);

  const keep = namespaceFilter(opts.includeNamespaces, opts.excludeNamespaces);
  const inScope = <T extends { metadata?: { namespace?: string } }>(items: T[] | undefined) =>
    items?.filter((o) => keep(o.metadata?.namespace));

  const scopedPods = inScope(pods) ?? [];
  const { selected, matched } = selectPods(scopedPods, {
    includeAll: opts.includeAllPods,
    max: opts.maxPods,
  });
  if (matched > selected.length) {
    const which = opts.includeAllPods ? 'pods' : 'problem pods';
    ctx.notes.pods = `${matched} ${which} matched; ${selected.length} reported (--kube-max-pods), problem pods first`;
  }
  const wanted = (d: V1Deployment) => opts.includeAllDeployments || isProblemDeployment(d);
  const wantedDeployments = inScope(deployments)?.filter(wanted);
  const maxDeployments = KUBE_LIMITS.maxDeployments;
  if (wantedDeployments && wantedDeployments.length > maxDeployments) {
    ctx.notes.deployments = `${wantedDeployments.length} deployments matched; the first ${maxDeployments} are reported`;
  }

  return {
    nodes: mapped(nodes, (n) => toKubeNode(n, nodeUse?.get(n.metadata?.name ?? ''))),
    namespaces: mapped(
      namespaces?.filter((ns) => keep(ns.metadata?.name)),
      toKubeNamespace,
    ),
    pods: mapped(selected, (p) => toKubePod(p, podUse?.get(podKey(p.metadata?.namespace, p.metadata?.name)))),
    deployments: mapped(wantedDeployments?.slice(0, maxDeployments), toKubeDeployment),
    replicaSets: mapped(inScope(replicaSets), toKubeReplicaSet),
    statefulSets: mapped(inScope(statefulSets), toKubeStatefulSet),
    daemonSets: mapped(inScope(daemonSets), toKubeDaemonSet),
    jobs: mapped(inScope(jobs), toKubeJob),
    cronJobs: mapped(inScope(cronJobs), toKubeCronJob),
    services: mapped(inScope(services), toKubeService),
    events: events && selectEvents(mapped(inScope(events), toKubeEvent) ?? [], KUBE_LIMITS.maxEvents),
  };
}

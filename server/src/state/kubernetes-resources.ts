// Projects Kubernetes clusters, their nodes, reported pods and deployments into unified resources.
import type {
  KubeDeployment,
  KubeNode,
  KubePod,
  KubernetesClusterState,
  MetricValue,
  Resource,
  ResourceStatus,
} from '@pulse/shared';
import { resourceId } from './host-resource.ts';
import { clip } from './resource-bounds.ts';

export function nodeStatus(n: KubeNode): ResourceStatus {
  if (!n.ready) return 'offline';
  return n.unschedulable ? 'warning' : 'online';
}

export function podStatus(p: KubePod): ResourceStatus {
  const phase = (p.phase ?? '').toLowerCase();
  if (phase === 'running') return (p.containers ?? []).every((c) => c.ready) ? 'online' : 'warning';
  if (phase === 'pending') return 'warning';
  if (phase === 'succeeded' || phase === 'failed') return 'offline';
  return 'unknown';
}

export function deploymentStatus(d: KubeDeployment): ResourceStatus {
  const desired = d.desiredReplicas ?? 0;
  const ready = d.readyReplicas ?? 0;
  if (ready >= desired) return 'online';
  return ready === 0 ? 'offline' : 'warning';
}

function percentOf(used: number | undefined, total: number | undefined, unit = '%'): MetricValue | undefined {
  if (used === undefined || !total) return undefined;
  const percent = (used / total) * 100;
  return { value: percent, used, total, percent, unit };
}

export function kubernetesResources(c: KubernetesClusterState): Resource[] {
  const lastSeen = Date.parse(c.lastSeen);
  const online = c.status === 'online';
  const clusterId = resourceId('k8s-cluster', `kubernetes:${c.id}`);
  // Every child repeats the cluster's name: a bounded copy, so a long name is not multiplied by the pods.
  const clusterName = clip(c.displayName);
  const base = (type: Resource['type'], stable: string, name: string, status: ResourceStatus): Resource => ({
    id: resourceId(type, `kubernetes:${c.id}/${stable}`),
    type,
    name: clip(name),
    displayName: clip(name),
    // Children of a silent cluster keep their last report but are no longer known to be in that state.
    status: online ? status : 'unknown',
    lastSeen,
    sources: ['kubernetes'],
    sourceStatus: { kubernetes: { status: c.status, lastSeen } },
    identity: { hostnames: [], ipAddresses: [], macAddresses: [] },
    metrics: {},
    tags: [],
    parentId: clusterId,
    metricsTarget: { resourceType: 'k8s', resourceId: `${c.id}/${stable}` },
    kubernetes: { clusterId: c.id, clusterName },
  });

  const nodes = c.nodes.map((n) => {
    const r = base('k8s-node', `node/${n.name}`, n.name, nodeStatus(n));
    r.identity.hostnames = [n.name];
    r.metrics = {
      cpu: percentOf(
        n.usage?.cpuMilliCores,
        n.capacity?.cpuCores === undefined ? undefined : n.capacity.cpuCores * 1000,
      ),
      memory: percentOf(n.usage?.memoryBytes, n.capacity?.memoryBytes),
    };
    r.kubernetes = {
      ...r.kubernetes,
      clusterId: c.id,
      clusterName,
      version: n.kubeletVersion,
    };
    return r;
  });
  const pods = c.pods.map((p) => {
    const r = base('pod', `pod/${p.namespace}/${p.name}`, p.name, podStatus(p));
    r.kubernetes = {
      clusterId: c.id,
      clusterName,
      namespace: p.namespace,
      nodeName: p.nodeName,
      phase: p.phase,
      reason: p.reason ?? p.containers?.find((x) => x.reason)?.reason,
      restarts: p.restarts,
    };
    return r;
  });
  const deployments = c.deployments.map((d) => {
    const r = base('k8s-deployment', `deployment/${d.namespace}/${d.name}`, d.name, deploymentStatus(d));
    r.kubernetes = {
      clusterId: c.id,
      clusterName,
      namespace: d.namespace,
      desiredReplicas: d.desiredReplicas,
      readyReplicas: d.readyReplicas,
    };
    return r;
  });

  const children = [...nodes, ...pods, ...deployments];
  const troubled = children.some((r) => r.status === 'warning' || r.status === 'offline');
  const cluster: Resource = {
    ...base('k8s-cluster', 'cluster', c.displayName, troubled ? 'warning' : 'online'),
    id: clusterId,
    name: clip(c.name),
    status: online ? (troubled ? 'warning' : 'online') : 'offline',
    parentId: undefined,
    metricsTarget: { resourceType: 'k8s', resourceId: c.id },
    kubernetes: { clusterId: c.id, clusterName, version: c.version },
  };
  delete cluster.parentId;
  return [cluster, ...children];
}

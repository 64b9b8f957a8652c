// Nodes as the report carries them: readiness, versions, capacity and allocatable, roles, usage.
import type { V1Node } from '@kubernetes/client-node';
import type { KubeNode, KubeNodeResources, KubeNodeUsage } from '@pulse/shared';
import { shortText } from '../../report/text-limits.ts';
import { quantityToUnits } from './quantity.ts';

const ROLE_PREFIX = 'node-role.kubernetes.io/';
/** The schema's bound on roles per node. */
const MAX_ROLES = 64;

/** Whole cores, rounded up as Go's Quantity.Value() does ("3500m" → 4), bytes and pod slots. */
function resources(list: Record<string, string> | undefined): KubeNodeResources | undefined {
  if (!list) return undefined;
  return {
    cpuCores: quantityToUnits(list.cpu),
    memoryBytes: quantityToUnits(list.memory),
    pods: quantityToUnits(list.pods),
  };
}

/** `node-role.kubernetes.io/<role>` labels (kubeadm) and the older `kubernetes.io/role` label. */
export function nodeRoles(labels: Record<string, string> | undefined): string[] | undefined {
  const roles = new Set<string>();
  for (const [key, value] of Object.entries(labels ?? {})) {
    if (key.startsWith(ROLE_PREFIX) && key.length > ROLE_PREFIX.length)
      roles.add(key.slice(ROLE_PREFIX.length));
    if (key === 'kubernetes.io/role' && value) roles.add(value);
  }
  return roles.size > 0 ? [...roles].sort().slice(0, MAX_ROLES) : undefined;
}

export function toKubeNode(node: V1Node, usage?: KubeNodeUsage): KubeNode {
  const info = node.status?.nodeInfo;
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
  return {
    uid: node.metadata?.uid ?? '',
    name: node.metadata?.name ?? '',
    // Unknown (the kubelet stopped posting status) is not ready.
    ready: ready?.status === 'True',
    unschedulable: node.spec?.unschedulable || undefined,
    // A node whose kubelet has not posted status yet has no nodeInfo, or one of empty strings.
    kubeletVersion: shortText(info?.kubeletVersion),
    containerRuntimeVersion: shortText(info?.containerRuntimeVersion),
    osImage: shortText(info?.osImage),
    kernelVersion: shortText(info?.kernelVersion),
    architecture: shortText(info?.architecture),
    capacity: resources(node.status?.capacity),
    allocatable: resources(node.status?.allocatable),
    usage,
    roles: nodeRoles(node.metadata?.labels),
  };
}

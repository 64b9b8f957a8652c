// Wire schema of the Kubernetes agent report (POST /api/agents/kubernetes/report) and of the server's answer.
import { z } from 'zod';
import { AgentType, Rfc3339 } from './host-report.ts';
import { count, requiredId, stringMap, u64 } from './wire-numbers.ts';

// Unknown keys are stripped (zod's default), so a newer agent still gets its known fields through.
// The agent omits zero values (Go omitempty), so counters and usage figures are optional even where
// the spec lists them bare: an idle pod's 0 millicores arrive as a missing key.
// Caps bound the work one report can cause, on top of the body limits (2 MiB encoded, 10 MiB decoded).
// The agent's own defaults are lower (1000 items per kind, 200 pods, 200 events) but configurable, so
// the server allows: nodes 5000 (the largest supported cluster), pods 10000, events 1000, every other
// kind 5000, each recovery list 1000; containers per pod 256; label, selector and quota maps 1024 keys;
// any other list inside an item (ports, hosts, keys, modes, kinds) 1024.

const labels = stringMap(1024).optional();
const names = z.array(z.string()).max(1024).optional();
const counter = count.optional();
const port = count.max(65_535);

/** What every reported object carries; `uid` is the API server's, so it is present but not checked. */
const clusterScoped = {
  uid: z.string(),
  name: z.string(),
  createdAt: Rfc3339.optional(),
  labels,
};
const namespaced = { ...clusterScoped, namespace: z.string() };

// ---- agent and cluster ----

export const KubernetesAgentInfo = z.object({
  id: z.string(),
  version: z.string(),
  type: AgentType.optional(),
  intervalSeconds: count,
});
export type KubernetesAgentInfo = z.infer<typeof KubernetesAgentInfo>;

export const KubernetesClusterInfo = z.object({
  /** Stable and agent-generated; the server keys the cluster on it. */
  id: requiredId(),
  name: z.string().optional(),
  /** API server URL. */
  server: z.string().optional(),
  /** Kubeconfig context, when the agent runs outside the cluster. */
  context: z.string().optional(),
  version: z.string().optional(),
  /** Best effort: `gke`, `eks`, `aks`, ... */
  provider: z.string().optional(),
  /** The agent's own namespace when it runs in the cluster. */
  namespace: z.string().optional(),
});
export type KubernetesClusterInfo = z.infer<typeof KubernetesClusterInfo>;

// ---- nodes and pods ----

export const KubeNodeResources = z.object({
  cpuCores: u64.optional(),
  memoryBytes: u64.optional(),
  pods: u64.optional(),
});
export type KubeNodeResources = z.infer<typeof KubeNodeResources>;

/** From metrics.k8s.io, else the kubelet summary; absent when neither answered. */
export const KubeNodeUsage = z.object({
  cpuMilliCores: u64.optional(),
  memoryBytes: u64.optional(),
});
export type KubeNodeUsage = z.infer<typeof KubeNodeUsage>;

export const KubeNode = z.object({
  uid: z.string(),
  name: z.string(),
  ready: z.boolean(),
  unschedulable: z.boolean().optional(),
  kubeletVersion: z.string().optional(),
  containerRuntimeVersion: z.string().optional(),
  osImage: z.string().optional(),
  kernelVersion: z.string().optional(),
  architecture: z.string().optional(),
  capacity: KubeNodeResources.optional(),
  allocatable: KubeNodeResources.optional(),
  usage: KubeNodeUsage.optional(),
  roles: z.array(z.string()).max(64).optional(),
});
export type KubeNode = z.infer<typeof KubeNode>;

export const KubePodUsage = z.object({
  cpuMilliCores: u64.optional(),
  memoryBytes: u64.optional(),
  networkRxBytes: u64.optional(),
  networkTxBytes: u64.optional(),
  ephemeralStorageUsedBytes: u64.optional(),
  ephemeralStorageCapacityBytes: u64.optional(),
});
export type KubePodUsage = z.infer<typeof KubePodUsage>;

export const KubeContainerState = z.enum(['waiting', 'running', 'terminated']);
export type KubeContainerState = z.infer<typeof KubeContainerState>;

export const KubePodContainer = z.object({
  name: z.string(),
  image: z.string().optional(),
  ready: z.boolean(),
  restartCount: counter,
  state: KubeContainerState.optional(),
  /** The waiting or terminated reason, e.g. `CrashLoopBackOff` or `OOMKilled`. */
  reason: z.string().optional(),
  message: z.string().optional(),
});
export type KubePodContainer = z.infer<typeof KubePodContainer>;

/** Only problem pods unless the agent runs with --kube-include-all-pods. */
export const KubePod = z.object({
  uid: z.string(),
  name: z.string(),
  namespace: z.string(),
  nodeName: z.string().optional(),
  /** `Pending`, `Running`, `Succeeded`, `Failed` or `Unknown`; open text like the API's own field. */
  phase: z.string().optional(),
  reason: z.string().optional(),
  message: z.string().optional(),
  qosClass: z.string().optional(),
  createdAt: Rfc3339.optional(),
  startTime: Rfc3339.optional(),
  restarts: counter,
  labels,
  ownerKind: z.string().optional(),
  ownerName: z.string().optional(),
  usage: KubePodUsage.optional(),
  containers: z.array(KubePodContainer).max(256).optional(),
});
export type KubePod = z.infer<typeof KubePod>;

export const KubeNamespace = z.object({ ...clusterScoped, phase: z.string().optional() });
export type KubeNamespace = z.infer<typeof KubeNamespace>;

// ---- workloads ----

export const KubeDeployment = z.object({
  ...namespaced,
  desiredReplicas: counter,
  updatedReplicas: counter,
  readyReplicas: counter,
  availableReplicas: counter,
  observedGeneration: u64.optional(),
});
export type KubeDeployment = z.infer<typeof KubeDeployment>;

export const KubeReplicaSet = z.object({
  ...namespaced,
  desiredReplicas: counter,
  readyReplicas: counter,
  availableReplicas: counter,
  fullyLabeledReplicas: counter,
  observedGeneration: u64.optional(),
  ownerKind: z.string().optional(),
  ownerName: z.string().optional(),
});
export type KubeReplicaSet = z.infer<typeof KubeReplicaSet>;

export const KubeStatefulSet = z.object({
  ...namespaced,
  desiredReplicas: counter,
  readyReplicas: counter,
  currentReplicas: counter,
  updatedReplicas: counter,
  availableReplicas: counter,
  serviceName: z.string().optional(),
});
export type KubeStatefulSet = z.infer<typeof KubeStatefulSet>;

export const KubeDaemonSet = z.object({
  ...namespaced,
  desiredNumberScheduled: counter,
  currentNumberScheduled: counter,
  numberReady: counter,
  updatedNumberScheduled: counter,
  numberAvailable: counter,
  numberUnavailable: counter,
  numberMisscheduled: counter,
});
export type KubeDaemonSet = z.infer<typeof KubeDaemonSet>;

export const KubeJob = z.object({
  ...namespaced,
  desiredCompletions: counter,
  succeeded: counter,
  failed: counter,
  active: counter,
  startTime: Rfc3339.optional(),
  completionTime: Rfc3339.optional(),
});
export type KubeJob = z.infer<typeof KubeJob>;

export const KubeCronJob = z.object({
  ...namespaced,
  schedule: z.string().optional(),
  suspend: z.boolean().optional(),
  active: counter,
  lastScheduleTime: Rfc3339.optional(),
  lastSuccessfulTime: Rfc3339.optional(),
});
export type KubeCronJob = z.infer<typeof KubeCronJob>;

export const KubePodDisruptionBudget = z.object({
  ...namespaced,
  /** An int or a percentage such as `50%`, as written in the spec. */
  minAvailable: z.string().optional(),
  maxUnavailable: z.string().optional(),
  desiredHealthy: counter,
  currentHealthy: counter,
  disruptionsAllowed: counter,
  expectedPods: counter,
});
export type KubePodDisruptionBudget = z.infer<typeof KubePodDisruptionBudget>;

export const KubeHorizontalPodAutoscaler = z.object({
  ...namespaced,
  targetKind: z.string().optional(),
  targetName: z.string().optional(),
  minReplicas: counter,
  maxReplicas: counter,
  currentReplicas: counter,
  desiredReplicas: counter,
  metricTypes: names,
});
export type KubeHorizontalPodAutoscaler = z.infer<typeof KubeHorizontalPodAutoscaler>;

// ---- networking ----

export const KubeServicePort = z.object({
  name: z.string().optional(),
  protocol: z.string().optional(),
  port: port.optional(),
  /** A number or a named container port, so always text. */
  targetPort: z.string().optional(),
  nodePort: port.optional(),
});
export type KubeServicePort = z.infer<typeof KubeServicePort>;

export const KubeService = z.object({
  ...namespaced,
  type: z.string().optional(),
  clusterIp: z.string().optional(),
  externalIps: names,
  ports: z.array(KubeServicePort).max(1024).optional(),
  selector: stringMap(1024).optional(),
});
export type KubeService = z.infer<typeof KubeService>;

export const KubeIngress = z.object({
  ...namespaced,
  className: z.string().optional(),
  hosts: names,
  addresses: names,
});
export type KubeIngress = z.infer<typeof KubeIngress>;

export const KubeEndpointPort = z.object({
  name: z.string().optional(),
  protocol: z.string().optional(),
  port: port.optional(),
  appProtocol: z.string().optional(),
});
export type KubeEndpointPort = z.infer<typeof KubeEndpointPort>;

export const KubeEndpointSlice = z.object({
  ...namespaced,
  addressType: z.string().optional(),
  serviceName: z.string().optional(),
  ports: z.array(KubeEndpointPort).max(1024).optional(),
  endpointCount: counter,
  readyEndpointCount: counter,
});
export type KubeEndpointSlice = z.infer<typeof KubeEndpointSlice>;

export const KubeNetworkPolicy = z.object({
  ...namespaced,
  policyTypes: names,
  ingressRuleCount: counter,
  egressRuleCount: counter,
});
export type KubeNetworkPolicy = z.infer<typeof KubeNetworkPolicy>;

// ---- storage ----

export const KubePersistentVolume = z.object({
  ...clusterScoped,
  phase: z.string().optional(),
  storageClass: z.string().optional(),
  capacityBytes: u64.optional(),
  accessModes: names,
  reclaimPolicy: z.string().optional(),
  claimNamespace: z.string().optional(),
  claimName: z.string().optional(),
});
export type KubePersistentVolume = z.infer<typeof KubePersistentVolume>;

export const KubePersistentVolumeClaim = z.object({
  ...namespaced,
  phase: z.string().optional(),
  storageClass: z.string().optional(),
  requestedBytes: u64.optional(),
  capacityBytes: u64.optional(),
  accessModes: names,
  volumeName: z.string().optional(),
});
export type KubePersistentVolumeClaim = z.infer<typeof KubePersistentVolumeClaim>;

export const KubeStorageClass = z.object({
  ...clusterScoped,
  provisioner: z.string().optional(),
  reclaimPolicy: z.string().optional(),
  volumeBindingMode: z.string().optional(),
  allowVolumeExpansion: z.boolean().optional(),
  parameterKeys: names,
});
export type KubeStorageClass = z.infer<typeof KubeStorageClass>;

// ---- configuration and access (metadata and counts only: never values, rules or subjects) ----

export const KubeConfigMap = z.object({
  ...namespaced,
  dataKeys: names,
  binaryDataKeys: names,
  immutable: z.boolean().optional(),
  metadataOnly: z.boolean().optional(),
});
export type KubeConfigMap = z.infer<typeof KubeConfigMap>;

export const KubeSecret = z.object({
  ...namespaced,
  type: z.string().optional(),
  dataKeys: names,
  immutable: z.boolean().optional(),
  metadataOnly: z.boolean().optional(),
});
export type KubeSecret = z.infer<typeof KubeSecret>;

export const KubeServiceAccount = z.object({
  ...namespaced,
  automountServiceAccountToken: z.boolean().optional(),
  secretCount: counter,
  imagePullSecrets: names,
});
export type KubeServiceAccount = z.infer<typeof KubeServiceAccount>;

export const KubeRole = z.object({ ...namespaced, ruleCount: counter });
export type KubeRole = z.infer<typeof KubeRole>;

export const KubeClusterRole = z.object({
  ...clusterScoped,
  ruleCount: counter,
  aggregationLabels: stringMap(1024).optional(),
});
export type KubeClusterRole = z.infer<typeof KubeClusterRole>;

const binding = {
  roleKind: z.string(),
  roleName: z.string(),
  subjectCount: counter,
  subjectKinds: names,
};

export const KubeRoleBinding = z.object({ ...namespaced, ...binding });
export type KubeRoleBinding = z.infer<typeof KubeRoleBinding>;

export const KubeClusterRoleBinding = z.object({ ...clusterScoped, ...binding });
export type KubeClusterRoleBinding = z.infer<typeof KubeClusterRoleBinding>;

/** Quantities as the API prints them (`10`, `4Gi`, `500m`). */
export const KubeResourceQuota = z.object({
  ...namespaced,
  hard: stringMap(1024).optional(),
  used: stringMap(1024).optional(),
});
export type KubeResourceQuota = z.infer<typeof KubeResourceQuota>;

export const KubeLimitRange = z.object({ ...namespaced, limitTypes: names });
export type KubeLimitRange = z.infer<typeof KubeLimitRange>;

// ---- events and recovery points ----

export const KubeEvent = z.object({
  uid: z.string().optional(),
  name: z.string().optional(),
  namespace: z.string().optional(),
  /** `Normal` or `Warning`. */
  type: z.string().optional(),
  reason: z.string().optional(),
  message: z.string().optional(),
  involvedKind: z.string().optional(),
  involvedName: z.string().optional(),
  count: counter,
  firstSeen: Rfc3339.optional(),
  lastSeen: Rfc3339.optional(),
  eventTime: Rfc3339.optional(),
});
export type KubeEvent = z.infer<typeof KubeEvent>;

/** A snapshot.storage.k8s.io VolumeSnapshot, when that API exists and RBAC allows reading it. */
export const KubeVolumeSnapshot = z.object({
  uid: z.string().optional(),
  name: z.string(),
  namespace: z.string(),
  snapshotClass: z.string().optional(),
  sourcePvc: z.string().optional(),
  sourcePvcUid: z.string().optional(),
  readyToUse: z.boolean().optional(),
  restoreSizeBytes: u64.optional(),
  creationTime: Rfc3339.optional(),
  completionTime: Rfc3339.optional(),
  contentName: z.string().optional(),
  error: z.string().optional(),
});
export type KubeVolumeSnapshot = z.infer<typeof KubeVolumeSnapshot>;

/** A Velero Backup, when Velero is installed and RBAC allows reading it. */
export const KubeVeleroBackup = z.object({
  uid: z.string().optional(),
  name: z.string(),
  namespace: z.string().optional(),
  phase: z.string().optional(),
  startedAt: Rfc3339.optional(),
  completedAt: Rfc3339.optional(),
  expiration: Rfc3339.optional(),
  storageLocation: z.string().optional(),
});
export type KubeVeleroBackup = z.infer<typeof KubeVeleroBackup>;

export const KubeRecovery = z.object({
  volumeSnapshots: z.array(KubeVolumeSnapshot).max(1000).optional(),
  veleroBackups: z.array(KubeVeleroBackup).max(1000).optional(),
});
export type KubeRecovery = z.infer<typeof KubeRecovery>;

// ---- the report and the answer ----

function kind<T extends z.ZodType>(item: T, max = 5000) {
  return z.array(item).max(max).optional();
}

export const KubernetesReport = z.object({
  agent: KubernetesAgentInfo,
  cluster: KubernetesClusterInfo,
  nodes: kind(KubeNode),
  namespaces: kind(KubeNamespace),
  pods: kind(KubePod, 10_000),
  deployments: kind(KubeDeployment),
  replicaSets: kind(KubeReplicaSet),
  statefulSets: kind(KubeStatefulSet),
  daemonSets: kind(KubeDaemonSet),
  services: kind(KubeService),
  jobs: kind(KubeJob),
  cronJobs: kind(KubeCronJob),
  ingresses: kind(KubeIngress),
  endpointSlices: kind(KubeEndpointSlice),
  networkPolicies: kind(KubeNetworkPolicy),
  persistentVolumes: kind(KubePersistentVolume),
  persistentVolumeClaims: kind(KubePersistentVolumeClaim),
  storageClasses: kind(KubeStorageClass),
  configMaps: kind(KubeConfigMap),
  secrets: kind(KubeSecret),
  serviceAccounts: kind(KubeServiceAccount),
  roles: kind(KubeRole),
  clusterRoles: kind(KubeClusterRole),
  roleBindings: kind(KubeRoleBinding),
  clusterRoleBindings: kind(KubeClusterRoleBinding),
  resourceQuotas: kind(KubeResourceQuota),
  limitRanges: kind(KubeLimitRange),
  podDisruptionBudgets: kind(KubePodDisruptionBudget),
  horizontalPodAutoscalers: kind(KubeHorizontalPodAutoscaler),
  events: kind(KubeEvent, 1000),
  recovery: KubeRecovery.optional(),
  timestamp: Rfc3339,
});
export type KubernetesReport = z.infer<typeof KubernetesReport>;

/** `nodes`, `pods` and `deployments` are counts, not lists. */
export const KubernetesReportResponse = z.object({
  success: z.boolean(),
  clusterId: z.string(),
  nodes: count,
  pods: count,
  deployments: count,
  lastSeen: Rfc3339,
});
export type KubernetesReportResponse = z.infer<typeof KubernetesReportResponse>;

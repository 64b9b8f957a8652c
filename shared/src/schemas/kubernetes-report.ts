// Wire schema of the Kubernetes agent report (POST /api/agents/kubernetes/report) and of the server's answer.
import { z } from 'zod';
import { AgentType, Rfc3339 } from './host-report.ts';
import { ReportWarnings } from './report-warnings.ts';
import { count, nameString, requiredId, stringMap, textString, u64 } from './wire-numbers.ts';

// Unknown keys are stripped (zod's default), so a newer agent still gets its known fields through.
// The agent omits zero values (Go omitempty), so counters and usage figures are optional even where
// the spec lists them bare: an idle pod's 0 millicores arrive as a missing key.
// A null field of any object in the report (an item, the agent or cluster block, a usage block) reads as
// a missing key, and so does a null kind list or recovery block: this agent leaves unset fields out, but
// a Go agent writes a nil pointer, slice or map as null, and one unscheduled pod's `nodeName: null` must
// not cost the whole cluster its report. A null where a field is required still fails, at its path.
// Caps bound the work one report can cause, on top of the body limits (2 MiB encoded, 10 MiB decoded).
// The agent's own defaults are lower (1000 items per kind, 200 pods, 200 events) but configurable, so
// the server allows: nodes 5000 (the largest supported cluster), pods 10000, events 1000, every other
// kind 5000, each recovery list 1000; containers per pod 256; label, selector and quota maps 1024 keys;
// any other list inside an item (ports, hosts, keys, modes, kinds) 1024. Strings are capped too: names,
// ids, kinds, phases, reasons and versions at 256 characters; messages, errors, URLs and image
// references at 4096 (a registry, a path, a tag and a digest together can pass 256).

/** A copy of a JSON object without its null-valued keys; anything else is left for the schema to judge. */
function withoutNulls(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== null));
}

/** An object of the report whose null fields count as absent. */
function item<S extends z.core.$ZodLooseShape>(shape: S) {
  return z.preprocess(withoutNulls, z.object(shape));
}

/** Absent, or null as a Go agent writes a nil slice or struct pointer: both read as absent. */
function absentIfNull<T extends z.ZodType>(schema: T) {
  return schema
    .nullable()
    .transform((value) => value ?? undefined)
    .optional();
}

const name = nameString;
const text = textString;
const labels = stringMap(1024).optional();
const names = z.array(nameString).max(1024).optional();
const counter = count.optional();
const port = count.max(65_535);

/** What every reported object carries; `uid` is the API server's, so it is present but not checked. */
const clusterScoped = {
  uid: name,
  name,
  createdAt: Rfc3339.optional(),
  labels,
};
const namespaced = { ...clusterScoped, namespace: name };

// ---- agent and cluster ----

export const KubernetesAgentInfo = item({
  id: name,
  version: name,
  type: AgentType.optional(),
  intervalSeconds: count,
});
export type KubernetesAgentInfo = z.infer<typeof KubernetesAgentInfo>;

export const KubernetesClusterInfo = item({
  /** Stable and agent-generated; the server keys the cluster on it. */
  id: requiredId(),
  name: name.optional(),
  /** API server URL; behind a proxy such as Rancher's it carries a path, so it is text, not a name. */
  server: text.optional(),
  /** Kubeconfig context, when the agent runs outside the cluster. */
  context: name.optional(),
  version: name.optional(),
  /** Best effort: `gke`, `eks`, `aks`, ... */
  provider: name.optional(),
  /** The agent's own namespace when it runs in the cluster. */
  namespace: name.optional(),
});
export type KubernetesClusterInfo = z.infer<typeof KubernetesClusterInfo>;

// ---- nodes and pods ----

export const KubeNodeResources = item({
  cpuCores: u64.optional(),
  memoryBytes: u64.optional(),
  pods: u64.optional(),
});
export type KubeNodeResources = z.infer<typeof KubeNodeResources>;

/** From metrics.k8s.io, else the kubelet summary; absent when neither answered. */
export const KubeNodeUsage = item({
  cpuMilliCores: u64.optional(),
  memoryBytes: u64.optional(),
});
export type KubeNodeUsage = z.infer<typeof KubeNodeUsage>;

export const KubeNode = item({
  uid: name,
  name,
  ready: z.boolean(),
  unschedulable: z.boolean().optional(),
  kubeletVersion: name.optional(),
  containerRuntimeVersion: name.optional(),
  osImage: name.optional(),
  kernelVersion: name.optional(),
  architecture: name.optional(),
  capacity: KubeNodeResources.optional(),
  allocatable: KubeNodeResources.optional(),
  usage: KubeNodeUsage.optional(),
  roles: z.array(name).max(64).optional(),
});
export type KubeNode = z.infer<typeof KubeNode>;

export const KubePodUsage = item({
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

export const KubePodContainer = item({
  name,
  image: text.optional(),
  ready: z.boolean(),
  restartCount: counter,
  state: KubeContainerState.optional(),
  /** The waiting or terminated reason, e.g. `CrashLoopBackOff` or `OOMKilled`. */
  reason: name.optional(),
  message: text.optional(),
});
export type KubePodContainer = z.infer<typeof KubePodContainer>;

/**
 * Only problem pods unless the agent runs with --kube-include-all-pods. A pod the scheduler has not placed
 * yet has no `nodeName`; one without an owner (a bare pod) has no `ownerKind`/`ownerName`.
 */
export const KubePod = item({
  uid: name,
  name,
  namespace: name,
  nodeName: name.optional(),
  /** `Pending`, `Running`, `Succeeded`, `Failed` or `Unknown`; open text like the API's own field. */
  phase: name.optional(),
  /** The API's reason (`Evicted`), else what `kubectl get pods` shows: `CrashLoopBackOff`, `Terminating`. */
  reason: name.optional(),
  message: text.optional(),
  qosClass: name.optional(),
  createdAt: Rfc3339.optional(),
  startTime: Rfc3339.optional(),
  /**
   * True once deletion was requested (metadata.deletionTimestamp is set). The phase stays what it was,
   * often `Running`, until the kubelet has stopped the containers.
   */
  terminating: z.boolean().optional(),
  /** When a terminating pod's grace period ends; one still listed well after it is stuck on a finalizer or a lost node. */
  deletionTimestamp: Rfc3339.optional(),
  restarts: counter,
  labels,
  ownerKind: name.optional(),
  ownerName: name.optional(),
  usage: KubePodUsage.optional(),
  containers: z.array(KubePodContainer).max(256).optional(),
});
export type KubePod = z.infer<typeof KubePod>;

export const KubeNamespace = item({ ...clusterScoped, phase: name.optional() });
export type KubeNamespace = z.infer<typeof KubeNamespace>;

// ---- workloads ----

export const KubeDeployment = item({
  ...namespaced,
  desiredReplicas: counter,
  updatedReplicas: counter,
  readyReplicas: counter,
  availableReplicas: counter,
  observedGeneration: u64.optional(),
});
export type KubeDeployment = z.infer<typeof KubeDeployment>;

export const KubeReplicaSet = item({
  ...namespaced,
  desiredReplicas: counter,
  readyReplicas: counter,
  availableReplicas: counter,
  fullyLabeledReplicas: counter,
  observedGeneration: u64.optional(),
  ownerKind: name.optional(),
  ownerName: name.optional(),
});
export type KubeReplicaSet = z.infer<typeof KubeReplicaSet>;

export const KubeStatefulSet = item({
  ...namespaced,
  desiredReplicas: counter,
  readyReplicas: counter,
  currentReplicas: counter,
  updatedReplicas: counter,
  availableReplicas: counter,
  serviceName: name.optional(),
});
export type KubeStatefulSet = z.infer<typeof KubeStatefulSet>;

export const KubeDaemonSet = item({
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

export const KubeJob = item({
  ...namespaced,
  desiredCompletions: counter,
  succeeded: counter,
  failed: counter,
  active: counter,
  startTime: Rfc3339.optional(),
  completionTime: Rfc3339.optional(),
});
export type KubeJob = z.infer<typeof KubeJob>;

export const KubeCronJob = item({
  ...namespaced,
  schedule: name.optional(),
  suspend: z.boolean().optional(),
  active: counter,
  lastScheduleTime: Rfc3339.optional(),
  lastSuccessfulTime: Rfc3339.optional(),
});
export type KubeCronJob = z.infer<typeof KubeCronJob>;

export const KubePodDisruptionBudget = item({
  ...namespaced,
  /** An int or a percentage such as `50%`, as written in the spec. */
  minAvailable: name.optional(),
  maxUnavailable: name.optional(),
  desiredHealthy: counter,
  currentHealthy: counter,
  disruptionsAllowed: counter,
  expectedPods: counter,
});
export type KubePodDisruptionBudget = z.infer<typeof KubePodDisruptionBudget>;

export const KubeHorizontalPodAutoscaler = item({
  ...namespaced,
  targetKind: name.optional(),
  targetName: name.optional(),
  minReplicas: counter,
  maxReplicas: counter,
  currentReplicas: counter,
  desiredReplicas: counter,
  metricTypes: names,
});
export type KubeHorizontalPodAutoscaler = z.infer<typeof KubeHorizontalPodAutoscaler>;

// ---- networking ----

export const KubeServicePort = item({
  name: name.optional(),
  protocol: name.optional(),
  port: port.optional(),
  /** A number or a named container port, so always text. */
  targetPort: name.optional(),
  nodePort: port.optional(),
});
export type KubeServicePort = z.infer<typeof KubeServicePort>;

export const KubeService = item({
  ...namespaced,
  type: name.optional(),
  clusterIp: name.optional(),
  externalIps: names,
  ports: z.array(KubeServicePort).max(1024).optional(),
  selector: stringMap(1024).optional(),
});
export type KubeService = z.infer<typeof KubeService>;

export const KubeIngress = item({
  ...namespaced,
  className: name.optional(),
  hosts: names,
  addresses: names,
});
export type KubeIngress = z.infer<typeof KubeIngress>;

export const KubeEndpointPort = item({
  name: name.optional(),
  protocol: name.optional(),
  port: port.optional(),
  appProtocol: name.optional(),
});
export type KubeEndpointPort = z.infer<typeof KubeEndpointPort>;

export const KubeEndpointSlice = item({
  ...namespaced,
  addressType: name.optional(),
  serviceName: name.optional(),
  ports: z.array(KubeEndpointPort).max(1024).optional(),
  endpointCount: counter,
  readyEndpointCount: counter,
});
export type KubeEndpointSlice = z.infer<typeof KubeEndpointSlice>;

export const KubeNetworkPolicy = item({
  ...namespaced,
  policyTypes: names,
  ingressRuleCount: counter,
  egressRuleCount: counter,
});
export type KubeNetworkPolicy = z.infer<typeof KubeNetworkPolicy>;

// ---- storage ----

export const KubePersistentVolume = item({
  ...clusterScoped,
  phase: name.optional(),
  storageClass: name.optional(),
  capacityBytes: u64.optional(),
  accessModes: names,
  reclaimPolicy: name.optional(),
  claimNamespace: name.optional(),
  claimName: name.optional(),
});
export type KubePersistentVolume = z.infer<typeof KubePersistentVolume>;

export const KubePersistentVolumeClaim = item({
  ...namespaced,
  phase: name.optional(),
  storageClass: name.optional(),
  requestedBytes: u64.optional(),
  capacityBytes: u64.optional(),
  accessModes: names,
  volumeName: name.optional(),
});
export type KubePersistentVolumeClaim = z.infer<typeof KubePersistentVolumeClaim>;

export const KubeStorageClass = item({
  ...clusterScoped,
  provisioner: name.optional(),
  reclaimPolicy: name.optional(),
  volumeBindingMode: name.optional(),
  allowVolumeExpansion: z.boolean().optional(),
  parameterKeys: names,
});
export type KubeStorageClass = z.infer<typeof KubeStorageClass>;

// ---- configuration and access (metadata and counts only: never values, rules or subjects) ----

export const KubeConfigMap = item({
  ...namespaced,
  dataKeys: names,
  binaryDataKeys: names,
  immutable: z.boolean().optional(),
  metadataOnly: z.boolean().optional(),
});
export type KubeConfigMap = z.infer<typeof KubeConfigMap>;

export const KubeSecret = item({
  ...namespaced,
  type: name.optional(),
  dataKeys: names,
  immutable: z.boolean().optional(),
  metadataOnly: z.boolean().optional(),
});
export type KubeSecret = z.infer<typeof KubeSecret>;

export const KubeServiceAccount = item({
  ...namespaced,
  automountServiceAccountToken: z.boolean().optional(),
  secretCount: counter,
  imagePullSecrets: names,
});
export type KubeServiceAccount = z.infer<typeof KubeServiceAccount>;

export const KubeRole = item({ ...namespaced, ruleCount: counter });
export type KubeRole = z.infer<typeof KubeRole>;

export const KubeClusterRole = item({
  ...clusterScoped,
  ruleCount: counter,
  aggregationLabels: stringMap(1024).optional(),
});
export type KubeClusterRole = z.infer<typeof KubeClusterRole>;

const binding = {
  roleKind: name,
  roleName: name,
  subjectCount: counter,
  subjectKinds: names,
};

export const KubeRoleBinding = item({ ...namespaced, ...binding });
export type KubeRoleBinding = z.infer<typeof KubeRoleBinding>;

export const KubeClusterRoleBinding = item({ ...clusterScoped, ...binding });
export type KubeClusterRoleBinding = z.infer<typeof KubeClusterRoleBinding>;

/** Quantities as the API prints them (`10`, `4Gi`, `500m`). */
export const KubeResourceQuota = item({
  ...namespaced,
  hard: stringMap(1024).optional(),
  used: stringMap(1024).optional(),
});
export type KubeResourceQuota = z.infer<typeof KubeResourceQuota>;

export const KubeLimitRange = item({ ...namespaced, limitTypes: names });
export type KubeLimitRange = z.infer<typeof KubeLimitRange>;

// ---- events and recovery points ----

export const KubeEvent = item({
  uid: name.optional(),
  name: name.optional(),
  namespace: name.optional(),
  /** `Normal` or `Warning`. */
  type: name.optional(),
  reason: name.optional(),
  message: text.optional(),
  involvedKind: name.optional(),
  involvedName: name.optional(),
  count: counter,
  firstSeen: Rfc3339.optional(),
  lastSeen: Rfc3339.optional(),
  eventTime: Rfc3339.optional(),
});
export type KubeEvent = z.infer<typeof KubeEvent>;

/** A snapshot.storage.k8s.io VolumeSnapshot, when that API exists and RBAC allows reading it. */
export const KubeVolumeSnapshot = item({
  uid: name.optional(),
  name,
  namespace: name,
  snapshotClass: name.optional(),
  sourcePvc: name.optional(),
  sourcePvcUid: name.optional(),
  readyToUse: z.boolean().optional(),
  restoreSizeBytes: u64.optional(),
  creationTime: Rfc3339.optional(),
  completionTime: Rfc3339.optional(),
  contentName: name.optional(),
  error: text.optional(),
});
export type KubeVolumeSnapshot = z.infer<typeof KubeVolumeSnapshot>;

/** A Velero Backup, when Velero is installed and RBAC allows reading it. */
export const KubeVeleroBackup = item({
  uid: name.optional(),
  name,
  namespace: name.optional(),
  phase: name.optional(),
  startedAt: Rfc3339.optional(),
  completedAt: Rfc3339.optional(),
  expiration: Rfc3339.optional(),
  storageLocation: name.optional(),
});
export type KubeVeleroBackup = z.infer<typeof KubeVeleroBackup>;

export const KubeRecovery = item({
  volumeSnapshots: z.array(KubeVolumeSnapshot).max(1000).optional(),
  veleroBackups: z.array(KubeVeleroBackup).max(1000).optional(),
});
export type KubeRecovery = z.infer<typeof KubeRecovery>;

// ---- the report and the answer ----

/** One kind's list; null (a Go nil slice) reads as absent, like a kind the agent could not list. */
function kind<T extends z.ZodType>(entry: T, max = 5000) {
  return absentIfNull(z.array(entry).max(max));
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
  recovery: absentIfNull(KubeRecovery),
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
  /** What the server dropped or changed in this report; absent when it took the report as sent. */
  warnings: ReportWarnings.optional(),
});
export type KubernetesReportResponse = z.infer<typeof KubernetesReportResponse>;

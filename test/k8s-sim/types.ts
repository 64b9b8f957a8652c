// Wire shapes (JSON as kube-apiserver sends it) for the objects the Kubernetes simulator serves.

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ObjectMeta {
  name: string;
  namespace?: string;
  /** Absent only on metrics.k8s.io objects, which metrics-server makes up per request. */
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp: string;
  deletionTimestamp?: string;
  generateName?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
}

/** Any object: list items carry no kind/apiVersion on the wire; the server adds them on single GETs. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  lastHeartbeatTime?: string;
  lastProbeTime?: string | null;
  lastUpdateTime?: string;
}

export interface ContainerState {
  running?: { startedAt: string };
  waiting?: { reason: string; message?: string };
  terminated?: {
    exitCode: number;
    reason?: string;
    message?: string;
    startedAt?: string;
    finishedAt?: string;
    containerID?: string;
  };
}

export interface ContainerStatus {
  name: string;
  image: string;
  imageID: string;
  containerID?: string;
  ready: boolean;
  started?: boolean;
  restartCount: number;
  state: ContainerState;
  lastState: ContainerState;
}

export interface Pod extends KubeObject {
  spec: {
    nodeName?: string;
    containers: Array<{ name: string; image: string; [field: string]: unknown }>;
    initContainers?: Array<{ name: string; image: string; [field: string]: unknown }>;
    [field: string]: unknown;
  };
  status: {
    phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';
    reason?: string;
    message?: string;
    conditions?: Condition[];
    hostIP?: string;
    podIP?: string;
    startTime?: string;
    qosClass?: string;
    initContainerStatuses?: ContainerStatus[];
    containerStatuses?: ContainerStatus[];
    [field: string]: unknown;
  };
}

export interface Node extends KubeObject {
  spec: {
    podCIDR?: string;
    taints?: Array<{ key: string; effect: string; value?: string; timeAdded?: string }>;
    unschedulable?: boolean;
    [field: string]: unknown;
  };
  status: {
    capacity: Record<string, string>;
    allocatable: Record<string, string>;
    conditions: Condition[];
    addresses: Array<{ type: string; address: string }>;
    nodeInfo: Record<string, string>;
    [field: string]: unknown;
  };
}

export interface Deployment extends KubeObject {
  spec: { replicas: number; [field: string]: unknown };
  status: {
    replicas?: number;
    updatedReplicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    unavailableReplicas?: number;
    [field: string]: unknown;
  };
}

export interface VersionInfo {
  major: string;
  minor: string;
  gitVersion: string;
  gitCommit: string;
  gitTreeState: string;
  buildDate: string;
  goVersion: string;
  compiler: string;
  platform: string;
}

export interface KubeFixtures {
  version: VersionInfo;
  nodes: Node[];
  namespaces: KubeObject[];
  pods: Pod[];
  services: KubeObject[];
  events: KubeObject[];
  deployments: Deployment[];
  replicasets: KubeObject[];
  statefulsets: KubeObject[];
  daemonsets: KubeObject[];
  jobs: KubeObject[];
  cronjobs: KubeObject[];
  /** metrics.k8s.io/v1beta1 NodeMetrics (metrics-server omits nodes it cannot scrape). */
  nodeMetrics: KubeObject[];
  /** metrics.k8s.io/v1beta1 PodMetrics. */
  podMetrics: KubeObject[];
}

/** Keys of KubeFixtures that hold object collections. */
export type Collection = Exclude<keyof KubeFixtures, 'version'>;

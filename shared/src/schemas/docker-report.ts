// Wire schema of the Docker/Podman agent report (POST /api/agents/docker/report) and of the server's answer.
import { z } from 'zod';
import { AgentType, Disk, HostInfo, MemoryMetric, NetworkInterface, Rfc3339 } from './host-report.ts';
import { count, goList, int, percent, requiredId, stringMap, u64 } from './wire-numbers.ts';

// Unknown keys are stripped (zod's default), so a newer agent still gets its known fields through.
// Caps bound the work one report can cause in ingest and in the live state, on top of the body limits
// (2 MiB encoded, 10 MiB decoded): containers 2000, images 5000, volumes 5000, networks 1000, Swarm
// services 2000, tasks 10000, nodes 1000, secrets and configs 2000 each; per container ports 65536 (a
// published range lists every port), networks and mounts 1024, env 4096, healthcheck targets 64; label,
// option and selector maps 1024 keys; image tags and digests 1024; network subnets 64; service ports
// 1024; host disks and interfaces 512 as in the host report.

const labels = stringMap(1024).optional();
const port = count.max(65_535);
/** Docker writes -1 for a size or count it did not compute (image SharedSize, volume UsageData). */
const u64OrUnknown = z.union([z.literal(-1), u64]);

// ---- agent and host ----

/** `id` may be empty: the server then falls back to host.machineId, then host.hostname. */
export const DockerAgentInfo = z.object({
  id: z.string(),
  version: z.string(),
  type: AgentType.optional(),
  intervalSeconds: count,
});
export type DockerAgentInfo = z.infer<typeof DockerAgentInfo>;

export const DockerRuntime = z.enum(['docker', 'podman']);
export type DockerRuntime = z.infer<typeof DockerRuntime>;

/** The Swarm state of the reporting node; `error` says why it could not be read. */
export const DockerSwarmInfo = z.object({
  nodeId: z.string().optional(),
  nodeRole: z.string().optional(),
  localState: z.string().optional(),
  controlAvailable: z.boolean().optional(),
  clusterId: z.string().optional(),
  clusterName: z.string().optional(),
  scope: z.string().optional(),
  error: z.string().optional(),
});
export type DockerSwarmInfo = z.infer<typeof DockerSwarmInfo>;

export const DockerHostSecurity = z.object({
  authorizationPlugins: z.array(z.string()).max(64).optional(),
});
export type DockerHostSecurity = z.infer<typeof DockerHostSecurity>;

export const DockerHostInfo = z.object({
  // The same rule as the host report: the server keys identity on it, so blank counts as missing.
  hostname: HostInfo.shape.hostname,
  name: z.string().optional(),
  machineId: z.string().optional(),
  os: z.string().optional(),
  runtime: DockerRuntime.optional(),
  runtimeVersion: z.string().optional(),
  kernelVersion: z.string().optional(),
  architecture: z.string().optional(),
  dockerVersion: z.string().optional(),
  totalCpu: count.optional(),
  totalMemoryBytes: u64.optional(),
  uptimeSeconds: u64.optional(),
  swarm: DockerSwarmInfo.optional(),
  cpuUsagePercent: percent.optional(),
  loadAverage: z.array(z.number().nonnegative()).max(3).optional(),
  memory: MemoryMetric.optional(),
  disks: z.array(Disk).max(512).optional(),
  network: z.array(NetworkInterface).max(512).optional(),
  security: DockerHostSecurity.optional(),
});
export type DockerHostInfo = z.infer<typeof DockerHostInfo>;

// ---- containers ----

export const DockerContainerPort = z.object({
  privatePort: port,
  publicPort: port.optional(),
  protocol: z.string(),
  ip: z.string().optional(),
});
export type DockerContainerPort = z.infer<typeof DockerContainerPort>;

export const DockerContainerNetwork = z.object({
  name: z.string(),
  ipv4: z.string().optional(),
  ipv6: z.string().optional(),
});
export type DockerContainerNetwork = z.infer<typeof DockerContainerNetwork>;

/** Cumulative since the container started. */
export const DockerContainerBlockIo = z.object({
  readBytes: u64.optional(),
  writeBytes: u64.optional(),
});
export type DockerContainerBlockIo = z.infer<typeof DockerContainerBlockIo>;

export const DockerContainerMount = z.object({
  type: z.string().optional(),
  source: z.string().optional(),
  destination: z.string().optional(),
  mode: z.string().optional(),
  rw: z.boolean(),
  propagation: z.string().optional(),
  name: z.string().optional(),
  driver: z.string().optional(),
});
export type DockerContainerMount = z.infer<typeof DockerContainerMount>;

/** Pod and compose metadata read from Podman's annotations. */
export const DockerContainerPodman = z.object({
  podName: z.string().optional(),
  podId: z.string().optional(),
  infra: z.boolean().optional(),
  composeProject: z.string().optional(),
  composeService: z.string().optional(),
  composeWorkdir: z.string().optional(),
  composeConfigHash: z.string().optional(),
  autoUpdatePolicy: z.string().optional(),
  autoUpdateRestart: z.string().optional(),
  userNamespace: z.string().optional(),
});
export type DockerContainerPodman = z.infer<typeof DockerContainerPodman>;

/** Registry manifest digest against the local RepoDigest, checked about once a day. */
export const DockerContainerUpdateStatus = z.object({
  updateAvailable: z.boolean(),
  currentDigest: z.string().optional(),
  latestDigest: z.string().optional(),
  lastChecked: Rfc3339,
  /** For example `rate limited` or `auth required`. */
  error: z.string().optional(),
});
export type DockerContainerUpdateStatus = z.infer<typeof DockerContainerUpdateStatus>;

/** The spec names healthcheck targets without a shape, so an entry is a string or an opaque object. */
export const DockerHealthcheckTarget = z.union([z.string(), z.record(z.string(), z.unknown())]);
export type DockerHealthcheckTarget = z.infer<typeof DockerHealthcheckTarget>;

export const DockerContainer = z.object({
  id: requiredId(),
  name: z.string(),
  image: z.string(),
  imageDigest: z.string().optional(),
  createdAt: Rfc3339,
  /** The engine's own words (`running`, `exited`, `restarting`, Podman's `stopped`, ...). */
  state: z.string(),
  /** Human text such as `Up 3 hours (healthy)`. */
  status: z.string(),
  /** `starting`, `healthy`, `unhealthy` or `none`; absent when the image has no healthcheck. */
  health: z.string().optional(),
  healthcheckTargets: z.array(DockerHealthcheckTarget).max(64).optional(),
  // Docker counts one core as 100 %, so a busy container on several cores passes 100.
  cpuPercent: z.number().nonnegative(),
  /** Usage without page cache (cgroup v1 `cache`, v2 `inactive_file`). */
  memoryUsageBytes: u64,
  memoryLimitBytes: u64,
  // Not capped at 100: cgroup v2 lets usage overshoot memory.max briefly before reclaim.
  memoryPercent: z.number().nonnegative(),
  uptimeSeconds: u64,
  restartCount: count,
  // Any int: Docker reports 0-255 (137 = SIGKILL), Podman -1 when unknown.
  exitCode: int,
  oomKilled: z.boolean().optional(),
  startedAt: Rfc3339.optional(),
  finishedAt: Rfc3339.optional(),
  ports: z.array(DockerContainerPort).max(65_536).optional(),
  labels,
  /** `NAME=value` with the value masked as `***` when the name looks secret. */
  env: z.array(z.string()).max(4096).optional(),
  networks: z.array(DockerContainerNetwork).max(1024).optional(),
  networkRxBytes: u64.optional(),
  networkTxBytes: u64.optional(),
  writableLayerBytes: u64.optional(),
  rootFilesystemBytes: u64.optional(),
  blockIo: DockerContainerBlockIo.optional(),
  mounts: z.array(DockerContainerMount).max(1024).optional(),
  podman: DockerContainerPodman.optional(),
  updateStatus: DockerContainerUpdateStatus.optional(),
});
export type DockerContainer = z.infer<typeof DockerContainer>;

// ---- images, volumes, networks, disk usage ----

export const DockerImage = z.object({
  id: z.string(),
  repoTags: z.array(z.string()).max(1024).optional(),
  repoDigests: z.array(z.string()).max(1024).optional(),
  sizeBytes: u64.optional(),
  sharedSizeBytes: u64OrUnknown.optional(),
  /** Containers using the image; -1 when the engine did not count them. */
  containers: z.union([z.literal(-1), count]).optional(),
  createdAt: Rfc3339.optional(),
  labels,
});
export type DockerImage = z.infer<typeof DockerImage>;

export const DockerVolume = z.object({
  name: z.string(),
  driver: z.string().optional(),
  mountpoint: z.string().optional(),
  scope: z.string().optional(),
  /** Passed through as the engine wrote it, not re-parsed by the agent, so it is not checked as RFC 3339. */
  createdAt: z.string().optional(),
  /** -1 for drivers other than `local`. */
  sizeBytes: u64OrUnknown.optional(),
  refCount: z.union([z.literal(-1), count]).optional(),
  labels,
  options: stringMap(1024).optional(),
});
export type DockerVolume = z.infer<typeof DockerVolume>;

export const DockerNetworkSubnet = z.object({
  subnet: z.string().optional(),
  gateway: z.string().optional(),
});
export type DockerNetworkSubnet = z.infer<typeof DockerNetworkSubnet>;

export const DockerNetwork = z.object({
  id: z.string(),
  name: z.string(),
  driver: z.string().optional(),
  scope: z.string().optional(),
  createdAt: Rfc3339.optional(),
  enableIpv4: z.boolean().optional(),
  enableIpv6: z.boolean().optional(),
  internal: z.boolean().optional(),
  attachable: z.boolean().optional(),
  ingress: z.boolean().optional(),
  configOnly: z.boolean().optional(),
  subnets: z.array(DockerNetworkSubnet).max(64).optional(),
  labels,
  options: stringMap(1024).optional(),
});
export type DockerNetwork = z.infer<typeof DockerNetwork>;

/** One row of `/system/df`. */
export const DockerStorageBucket = z.object({
  totalCount: count.optional(),
  activeCount: count.optional(),
  totalSizeBytes: u64.optional(),
  reclaimableBytes: u64.optional(),
});
export type DockerStorageBucket = z.infer<typeof DockerStorageBucket>;

export const DockerStorageUsage = z.object({
  images: DockerStorageBucket.optional(),
  containers: DockerStorageBucket.optional(),
  volumes: DockerStorageBucket.optional(),
  buildCache: DockerStorageBucket.optional(),
});
export type DockerStorageUsage = z.infer<typeof DockerStorageUsage>;

// ---- Swarm (reported by a manager node) ----

export const DockerServicePort = z.object({
  name: z.string().optional(),
  protocol: z.string().optional(),
  targetPort: port.optional(),
  publishedPort: port.optional(),
  publishMode: z.string().optional(),
});
export type DockerServicePort = z.infer<typeof DockerServicePort>;

export const DockerServiceUpdate = z.object({
  state: z.string().optional(),
  message: z.string().optional(),
  completedAt: Rfc3339.optional(),
});
export type DockerServiceUpdate = z.infer<typeof DockerServiceUpdate>;

export const DockerService = z.object({
  id: z.string(),
  name: z.string(),
  stack: z.string().optional(),
  image: z.string().optional(),
  mode: z.string().optional(),
  desiredTasks: count.optional(),
  runningTasks: count.optional(),
  completedTasks: count.optional(),
  labels,
  endpointPorts: z.array(DockerServicePort).max(1024).optional(),
  updateStatus: DockerServiceUpdate.optional(),
  createdAt: Rfc3339.optional(),
  updatedAt: Rfc3339.optional(),
});
export type DockerService = z.infer<typeof DockerService>;

export const DockerTask = z.object({
  id: z.string(),
  serviceId: z.string().optional(),
  serviceName: z.string().optional(),
  slot: count.optional(),
  nodeId: z.string().optional(),
  nodeName: z.string().optional(),
  desiredState: z.string().optional(),
  currentState: z.string().optional(),
  error: z.string().optional(),
  message: z.string().optional(),
  containerId: z.string().optional(),
  containerName: z.string().optional(),
  createdAt: Rfc3339.optional(),
  updatedAt: Rfc3339.optional(),
  startedAt: Rfc3339.optional(),
  completedAt: Rfc3339.optional(),
});
export type DockerTask = z.infer<typeof DockerTask>;

export const DockerSwarmNode = z.object({
  id: z.string(),
  hostname: z.string().optional(),
  role: z.string().optional(),
  availability: z.string().optional(),
  state: z.string().optional(),
  message: z.string().optional(),
  address: z.string().optional(),
  managerReachability: z.string().optional(),
  managerAddress: z.string().optional(),
  leader: z.boolean().optional(),
  engineVersion: z.string().optional(),
  os: z.string().optional(),
  architecture: z.string().optional(),
  nanoCpus: u64.optional(),
  memoryBytes: u64.optional(),
  labels,
  engineLabels: stringMap(1024).optional(),
  createdAt: Rfc3339.optional(),
  updatedAt: Rfc3339.optional(),
});
export type DockerSwarmNode = z.infer<typeof DockerSwarmNode>;

// Secrets and configs are metadata only: the agent never reads their payloads.
const swarmObject = {
  id: z.string(),
  name: z.string(),
  labels,
  templatingDriver: z.string().optional(),
  createdAt: Rfc3339.optional(),
  updatedAt: Rfc3339.optional(),
};

export const DockerSecret = z.object({ ...swarmObject, driverName: z.string().optional() });
export type DockerSecret = z.infer<typeof DockerSecret>;

export const DockerConfig = z.object(swarmObject);
export type DockerConfig = z.infer<typeof DockerConfig>;

// ---- the report and the answer ----

export const DockerReport = z.object({
  agent: DockerAgentInfo,
  host: DockerHostInfo,
  // The Go field has no omitempty, so an engine with no containers sends null.
  containers: goList(DockerContainer, 2000),
  images: z.array(DockerImage).max(5000).optional(),
  volumes: z.array(DockerVolume).max(5000).optional(),
  networks: z.array(DockerNetwork).max(1000).optional(),
  services: z.array(DockerService).max(2000).optional(),
  tasks: z.array(DockerTask).max(10_000).optional(),
  nodes: z.array(DockerSwarmNode).max(1000).optional(),
  secrets: z.array(DockerSecret).max(2000).optional(),
  configs: z.array(DockerConfig).max(2000).optional(),
  storageUsage: DockerStorageUsage.optional(),
  timestamp: Rfc3339,
});
export type DockerReport = z.infer<typeof DockerReport>;

/** Command types the server queues today; the response carries `type` as open text so a newer one passes. */
export const DockerCommandType = z.enum(['stop', 'update_container', 'update_all', 'check_updates']);
export type DockerCommandType = z.infer<typeof DockerCommandType>;

export const DockerCommand = z.object({
  id: z.string().min(1),
  type: z.string().min(1),
  payload: z.record(z.string(), z.unknown()).optional(),
});
export type DockerCommand = z.infer<typeof DockerCommand>;

export const DockerReportResponse = z.object({
  success: z.boolean(),
  agentId: z.string(),
  /** A count, not the list. */
  containers: count,
  lastSeen: Rfc3339,
  /** At most one queued command per report. */
  commands: z.array(DockerCommand).max(1).optional(),
});
export type DockerReportResponse = z.infer<typeof DockerReportResponse>;

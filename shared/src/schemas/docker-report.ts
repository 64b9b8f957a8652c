// Wire schema of the Docker/Podman agent report (POST /api/agents/docker/report) and of the server's answer.
import { z } from 'zod';
import { BoundedJsonObject } from './bounded-json.ts';
import { AgentType, Disk, HostInfo, MemoryMetric, NetworkInterface, Rfc3339 } from './host-report.ts';
import { ReportWarnings } from './report-warnings.ts';
import {
  count,
  goList,
  hostnameString,
  int,
  nameString,
  percent,
  requiredId,
  stringMap,
  textString,
  u64,
} from './wire-numbers.ts';

// Unknown keys are stripped (zod's default), so a newer agent still gets its known fields through.
// Caps bound the work one report can cause in ingest and in the live state, on top of the body limits
// (2 MiB encoded, 10 MiB decoded): containers 2000, images 5000, volumes 5000, networks 1000, Swarm
// services 2000, tasks 10000, nodes 1000, secrets and configs 2000 each; per container ports 4096 (a
// published range lists every port, and a wider one is better published as a host network), networks
// and mounts 1024, env 512 entries, healthcheck targets 64; label, option and selector maps 1024 keys;
// image tags and digests 1024; network subnets 64; service ports 1024; host disks and interfaces 512 as
// in the host report. Strings (STRING_LIMITS): hostnames 253; names, ids, states, versions, digests,
// addresses and map keys 256; free text, paths, image references, env entries and map values 4 KiB.
// A healthcheck target object is bounded JSON: depth 8, 256 entries per level, 4096 values in all.

const labels = stringMap(1024).optional();
const port = count.max(65_535);
/** Docker writes -1 for a size or count it did not compute (image SharedSize, volume UsageData). */
const u64OrUnknown = z.union([z.literal(-1), u64]);

// ---- agent and host ----

/** `id` may be empty: the server then falls back to host.machineId, then host.hostname. */
export const DockerAgentInfo = z.object({
  id: nameString,
  version: nameString,
  type: AgentType.optional(),
  intervalSeconds: count,
});
export type DockerAgentInfo = z.infer<typeof DockerAgentInfo>;

export const DockerRuntime = z.enum(['docker', 'podman']);
export type DockerRuntime = z.infer<typeof DockerRuntime>;

/** The Swarm state of the reporting node; `error` says why it could not be read. */
export const DockerSwarmInfo = z.object({
  nodeId: nameString.optional(),
  nodeRole: nameString.optional(),
  localState: nameString.optional(),
  controlAvailable: z.boolean().optional(),
  clusterId: nameString.optional(),
  clusterName: nameString.optional(),
  scope: nameString.optional(),
  error: textString.optional(),
});
export type DockerSwarmInfo = z.infer<typeof DockerSwarmInfo>;

export const DockerHostSecurity = z.object({
  authorizationPlugins: z.array(nameString).max(64).optional(),
});
export type DockerHostSecurity = z.infer<typeof DockerHostSecurity>;

export const DockerHostInfo = z.object({
  // The same rule as the host report: the server keys identity on it, so blank counts as missing.
  hostname: HostInfo.shape.hostname,
  name: nameString.optional(),
  machineId: nameString.optional(),
  os: nameString.optional(),
  runtime: DockerRuntime.optional(),
  runtimeVersion: nameString.optional(),
  kernelVersion: nameString.optional(),
  architecture: nameString.optional(),
  dockerVersion: nameString.optional(),
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
  protocol: nameString,
  ip: nameString.optional(),
});
export type DockerContainerPort = z.infer<typeof DockerContainerPort>;

export const DockerContainerNetwork = z.object({
  name: nameString,
  ipv4: nameString.optional(),
  ipv6: nameString.optional(),
});
export type DockerContainerNetwork = z.infer<typeof DockerContainerNetwork>;

/** Cumulative since the container started. */
export const DockerContainerBlockIo = z.object({
  readBytes: u64.optional(),
  writeBytes: u64.optional(),
});
export type DockerContainerBlockIo = z.infer<typeof DockerContainerBlockIo>;

export const DockerContainerMount = z.object({
  type: nameString.optional(),
  source: textString.optional(),
  destination: textString.optional(),
  mode: nameString.optional(),
  rw: z.boolean(),
  propagation: nameString.optional(),
  name: nameString.optional(),
  driver: nameString.optional(),
});
export type DockerContainerMount = z.infer<typeof DockerContainerMount>;

/** Pod and compose metadata read from Podman's annotations. */
export const DockerContainerPodman = z.object({
  podName: nameString.optional(),
  podId: nameString.optional(),
  infra: z.boolean().optional(),
  composeProject: nameString.optional(),
  composeService: nameString.optional(),
  composeWorkdir: textString.optional(),
  composeConfigHash: nameString.optional(),
  autoUpdatePolicy: nameString.optional(),
  autoUpdateRestart: nameString.optional(),
  userNamespace: nameString.optional(),
});
export type DockerContainerPodman = z.infer<typeof DockerContainerPodman>;

/** Registry manifest digest against the local RepoDigest, checked about once a day. */
export const DockerContainerUpdateStatus = z.object({
  updateAvailable: z.boolean(),
  currentDigest: nameString.optional(),
  latestDigest: nameString.optional(),
  lastChecked: Rfc3339,
  /** For example `rate limited` or `auth required`. */
  error: textString.optional(),
});
export type DockerContainerUpdateStatus = z.infer<typeof DockerContainerUpdateStatus>;

/**
 * The spec names healthcheck targets without a shape, so an entry is a string or an opaque object; the
 * object is bounded JSON (depth 8) so a target cannot nest deep enough to break serialising the state.
 */
export const DockerHealthcheckTarget = z.union([textString, BoundedJsonObject]);
export type DockerHealthcheckTarget = z.infer<typeof DockerHealthcheckTarget>;

export const DockerContainer = z.object({
  id: requiredId(),
  name: nameString,
  image: textString,
  imageDigest: nameString.optional(),
  createdAt: Rfc3339,
  /** The engine's own words (`running`, `exited`, `restarting`, Podman's `stopped`, ...). */
  state: nameString,
  /** Human text such as `Up 3 hours (healthy)`. */
  status: textString,
  /** `starting`, `healthy`, `unhealthy` or `none`; absent when the image has no healthcheck. */
  health: nameString.optional(),
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
  ports: z.array(DockerContainerPort).max(4096).optional(),
  labels,
  /** `NAME=value` with the value masked as `***` when the name looks secret. */
  env: z.array(textString).max(512).optional(),
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
  id: nameString,
  // A reference (registry/path:tag@digest) can pass 256 characters.
  repoTags: z.array(textString).max(1024).optional(),
  repoDigests: z.array(textString).max(1024).optional(),
  sizeBytes: u64.optional(),
  sharedSizeBytes: u64OrUnknown.optional(),
  /** Containers using the image; -1 when the engine did not count them. */
  containers: z.union([z.literal(-1), count]).optional(),
  createdAt: Rfc3339.optional(),
  labels,
});
export type DockerImage = z.infer<typeof DockerImage>;

export const DockerVolume = z.object({
  name: nameString,
  driver: nameString.optional(),
  mountpoint: textString.optional(),
  scope: nameString.optional(),
  /** Passed through as the engine wrote it, not re-parsed by the agent, so it is not checked as RFC 3339. */
  createdAt: nameString.optional(),
  /** -1 for drivers other than `local`. */
  sizeBytes: u64OrUnknown.optional(),
  refCount: z.union([z.literal(-1), count]).optional(),
  labels,
  options: stringMap(1024).optional(),
});
export type DockerVolume = z.infer<typeof DockerVolume>;

export const DockerNetworkSubnet = z.object({
  subnet: nameString.optional(),
  gateway: nameString.optional(),
});
export type DockerNetworkSubnet = z.infer<typeof DockerNetworkSubnet>;

export const DockerNetwork = z.object({
  id: nameString,
  name: nameString,
  driver: nameString.optional(),
  scope: nameString.optional(),
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
  name: nameString.optional(),
  protocol: nameString.optional(),
  targetPort: port.optional(),
  publishedPort: port.optional(),
  publishMode: nameString.optional(),
});
export type DockerServicePort = z.infer<typeof DockerServicePort>;

export const DockerServiceUpdate = z.object({
  state: nameString.optional(),
  message: textString.optional(),
  completedAt: Rfc3339.optional(),
});
export type DockerServiceUpdate = z.infer<typeof DockerServiceUpdate>;

export const DockerService = z.object({
  id: nameString,
  name: nameString,
  stack: nameString.optional(),
  image: textString.optional(),
  mode: nameString.optional(),
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
  id: nameString,
  serviceId: nameString.optional(),
  serviceName: nameString.optional(),
  slot: count.optional(),
  nodeId: nameString.optional(),
  nodeName: nameString.optional(),
  desiredState: nameString.optional(),
  currentState: nameString.optional(),
  error: textString.optional(),
  message: textString.optional(),
  containerId: nameString.optional(),
  containerName: nameString.optional(),
  createdAt: Rfc3339.optional(),
  updatedAt: Rfc3339.optional(),
  startedAt: Rfc3339.optional(),
  completedAt: Rfc3339.optional(),
});
export type DockerTask = z.infer<typeof DockerTask>;

export const DockerSwarmNode = z.object({
  id: nameString,
  hostname: hostnameString.optional(),
  role: nameString.optional(),
  availability: nameString.optional(),
  state: nameString.optional(),
  message: textString.optional(),
  address: nameString.optional(),
  managerReachability: nameString.optional(),
  managerAddress: nameString.optional(),
  leader: z.boolean().optional(),
  engineVersion: nameString.optional(),
  os: nameString.optional(),
  architecture: nameString.optional(),
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
  id: nameString,
  name: nameString,
  labels,
  templatingDriver: nameString.optional(),
  createdAt: Rfc3339.optional(),
  updatedAt: Rfc3339.optional(),
};

export const DockerSecret = z.object({ ...swarmObject, driverName: nameString.optional() });
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
  /** What the server dropped or changed in this report; absent when it took the report as sent. */
  warnings: ReportWarnings.optional(),
});
export type DockerReportResponse = z.infer<typeof DockerReportResponse>;

// Wire schema of the host agent report (POST /api/agents/host/report) and of the server's answer to it.
import { z } from 'zod';
import { BoundedJsonObject } from './bounded-json.ts';
import { ReportWarnings } from './report-warnings.ts';
import {
  boundedRecord,
  count,
  goList,
  hostnameString,
  int,
  nameString,
  percent,
  STRING_LIMITS,
  textString,
  u64,
} from './wire-numbers.ts';

// Unknown keys are stripped (zod's default for z.object), so an agent newer than this server still gets
// its known fields through. Array caps below bound the work one report can cause in ingest and in the
// live state (every entry becomes a resource, a series or a row), on top of the body size limits.
// Every string is capped too (STRING_LIMITS): hostnames 253, names, ids, versions, states, devices, MACs
// and addresses 256, free text and paths (messages, errors, mountpoints, filesystems) 4 KiB. Reading
// maps hold at most 1024 keys, Ceph checks 256, and the free-form TLS certificate observation is a
// bounded JSON object (depth 8, see bounded-json.ts).

/**
 * An RFC 3339 timestamp as Go's encoding/json writes it: `Z` or a `±hh:mm` offset, any fraction up to
 * nanoseconds. The Go zero time `0001-01-01T00:00:00Z` is valid and means "unset".
 */
export const Rfc3339 = z.iso.datetime({ offset: true });
export type Rfc3339 = z.infer<typeof Rfc3339>;

/**
 * The v1 ordering token `v1:<streamId>:<n>`: 16 random bytes in hex per agent process, then a counter
 * starting at 1. HostReport itself accepts any sequenceId (other formats are opaque and just not used
 * for ordering); use this to decide whether a value can order reports.
 */
export const SequenceIdV1 = z.string().regex(/^v1:[0-9a-f]{32}:[1-9][0-9]{0,14}$/, 'Invalid v1 sequence id');
export type SequenceIdV1 = z.infer<typeof SequenceIdV1>;

// ---- agent ----

/** Empty means a legacy agent. */
export const AgentType = z.enum(['unified', 'host', 'docker', '']);
export type AgentType = z.infer<typeof AgentType>;

export const AgentUpdateState = z.enum([
  'idle',
  'checking',
  'update-available',
  'updating',
  'error',
  'disabled',
]);
export type AgentUpdateState = z.infer<typeof AgentUpdateState>;

export const AgentUpdateStatus = z.object({
  state: AgentUpdateState,
  autoUpdate: z.boolean(),
  updatedFrom: nameString.optional(),
  availableVersion: nameString.optional(),
  lastCheckedAt: Rfc3339.optional(),
  lastAttemptAt: Rfc3339.optional(),
  lastSuccessAt: Rfc3339.optional(),
  lastError: textString.optional(),
});
export type AgentUpdateStatus = z.infer<typeof AgentUpdateStatus>;

/** Fingerprint of the remote config the agent applied, echoed from `desiredConfig`. */
export const AppliedConfig = z.object({ version: nameString, hash: nameString });
export type AppliedConfig = z.infer<typeof AppliedConfig>;

/** `state` is free text from the agent (`running`, `retrying`, ...). */
export const AgentModuleStatus = z.object({
  name: nameString,
  enabled: z.boolean(),
  state: nameString,
  lastError: textString.optional(),
  updatedAt: Rfc3339,
});
export type AgentModuleStatus = z.infer<typeof AgentModuleStatus>;

export const AgentPrivilege = z.object({
  runningAsRoot: z.boolean(),
  serviceUser: nameString.optional(),
  smartctlHelper: z.boolean().optional(),
  pctHelper: z.boolean().optional(),
});
export type AgentPrivilege = z.infer<typeof AgentPrivilege>;

export const AgentInfo = z.object({
  id: nameString,
  version: nameString.optional(),
  type: AgentType.optional(),
  intervalSeconds: count.optional(),
  hostname: hostnameString.optional(),
  updatedFrom: nameString.optional(),
  commandsEnabled: z.boolean().optional(),
  operationReceiptVersion: count.optional(),
  /** Mountpoint patterns, so path-sized. */
  diskExclude: z.array(textString).max(256).optional(),
  appliedConfig: AppliedConfig.optional(),
  update: AgentUpdateStatus.optional(),
  modules: z.array(AgentModuleStatus).max(32).optional(),
  privilege: AgentPrivilege.optional(),
});
export type AgentInfo = z.infer<typeof AgentInfo>;

// ---- host ----

export const PackageUpdate = z.object({
  name: nameString,
  installedVersion: nameString.optional(),
  availableVersion: nameString.optional(),
});
export type PackageUpdate = z.infer<typeof PackageUpdate>;

export const PackageUpdates = z.object({
  supported: z.boolean(),
  manager: nameString.optional(),
  inventoryHash: nameString.optional(),
  pendingCount: count,
  packages: z.array(PackageUpdate).max(10_000).optional(),
  checkedAt: Rfc3339.optional(),
  rebootRequired: z.boolean().optional(),
  error: textString.optional(),
});
export type PackageUpdates = z.infer<typeof PackageUpdates>;

export const StorageCleanup = z.object({
  supported: z.boolean(),
  provider: nameString.optional(),
  fingerprint: nameString.optional(),
  reclaimableBytes: u64,
  checkedAt: Rfc3339.optional(),
  error: textString.optional(),
});
export type StorageCleanup = z.infer<typeof StorageCleanup>;

const hostnameRequired = 'is required and must not be blank';

export const HostInfo = z.object({
  id: nameString.optional(),
  // The server keys identity on it, so blank counts as missing.
  hostname: z
    .string({ error: (issue) => (issue.input === undefined ? hostnameRequired : undefined) })
    .trim()
    .min(1, hostnameRequired)
    .max(STRING_LIMITS.hostname),
  displayName: nameString.optional(),
  machineId: nameString.optional(),
  platform: nameString.optional(),
  osName: nameString.optional(),
  osVersion: nameString.optional(),
  kernelVersion: nameString.optional(),
  architecture: nameString.optional(),
  cpuModel: nameString.optional(),
  cpuCount: count.optional(),
  uptimeSeconds: u64.optional(),
  /** 1, 5 and 15 minutes; empty on Windows. */
  loadAverage: z.array(z.number().nonnegative()).max(3).optional(),
  reportIp: nameString.optional(),
  packageUpdates: PackageUpdates.optional(),
  storageCleanup: StorageCleanup.optional(),
});
export type HostInfo = z.infer<typeof HostInfo>;

// ---- metrics, disks, I/O, network ----

export const MemoryMetric = z.object({
  totalBytes: u64.optional(),
  usedBytes: u64.optional(),
  freeBytes: u64.optional(),
  cacheBytes: u64.optional(),
  usage: percent.optional(),
  swapTotalBytes: u64.optional(),
  swapUsedBytes: u64.optional(),
});
export type MemoryMetric = z.infer<typeof MemoryMetric>;

export const HostMetrics = z.object({
  cpuUsagePercent: percent.optional(),
  memory: MemoryMetric.optional(),
});
export type HostMetrics = z.infer<typeof HostMetrics>;

export const ZfsDataset = z.object({
  name: nameString,
  type: nameString.optional(),
  mountpoint: textString.optional(),
  usedBytes: u64.optional(),
  availableBytes: u64.optional(),
  referencedBytes: u64.optional(),
});
export type ZfsDataset = z.infer<typeof ZfsDataset>;

export const Disk = z.object({
  device: nameString.optional(),
  mountpoint: textString.optional(),
  filesystem: textString.optional(),
  type: nameString.optional(),
  totalBytes: u64.optional(),
  usedBytes: u64.optional(),
  freeBytes: u64.optional(),
  usage: percent.optional(),
  /** Present when a ZFS pool was collapsed into this one entry. */
  zfsDatasets: z.array(ZfsDataset).max(10_000).optional(),
});
export type Disk = z.infer<typeof Disk>;

/** Cumulative since boot for one whole device; the server derives rates. */
export const DiskIO = z.object({
  device: nameString.min(1),
  readBytes: u64.optional(),
  writeBytes: u64.optional(),
  readOps: u64.optional(),
  writeOps: u64.optional(),
  readTimeMs: u64.optional(),
  writeTimeMs: u64.optional(),
  ioTimeMs: u64.optional(),
});
export type DiskIO = z.infer<typeof DiskIO>;

export const NetworkInterface = z.object({
  name: nameString.min(1),
  mac: nameString.optional(),
  /** CIDR strings such as `192.0.2.10/24`. */
  addresses: z.array(nameString).max(256).optional(),
  rxBytes: u64.optional(),
  txBytes: u64.optional(),
  // Signed: Linux reports -1 for "unknown" and an agent may pass it through.
  speedMbps: int.optional(),
});
export type NetworkInterface = z.infer<typeof NetworkInterface>;

// ---- sensors ----

const readings = boundedRecord(z.number(), 1024);

export const CustomSensorMetric = z.object({
  id: nameString,
  name: nameString,
  group: nameString.optional(),
  subgroup: nameString.optional(),
  kind: z.enum(['number', 'boolean', 'timestamp']).optional(),
  unit: nameString.optional(),
  value: z.number().optional(),
  /** Evaluated by the agent against the sensor's own thresholds. */
  status: z.enum(['ok', 'warning', 'critical', 'error']),
  observedAt: Rfc3339,
  eventAt: Rfc3339.optional(),
  error: textString.optional(),
  alertOnError: z.boolean().optional(),
  stale: z.boolean().optional(),
});
export type CustomSensorMetric = z.infer<typeof CustomSensorMetric>;

export const GpuSensor = z.object({
  id: nameString.optional(),
  name: nameString.optional(),
  temperatureCelsius: z.number().optional(),
  utilizationPercent: percent.optional(),
  memoryUsedBytes: u64.optional(),
  memoryTotalBytes: u64.optional(),
});
export type GpuSensor = z.infer<typeof GpuSensor>;

/** macOS thermal pressure from `pmset -g therm`; it carries no Celsius readings. */
export const ThermalState = z.object({
  source: nameString.optional(),
  pressure: z.enum(['nominal', 'constrained', 'unknown']).optional(),
  thermalWarningLevel: int.optional(),
  performanceWarningLevel: int.optional(),
  cpuPowerStatus: int.optional(),
  limitsPercent: boundedRecord(z.number(), 64).optional(),
});
export type ThermalState = z.infer<typeof ThermalState>;

/** Why one SMART field is or is not filled in (for example a sleeping disk has no temperature). */
export const SmartFieldCollection = z.object({
  state: nameString,
  source: nameString.optional(),
  reason: textString.optional(),
});
export type SmartFieldCollection = z.infer<typeof SmartFieldCollection>;

export const SmartAttributes = z.object({
  powerOnHours: u64.optional(),
  powerCycles: u64.optional(),
  reallocatedSectors: u64.optional(),
  pendingSectors: u64.optional(),
  offlineUncorrectable: u64.optional(),
  udmaCrcErrors: u64.optional(),
  // NVMe "percentage used" may exceed 100 on a worn drive, so it is not a 0-100 percent.
  percentageUsed: count.optional(),
  availableSpare: count.optional(),
  mediaErrors: u64.optional(),
  unsafeShutdowns: u64.optional(),
});
export type SmartAttributes = z.infer<typeof SmartAttributes>;

export const DiskSmart = z.object({
  device: nameString.min(1),
  model: nameString.optional(),
  serial: nameString.optional(),
  wwn: nameString.optional(),
  /** Transport as detected (`sata`, `sas`, `nvme`); kept open because it comes from smartctl/lsblk. */
  type: nameString.optional(),
  controller: nameString.optional(),
  target: nameString.optional(),
  sizeBytes: u64.optional(),
  /** Celsius; 0 when unknown, e.g. a disk left in standby. */
  temperature: int,
  /** `PASSED`, `FAILED` or `UNKNOWN`. */
  health: nameString.optional(),
  standby: z.boolean().optional(),
  pool: nameString.optional(),
  io: DiskIO.optional(),
  collection: z
    .object({
      serial: SmartFieldCollection.optional(),
      temperature: SmartFieldCollection.optional(),
      io: SmartFieldCollection.optional(),
      controller: SmartFieldCollection.optional(),
      pool: SmartFieldCollection.optional(),
    })
    .optional(),
  attributes: SmartAttributes.optional(),
});
export type DiskSmart = z.infer<typeof DiskSmart>;

export const Sensors = z.object({
  temperatureCelsius: readings.optional(),
  fanRpm: readings.optional(),
  powerWatts: readings.optional(),
  additional: readings.optional(),
  custom: z.array(CustomSensorMetric).max(256).optional(),
  gpu: z.array(GpuSensor).max(64).optional(),
  thermalState: ThermalState.optional(),
  smart: z.array(DiskSmart).max(1024).optional(),
});
export type Sensors = z.infer<typeof Sensors>;

// ---- RAID and Unraid ----

export const RaidDevice = z.object({
  device: nameString,
  state: nameString,
  /** -1 when the member has no slot (a spare, for example). */
  slot: int,
});
export type RaidDevice = z.infer<typeof RaidDevice>;

export const RaidArray = z.object({
  device: nameString.min(1),
  name: nameString.optional(),
  level: nameString,
  state: nameString,
  totalDevices: count,
  activeDevices: count,
  workingDevices: count,
  failedDevices: count,
  spareDevices: count,
  uuid: nameString.optional(),
  devices: goList(RaidDevice, 256),
  rebuildPercent: percent,
  /** As mdstat prints it, e.g. `50000K/sec`. */
  rebuildSpeed: nameString.optional(),
  /** `recovery`, `resync`, `check` or `reshape` as parsed from /proc/mdstat; absent when idle. */
  operation: nameString.optional(),
});
export type RaidArray = z.infer<typeof RaidArray>;

export const UnraidDisk = z.object({
  name: nameString,
  device: nameString.optional(),
  role: nameString.optional(),
  status: nameString.optional(),
  rawStatus: nameString.optional(),
  model: nameString.optional(),
  serial: nameString.optional(),
  filesystem: nameString.optional(),
  transport: nameString.optional(),
  sizeBytes: u64.optional(),
  usedBytes: u64.optional(),
  freeBytes: u64.optional(),
  temperature: int.optional(),
  spunDown: z.boolean().optional(),
  readCount: u64.optional(),
  writeCount: u64.optional(),
  errorCount: u64.optional(),
  slot: int.optional(),
});
export type UnraidDisk = z.infer<typeof UnraidDisk>;

export const UnraidStorage = z.object({
  arrayStarted: z.boolean(),
  arrayState: nameString.optional(),
  syncAction: nameString.optional(),
  syncProgress: z.number().optional(),
  syncErrors: u64.optional(),
  numProtected: count.optional(),
  numDisabled: count.optional(),
  numInvalid: count.optional(),
  numMissing: count.optional(),
  disks: z.array(UnraidDisk).max(256).optional(),
});
export type UnraidStorage = z.infer<typeof UnraidStorage>;

// ---- Ceph ----

export const CephCheck = z.object({
  severity: nameString,
  message: textString.optional(),
  detail: z.array(textString).max(256).optional(),
});
export type CephCheck = z.infer<typeof CephCheck>;

/** `status` is Ceph's own `HEALTH_OK`, `HEALTH_WARN` or `HEALTH_ERR`. */
export const CephHealth = z.object({
  status: nameString,
  checks: boundedRecord(CephCheck, 256).optional(),
  summary: z
    .array(z.object({ severity: nameString, message: textString }))
    .max(256)
    .optional(),
});
export type CephHealth = z.infer<typeof CephHealth>;

export const CephMonMap = z.object({
  epoch: count,
  numMons: count,
  monitors: z
    .array(
      z.object({ name: nameString, rank: int, addr: nameString.optional(), status: nameString.optional() }),
    )
    .max(64)
    .optional(),
});
export type CephMonMap = z.infer<typeof CephMonMap>;

export const CephMgrMap = z.object({
  available: z.boolean(),
  numMgrs: count,
  activeMgr: nameString.optional(),
  standbys: count,
});
export type CephMgrMap = z.infer<typeof CephMgrMap>;

export const CephOsdMap = z.object({
  epoch: count,
  numOsds: count,
  numUp: count,
  numIn: count,
  numDown: count.optional(),
  numOut: count.optional(),
});
export type CephOsdMap = z.infer<typeof CephOsdMap>;

export const CephPgMap = z.object({
  numPgs: count,
  bytesTotal: u64,
  bytesUsed: u64,
  bytesAvailable: u64,
  dataBytes: u64.optional(),
  usagePercent: z.number(),
  degradedRatio: z.number().optional(),
  misplacedRatio: z.number().optional(),
  readBytesPerSec: u64.optional(),
  writeBytesPerSec: u64.optional(),
  readOpsPerSec: u64.optional(),
  writeOpsPerSec: u64.optional(),
});
export type CephPgMap = z.infer<typeof CephPgMap>;

export const CephPool = z.object({
  id: int,
  name: nameString,
  bytesUsed: u64,
  bytesAvailable: u64,
  objects: u64,
  // Not bounded to 0-100: the spec does not pin whether this is a 0-1 ratio (as `ceph df` prints) or a percent.
  percentUsed: z.number(),
});
export type CephPool = z.infer<typeof CephPool>;

export const CephService = z.object({
  type: nameString,
  running: count,
  total: count,
  daemons: z.array(nameString).max(1024).optional(),
});
export type CephService = z.infer<typeof CephService>;

export const CephCluster = z.object({
  fsid: nameString,
  health: CephHealth,
  monMap: CephMonMap.optional(),
  mgrMap: CephMgrMap.optional(),
  osdMap: CephOsdMap,
  pgMap: CephPgMap,
  pools: z.array(CephPool).max(1024).optional(),
  services: z.array(CephService).max(64).optional(),
  collectedAt: Rfc3339,
});
export type CephCluster = z.infer<typeof CephCluster>;

// ---- hypervisor inventories ----

/** Counters are cumulative; the server derives rates. */
export const LibvirtDomain = z.object({
  id: nameString,
  name: nameString,
  state: nameString,
  vcpus: count.optional(),
  cpuTimeNanoseconds: u64.optional(),
  memoryCurrentBytes: u64.optional(),
  memoryMaximumBytes: u64.optional(),
  networkRxBytes: u64.optional(),
  networkTxBytes: u64.optional(),
  diskReadBytes: u64.optional(),
  diskWriteBytes: u64.optional(),
});
export type LibvirtDomain = z.infer<typeof LibvirtDomain>;

/** An empty `domains` list means libvirt answered and has no guests. */
export const LibvirtInventory = z.object({
  domains: goList(LibvirtDomain, 4096),
  collectedAt: Rfc3339,
});
export type LibvirtInventory = z.infer<typeof LibvirtInventory>;

export const XcpngVm = z.object({
  uuid: nameString,
  name: nameString,
  powerState: nameString,
  vcpus: count.optional(),
  memoryActualBytes: u64.optional(),
  memoryStaticMaxBytes: u64.optional(),
  residentHostUuid: nameString.optional(),
});
export type XcpngVm = z.infer<typeof XcpngVm>;

export const XcpngInventory = z.object({
  poolUuid: nameString,
  poolName: nameString.optional(),
  masterUuid: nameString.optional(),
  localHostUuid: nameString.optional(),
  vms: goList(XcpngVm, 4096),
  collectedAt: Rfc3339,
});
export type XcpngInventory = z.infer<typeof XcpngInventory>;

/** `pct df` of one running container on this node. */
export const ProxmoxLxcContainer = z.object({
  vmid: count,
  name: nameString,
  disks: goList(Disk, 64),
});
export type ProxmoxLxcContainer = z.infer<typeof ProxmoxLxcContainer>;

export const ProxmoxLxcInventory = z.object({
  containers: goList(ProxmoxLxcContainer, 4096),
  collectedAt: Rfc3339,
});
export type ProxmoxLxcInventory = z.infer<typeof ProxmoxLxcInventory>;

// ---- cluster peers and availability probes ----

/** `sensors -j` read over SSH from a sibling Proxmox node. */
export const ClusterNodeSensors = z.object({
  nodeName: nameString,
  sensors: Sensors,
  collectedAt: Rfc3339.optional(),
});
export type ClusterNodeSensors = z.infer<typeof ClusterNodeSensors>;

/**
 * The spec leaves the TLS certificate observation's shape open, so it is carried as an opaque object,
 * bounded like every free-form value (see BOUNDED_JSON_LIMITS).
 */
export const AvailabilityCertificate = BoundedJsonObject;
export type AvailabilityCertificate = z.infer<typeof AvailabilityCertificate>;

export const AvailabilityProbeResult = z.object({
  targetId: nameString,
  /** `reachable`, `unreachable` or `indeterminate`; the server reads anything else as indeterminate. */
  outcome: nameString,
  latencyMillis: u64,
  checkedAt: Rfc3339,
  error: textString.optional(),
  certificate: AvailabilityCertificate.optional(),
});
export type AvailabilityProbeResult = z.infer<typeof AvailabilityProbeResult>;

// ---- the report and the answer ----

export const HostReport = z.object({
  agent: AgentInfo,
  host: HostInfo,
  metrics: HostMetrics,
  disks: z.array(Disk).max(512).optional(),
  diskIO: z.array(DiskIO).max(1024).optional(),
  network: z.array(NetworkInterface).max(512).optional(),
  sensors: Sensors.optional(),
  raid: z.array(RaidArray).max(256).optional(),
  unraid: UnraidStorage.optional(),
  ceph: CephCluster.optional(),
  libvirt: LibvirtInventory.optional(),
  xcpng: XcpngInventory.optional(),
  proxmoxLxc: ProxmoxLxcInventory.optional(),
  clusterSensors: z.array(ClusterNodeSensors).max(64).optional(),
  availabilityResults: z.array(AvailabilityProbeResult).max(1024).optional(),
  tags: z.array(z.string().max(128)).max(64).optional(),
  /** The Go zero time means "use the time of receipt". */
  timestamp: Rfc3339,
  /** Opaque unless it matches SequenceIdV1. */
  sequenceId: nameString.optional(),
});
export type HostReport = z.infer<typeof HostReport>;

export const HostReportResponse = z.object({
  success: z.boolean(),
  /** Canonical id; the agent adopts it when it differs from the one it sent. */
  agentId: z.string(),
  lastSeen: Rfc3339,
  platform: z.string().optional(),
  osName: z.string().optional(),
  osVersion: z.string().optional(),
  serverVersion: z.string().optional(),
  /** Present only when the server holds an override. */
  config: z.object({ commandsEnabled: z.boolean().optional() }).optional(),
  /** What the server dropped or changed in this report; absent when it took the report as sent. */
  warnings: ReportWarnings.optional(),
});
export type HostReportResponse = z.infer<typeof HostReportResponse>;

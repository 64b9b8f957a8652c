// Wire schema of the host agent report (POST /api/agents/host/report) and of the server's answer to it.
import { z } from 'zod';

// Unknown keys are stripped (zod's default for z.object), so an agent newer than this server still gets
// its known fields through. Array caps below bound the work one report can cause in ingest and in the
// live state (every entry becomes a resource, a series or a row), on top of the body size limits.

/** A Go `int`: small and signed, so the safe-integer range is enough. */
const int = z.number().int();
/** A Go `int` that counts something and so is never negative. */
const count = int.nonnegative();
/**
 * A Go `int64`/`uint64` byte count, counter or duration. These can pass 2^53 (for example a VM's CPU
 * nanoseconds after a few months), where z.number().int() would reject the whole report; JSON.parse
 * already rounded such values, so only "finite, integral, not negative" is checked.
 */
const u64 = z
  .number()
  .nonnegative()
  .refine(Number.isInteger, { message: 'Invalid input: expected an integer' });
const percent = z.number().min(0).max(100);

/** A Go slice serialised without omitempty is `null` when empty; read it as an empty list. */
function goList<T extends z.ZodType>(item: T, max: number) {
  return z
    .array(item)
    .max(max)
    .nullable()
    .transform((list) => list ?? []);
}

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
  updatedFrom: z.string().optional(),
  availableVersion: z.string().optional(),
  lastCheckedAt: Rfc3339.optional(),
  lastAttemptAt: Rfc3339.optional(),
  lastSuccessAt: Rfc3339.optional(),
  lastError: z.string().optional(),
});
export type AgentUpdateStatus = z.infer<typeof AgentUpdateStatus>;

/** Fingerprint of the remote config the agent applied, echoed from `desiredConfig`. */
export const AppliedConfig = z.object({ version: z.string(), hash: z.string() });
export type AppliedConfig = z.infer<typeof AppliedConfig>;

/** `state` is free text from the agent (`running`, `retrying`, ...). */
export const AgentModuleStatus = z.object({
  name: z.string(),
  enabled: z.boolean(),
  state: z.string(),
  lastError: z.string().optional(),
  updatedAt: Rfc3339,
});
export type AgentModuleStatus = z.infer<typeof AgentModuleStatus>;

export const AgentPrivilege = z.object({
  runningAsRoot: z.boolean(),
  serviceUser: z.string().optional(),
  smartctlHelper: z.boolean().optional(),
  pctHelper: z.boolean().optional(),
});
export type AgentPrivilege = z.infer<typeof AgentPrivilege>;

export const AgentInfo = z.object({
  id: z.string(),
  version: z.string().optional(),
  type: AgentType.optional(),
  intervalSeconds: count.optional(),
  hostname: z.string().optional(),
  updatedFrom: z.string().optional(),
  commandsEnabled: z.boolean().optional(),
  operationReceiptVersion: count.optional(),
  diskExclude: z.array(z.string()).max(256).optional(),
  appliedConfig: AppliedConfig.optional(),
  update: AgentUpdateStatus.optional(),
  modules: z.array(AgentModuleStatus).max(32).optional(),
  privilege: AgentPrivilege.optional(),
});
export type AgentInfo = z.infer<typeof AgentInfo>;

// ---- host ----

export const PackageUpdate = z.object({
  name: z.string(),
  installedVersion: z.string().optional(),
  availableVersion: z.string().optional(),
});
export type PackageUpdate = z.infer<typeof PackageUpdate>;

export const PackageUpdates = z.object({
  supported: z.boolean(),
  manager: z.string().optional(),
  inventoryHash: z.string().optional(),
  pendingCount: count,
  packages: z.array(PackageUpdate).max(10_000).optional(),
  checkedAt: Rfc3339.optional(),
  rebootRequired: z.boolean().optional(),
  error: z.string().optional(),
});
export type PackageUpdates = z.infer<typeof PackageUpdates>;

export const StorageCleanup = z.object({
  supported: z.boolean(),
  provider: z.string().optional(),
  fingerprint: z.string().optional(),
  reclaimableBytes: u64,
  checkedAt: Rfc3339.optional(),
  error: z.string().optional(),
});
export type StorageCleanup = z.infer<typeof StorageCleanup>;

const hostnameRequired = 'is required and must not be blank';

export const HostInfo = z.object({
  id: z.string().optional(),
  // The server keys identity on it, so blank counts as missing.
  hostname: z
    .string({ error: (issue) => (issue.input === undefined ? hostnameRequired : undefined) })
    .trim()
    .min(1, hostnameRequired),
  displayName: z.string().optional(),
  machineId: z.string().optional(),
  platform: z.string().optional(),
  osName: z.string().optional(),
  osVersion: z.string().optional(),
  kernelVersion: z.string().optional(),
  architecture: z.string().optional(),
  cpuModel: z.string().optional(),
  cpuCount: count.optional(),
  uptimeSeconds: u64.optional(),
  /** 1, 5 and 15 minutes; empty on Windows. */
  loadAverage: z.array(z.number().nonnegative()).max(3).optional(),
  reportIp: z.string().optional(),
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
  name: z.string(),
  type: z.string().optional(),
  mountpoint: z.string().optional(),
  usedBytes: u64.optional(),
  availableBytes: u64.optional(),
  referencedBytes: u64.optional(),
});
export type ZfsDataset = z.infer<typeof ZfsDataset>;

export const Disk = z.object({
  device: z.string().optional(),
  mountpoint: z.string().optional(),
  filesystem: z.string().optional(),
  type: z.string().optional(),
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
  device: z.string().min(1),
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
  name: z.string().min(1),
  mac: z.string().optional(),
  /** CIDR strings such as `192.0.2.10/24`. */
  addresses: z.array(z.string()).max(256).optional(),
  rxBytes: u64.optional(),
  txBytes: u64.optional(),
  // Signed: Linux reports -1 for "unknown" and an agent may pass it through.
  speedMbps: int.optional(),
});
export type NetworkInterface = z.infer<typeof NetworkInterface>;

// ---- sensors ----

const readings = z.record(z.string(), z.number());

export const CustomSensorMetric = z.object({
  id: z.string(),
  name: z.string(),
  group: z.string().optional(),
  subgroup: z.string().optional(),
  kind: z.enum(['number', 'boolean', 'timestamp']).optional(),
  unit: z.string().optional(),
  value: z.number().optional(),
  /** Evaluated by the agent against the sensor's own thresholds. */
  status: z.enum(['ok', 'warning', 'critical', 'error']),
  observedAt: Rfc3339,
  eventAt: Rfc3339.optional(),
  error: z.string().optional(),
  alertOnError: z.boolean().optional(),
  stale: z.boolean().optional(),
});
export type CustomSensorMetric = z.infer<typeof CustomSensorMetric>;

export const GpuSensor = z.object({
  id: z.string().optional(),
  name: z.string().optional(),
  temperatureCelsius: z.number().optional(),
  utilizationPercent: percent.optional(),
  memoryUsedBytes: u64.optional(),
  memoryTotalBytes: u64.optional(),
});
export type GpuSensor = z.infer<typeof GpuSensor>;

/** macOS thermal pressure from `pmset -g therm`; it carries no Celsius readings. */
export const ThermalState = z.object({
  source: z.string().optional(),
  pressure: z.enum(['nominal', 'constrained', 'unknown']).optional(),
  thermalWarningLevel: int.optional(),
  performanceWarningLevel: int.optional(),
  cpuPowerStatus: int.optional(),
  limitsPercent: z.record(z.string(), z.number()).optional(),
});
export type ThermalState = z.infer<typeof ThermalState>;

/** Why one SMART field is or is not filled in (for example a sleeping disk has no temperature). */
export const SmartFieldCollection = z.object({
  state: z.string(),
  source: z.string().optional(),
  reason: z.string().optional(),
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
  device: z.string().min(1),
  model: z.string().optional(),
  serial: z.string().optional(),
  wwn: z.string().optional(),
  /** Transport as detected (`sata`, `sas`, `nvme`); kept open because it comes from smartctl/lsblk. */
  type: z.string().optional(),
  controller: z.string().optional(),
  target: z.string().optional(),
  sizeBytes: u64.optional(),
  /** Celsius; 0 when unknown, e.g. a disk left in standby. */
  temperature: int,
  /** `PASSED`, `FAILED` or `UNKNOWN`. */
  health: z.string().optional(),
  standby: z.boolean().optional(),
  pool: z.string().optional(),
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
  device: z.string(),
  state: z.string(),
  /** -1 when the member has no slot (a spare, for example). */
  slot: int,
});
export type RaidDevice = z.infer<typeof RaidDevice>;

export const RaidArray = z.object({
  device: z.string().min(1),
  name: z.string().optional(),
  level: z.string(),
  state: z.string(),
  totalDevices: count,
  activeDevices: count,
  workingDevices: count,
  failedDevices: count,
  spareDevices: count,
  uuid: z.string().optional(),
  devices: goList(RaidDevice, 256),
  rebuildPercent: percent,
  /** As mdstat prints it, e.g. `50000K/sec`. */
  rebuildSpeed: z.string().optional(),
  /** `recovery`, `resync`, `check` or `reshape` as parsed from /proc/mdstat; absent when idle. */
  operation: z.string().optional(),
});
export type RaidArray = z.infer<typeof RaidArray>;

export const UnraidDisk = z.object({
  name: z.string(),
  device: z.string().optional(),
  role: z.string().optional(),
  status: z.string().optional(),
  rawStatus: z.string().optional(),
  model: z.string().optional(),
  serial: z.string().optional(),
  filesystem: z.string().optional(),
  transport: z.string().optional(),
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
  arrayState: z.string().optional(),
  syncAction: z.string().optional(),
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
  severity: z.string(),
  message: z.string().optional(),
  detail: z.array(z.string()).max(256).optional(),
});
export type CephCheck = z.infer<typeof CephCheck>;

/** `status` is Ceph's own `HEALTH_OK`, `HEALTH_WARN` or `HEALTH_ERR`. */
export const CephHealth = z.object({
  status: z.string(),
  checks: z.record(z.string(), CephCheck).optional(),
  summary: z
    .array(z.object({ severity: z.string(), message: z.string() }))
    .max(256)
    .optional(),
});
export type CephHealth = z.infer<typeof CephHealth>;

export const CephMonMap = z.object({
  epoch: count,
  numMons: count,
  monitors: z
    .array(
      z.object({ name: z.string(), rank: int, addr: z.string().optional(), status: z.string().optional() }),
    )
    .max(64)
    .optional(),
});
export type CephMonMap = z.infer<typeof CephMonMap>;

export const CephMgrMap = z.object({
  available: z.boolean(),
  numMgrs: count,
  activeMgr: z.string().optional(),
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
  name: z.string(),
  bytesUsed: u64,
  bytesAvailable: u64,
  objects: u64,
  // Not bounded to 0-100: the spec does not pin whether this is a 0-1 ratio (as `ceph df` prints) or a percent.
  percentUsed: z.number(),
});
export type CephPool = z.infer<typeof CephPool>;

export const CephService = z.object({
  type: z.string(),
  running: count,
  total: count,
  daemons: z.array(z.string()).max(1024).optional(),
});
export type CephService = z.infer<typeof CephService>;

export const CephCluster = z.object({
  fsid: z.string(),
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
  id: z.string(),
  name: z.string(),
  state: z.string(),
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
  uuid: z.string(),
  name: z.string(),
  powerState: z.string(),
  vcpus: count.optional(),
  memoryActualBytes: u64.optional(),
  memoryStaticMaxBytes: u64.optional(),
  residentHostUuid: z.string().optional(),
});
export type XcpngVm = z.infer<typeof XcpngVm>;

export const XcpngInventory = z.object({
  poolUuid: z.string(),
  poolName: z.string().optional(),
  masterUuid: z.string().optional(),
  localHostUuid: z.string().optional(),
  vms: goList(XcpngVm, 4096),
  collectedAt: Rfc3339,
});
export type XcpngInventory = z.infer<typeof XcpngInventory>;

/** `pct df` of one running container on this node. */
export const ProxmoxLxcContainer = z.object({
  vmid: count,
  name: z.string(),
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
  nodeName: z.string(),
  sensors: Sensors,
  collectedAt: Rfc3339.optional(),
});
export type ClusterNodeSensors = z.infer<typeof ClusterNodeSensors>;

/** The spec leaves the TLS certificate observation's shape open, so it is carried as an opaque object. */
export const AvailabilityCertificate = z.record(z.string(), z.unknown());
export type AvailabilityCertificate = z.infer<typeof AvailabilityCertificate>;

export const AvailabilityProbeResult = z.object({
  targetId: z.string(),
  /** `reachable`, `unreachable` or `indeterminate`; the server reads anything else as indeterminate. */
  outcome: z.string(),
  latencyMillis: u64,
  checkedAt: Rfc3339,
  error: z.string().optional(),
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
  sequenceId: z.string().max(256).optional(),
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
});
export type HostReportResponse = z.infer<typeof HostReportResponse>;

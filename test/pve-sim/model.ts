// The live data behind all three simulated products; routes render it, tests read and mutate it.
import type { SimClock } from './clock.ts';

export type GuestType = 'qemu' | 'lxc';
export type Counter = 'netin' | 'netout' | 'diskread' | 'diskwrite';

export interface PveNode {
  name: string;
  nodeid: number;
  ip: string;
  /** False while faults.nodeDown() holds the endpoint down. */
  online: boolean;
  bootTime: number;
  maxcpu: number;
  sockets: number;
  cpuModel: string;
  maxmem: number;
  swapTotal: number;
  rootfsTotal: number;
  rootfsUsed: number;
  /** Mean cpu fraction the seeded noise varies around. */
  load: number;
}

export interface Snapshot {
  name: string;
  description: string;
  snaptime: number;
  parent?: string;
  vmstate?: boolean;
}

export interface Guest {
  vmid: number;
  type: GuestType;
  node: string;
  name: string;
  status: 'running' | 'stopped';
  template: boolean;
  tags: string;
  maxcpu: number;
  maxmem: number;
  maxdisk: number;
  /** lxc only: bytes used on the root disk (qemu reports 0 without an agent, as PVE does). */
  diskUsed: number;
  startedAt: number;
  /** qemu only: the guest agent answers. */
  agent: boolean;
  hastate?: string;
  lock?: string;
  ip: string;
  mac: string;
  os: { id: string; name: string; version: string; kernel: string };
  /** Counter values at model.epoch; they grow by rates (bytes/s) while running. */
  counters: Record<Counter, number>;
  rates: Record<Counter, number>;
  load: number;
  memFraction: number;
  snapshots: Snapshot[];
}

export type StorageType = 'dir' | 'lvmthin' | 'nfs' | 'pbs' | 'rbd' | 'cephfs';

export interface Storage {
  storage: string;
  type: StorageType;
  content: string;
  /** Null: shared, visible on every node. */
  node: string | null;
  total: number;
  used: number;
  /** pbs storages: the datastore on the simulated PBS they point at. */
  datastore?: string;
}

export interface VzdumpBackup {
  storage: string;
  /** Node-local storages only: the node whose disk holds the file. */
  node?: string;
  volid: string;
  vmid: number;
  type: GuestType;
  ctime: number;
  size: number;
  format: string;
  notes: string;
  protected: boolean;
}

export interface Task {
  node: string;
  upid: string;
  type: string;
  id: string;
  user: string;
  pid: number;
  pstart: number;
  starttime: number;
  endtime?: number;
  /** "OK", an error text, or undefined while running. */
  status?: string;
}

export interface Disk {
  node: string;
  devpath: string;
  model: string;
  vendor: string;
  serial: string;
  wwn: string;
  size: number;
  health: 'PASSED' | 'FAILED' | 'UNKNOWN';
  /** Percent of life left; "N/A" for spinning disks. */
  wearout: number | 'N/A';
  type: 'ssd' | 'hdd' | 'nvme';
  rpm: number;
  used: string;
  gpt: boolean;
}

export interface CephPool {
  pool: number;
  name: string;
  size: number;
  minSize: number;
  pgNum: number;
  bytesUsed: number;
  maxAvail: number;
  application: string;
}

export interface ReplicationJob {
  id: string;
  guest: number;
  jobnum: number;
  source: string;
  target: string;
  schedule: string;
  lastSync: number;
  duration: number;
  failCount: number;
  error?: string;
}

export interface AptPackage {
  Package: string;
  Title: string;
  Description: string;
  Version: string;
  OldVersion: string;
  Origin: string;
  Priority: string;
  Section: string;
  Arch: string;
}

export interface PbsSnapshot {
  store: string;
  ns: string;
  backupType: 'vm' | 'ct' | 'host';
  backupId: string;
  backupTime: number;
  size: number;
  protected: boolean;
  comment?: string;
  owner: string;
  verification?: { state: 'ok' | 'failed'; upid: string };
  files: { filename: string; size: number; 'crypt-mode': 'none' | 'encrypt' }[];
}

export interface PbsDatastore {
  store: string;
  comment?: string;
  path: string;
  total: number;
  used: number;
  gc: {
    upid: string;
    indexFileCount: number;
    indexDataBytes: number;
    diskBytes: number;
    diskChunks: number;
    removedBytes: number;
    removedChunks: number;
    pendingBytes: number;
    pendingChunks: number;
    endtime: number;
    duration: number;
  };
}

/** Shared by sync, verify and prune jobs: the config keys on the wire plus the last run. */
export interface PbsJob {
  kind: 'sync' | 'verify' | 'prune';
  config: Record<string, string | number | boolean>;
  lastRunUpid: string;
  lastRunState: string;
  lastRunEndtime: number;
  nextRun: number;
}

export interface PbsTask {
  upid: string;
  pid: number;
  pstart: number;
  starttime: number;
  workerType: string;
  workerId?: string;
  user: string;
  endtime?: number;
  status?: string;
}

export interface PmgNode {
  cid: number;
  name: string;
  type: 'master' | 'node';
  ip: string;
}

export interface PmgQueuedMail {
  queue: 'deferred' | 'active' | 'incoming' | 'hold';
  queueId: string;
  arrivalTime: number;
  size: number;
  sender: string;
  receiver: string;
  reason: string;
}

export interface ProxmoxModel {
  seed: number;
  /** Unix seconds when the model was built; counters start from here. */
  epoch: number;
  clock: SimClock;
  pve: {
    clusterName: string;
    version: { version: string; release: string; repoid: string };
    nodes: PveNode[];
    guests: Guest[];
    storages: Storage[];
    backups: VzdumpBackup[];
    tasks: Task[];
    disks: Disk[];
    ceph: { fsid: string; pools: CephPool[]; osds: number; osdsUp: number; warning: string | null };
    replication: ReplicationJob[];
    apt: Record<string, AptPackage[]>;
  };
  pbs: {
    hostname: string;
    version: { version: string; release: string; repoid: string };
    bootTime: number;
    datastores: PbsDatastore[];
    namespaces: { store: string; ns: string; comment?: string }[];
    snapshots: PbsSnapshot[];
    jobs: PbsJob[];
    tasks: PbsTask[];
  };
  pmg: {
    version: { version: string; release: string; repoid: string };
    nodes: PmgNode[];
    bootTime: number;
    domains: { domain: string; comment: string }[];
    /** Mean incoming mails per hour the seeded hourly rows vary around. */
    hourlyIn: number;
    quarantine: {
      spam: { count: number; bytes: number; avgspam: number };
      virus: { count: number; bytes: number };
    };
    queue: PmgQueuedMail[];
  };
}

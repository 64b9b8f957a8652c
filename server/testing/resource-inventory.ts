// Random inventories for the resource catalog's tests: a seeded dice, and stored items built from real ones
// (ingested reports) or from the schemas, drawn from small pools of names, machines, addresses and times so
// that the items collide the way real fleets do (shared machines, one host name on two nodes, tied sorts).
import type {
  DockerHostState,
  HostState,
  KubernetesClusterState,
  PbsInstance,
  PmgInstance,
  ProxmoxGuest,
  ProxmoxNode,
  ProxmoxStorage,
  PveCephCluster,
  PvePhysicalDisk,
  ResourceQuery,
} from '@pulse/shared';
import {
  DockerHostState as DockerHostSchema,
  KubernetesClusterState as KubernetesClusterSchema,
  RESOURCE_SOURCES,
  RESOURCE_STATUSES,
  RESOURCE_TYPES,
} from '@pulse/shared';
import { hostFromReport } from '../src/sources/agents/host-from-report.ts';
import { dockerReport as dockerFixture, kubernetesReport } from './container-reports.ts';
import { recordedReport } from './reports.ts';

/** mulberry32: small, fast and good enough to pick test cases; the same seed gives the same run. */
export class Dice {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(list: readonly T[]): T {
    const item = list[this.int(list.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }

  some<T>(list: readonly T[], p = 0.3): T[] {
    return list.filter(() => this.chance(p));
  }
}

// Case differences and repeats on purpose: the name sort is caseless, ties fall back to ids and list order.
const HOSTNAMES = ['pve1', 'pve2', 'pve1.lab', 'web-01', 'WEB-01', 'db', 'alpha', 'Alpha', 'nas', 'Σίσυφος'];
const MACHINES = ['m-1', 'm-2', 'm-3', 'm-4', 'm-5'];
const ADDRESSES = ['10.0.0.11', '10.0.0.12', '10.1.0.11', '192.0.2.7', 'fe80::1'];
const TAGS = ['web', 'Prod', 'prod', 'db', 'edge'];
const GUEST_NAMES = ['web', 'db', 'dns', 'Web', 'backup', 'a'];
const NODE_NAMES = ['pve1', 'pve2', 'pve3'];
const INSTANCES = ['lab', 'prod'];
const BASE = Date.parse('2026-11-01T12:00:00Z');
/** Few distinct times, so lastSeen ties are common (all containers of a Docker host share one). */
const time = (dice: Dice) => BASE + dice.int(4) * 30_000;
const iso = (dice: Dice) => new Date(time(dice)).toISOString();

export interface Templates {
  host: HostState;
  docker: DockerHostState;
  cluster: KubernetesClusterState;
}

/** Stored items made from the recorded reports the way ingest makes them, checked against the state schemas. */
export function templatesFromFixtures(now: number): Templates {
  const at = new Date(now).toISOString();
  const host = hostFromReport({
    hostId: 'template',
    agentId: 'template',
    report: recordedReport(),
    token: undefined,
    nowIso: at,
    reportedAtIso: at,
    rates: undefined,
    identityConflict: undefined,
  });
  const seen = { status: 'online', lastSeen: at, reportedAt: at, intervalSeconds: 30 } as const;
  const admin = { displayName: 'template', hidden: false, pendingUninstall: false } as const;
  const d = dockerFixture();
  const docker = DockerHostSchema.parse({
    ...seen,
    ...admin,
    id: 'template',
    agentId: 'template',
    hostname: d.host.hostname,
    loadAverage: [],
    disks: [],
    networkInterfaces: [],
    containers: d.containers,
    images: [],
    volumes: [],
    networks: [],
    services: [],
    tasks: [],
    nodes: [],
    secrets: [],
    configs: [],
  });
  const { agent: _agent, cluster: _cluster, timestamp: _timestamp, ...inventory } = kubernetesReport();
  const cluster = KubernetesClusterSchema.parse({
    ...inventory,
    ...seen,
    ...admin,
    id: 'template',
    agentId: 'template',
    name: 'template',
    nodes: inventory.nodes ?? [],
    namespaces: inventory.namespaces ?? [],
    pods: inventory.pods ?? [],
    deployments: inventory.deployments ?? [],
  });
  return { host, docker, cluster };
}

export function hostItem(dice: Dice, t: Templates, n: number): HostState {
  const address = dice.pick(ADDRESSES);
  const host: HostState = {
    ...structuredClone(t.host),
    id: `host-${n}`,
    agentId: `agent-${n}`,
    hostname: dice.pick(HOSTNAMES),
    displayName: dice.pick(HOSTNAMES),
    status: dice.pick(['online', 'offline'] as const),
    lastSeen: iso(dice),
    tags: dice.some(TAGS),
    cpuUsage: dice.int(100),
    networkInterfaces: [
      { name: 'eth0', addresses: [`${address}/24`], mac: `02:00:00:00:00:0${dice.int(9)}` },
    ],
  };
  if (dice.chance(0.8)) host.machineId = dice.pick(MACHINES);
  else delete host.machineId;
  if (dice.chance(0.3)) host.reportIp = dice.pick(ADDRESSES);
  else delete host.reportIp;
  if (dice.chance(0.1)) {
    host.identityConflict = { hostnames: ['x', 'y'], firstSeen: host.lastSeen, lastSeen: host.lastSeen };
  } else delete host.identityConflict;
  return host;
}

/** The same host with new figures only, as a report of an unchanged machine gives. */
export function hostReport(dice: Dice, h: HostState): HostState {
  return {
    ...h,
    lastSeen: iso(dice),
    cpuUsage: dice.int(100),
    status: dice.chance(0.9) ? h.status : 'offline',
  };
}

export function dockerItem(dice: Dice, t: Templates, n: number): DockerHostState {
  const template = t.docker.containers[0];
  if (!template) throw new Error('the Docker template has no containers');
  const d: DockerHostState = {
    ...structuredClone(t.docker),
    id: `docker-${n}`,
    agentId: `docker-agent-${n}`,
    hostname: dice.pick(HOSTNAMES),
    displayName: dice.pick(HOSTNAMES),
    hidden: dice.chance(0.15),
    status: dice.pick(['online', 'offline'] as const),
    lastSeen: iso(dice),
    containers: Array.from({ length: dice.int(5) }, (_, k) => container(dice, template, `${n}-${k}`)),
  };
  if (dice.chance(0.7)) d.machineId = dice.pick(MACHINES);
  else delete d.machineId;
  return d;
}

type Container = DockerHostState['containers'][number];

function container(dice: Dice, template: Container, id: string): Container {
  return {
    ...structuredClone(template),
    id: `c${id}`,
    name: `/${dice.pick(GUEST_NAMES)}`,
    state: dice.pick(['running', 'exited', 'restarting', 'paused', 'created', 'odd']),
    health: dice.chance(0.3) ? undefined : dice.pick(['healthy', 'unhealthy']),
    cpuPercent: dice.int(200),
    networks: [{ name: 'bridge', ipv4: `172.17.0.${dice.int(9)}` }],
  };
}

/** New figures for the host and its containers; sometimes a container comes or goes. */
export function dockerReport(dice: Dice, d: DockerHostState): DockerHostState {
  let containers = d.containers.map((c) => ({ ...c, cpuPercent: dice.int(200) }));
  const first = containers[0];
  const roll = dice.next();
  if (first && roll < 0.2) containers = containers.slice(1);
  else if (first && roll < 0.4) containers = [...containers, { ...first, id: `${first.id}x${dice.int(99)}` }];
  return { ...d, lastSeen: iso(dice), containers };
}

export function clusterItem(dice: Dice, t: Templates, n: number): KubernetesClusterState {
  return {
    ...structuredClone(t.cluster),
    id: `k8s-${n}`,
    name: dice.pick(HOSTNAMES),
    displayName: dice.pick(HOSTNAMES),
    hidden: dice.chance(0.15),
    status: dice.pick(['online', 'offline'] as const),
    lastSeen: iso(dice),
    nodes: t.cluster.nodes.map((node) => ({ ...node, ready: dice.chance(0.8) })),
    pods: dice.some(t.cluster.pods, 0.7),
  };
}

export function nodeItem(dice: Dice, instance: string, name: string): ProxmoxNode {
  return {
    id: `${instance}-${name}`,
    name,
    displayName: dice.pick([name, name.toUpperCase(), 'node']),
    instance,
    host: `https://${dice.pick(ADDRESSES.slice(0, 3))}:8006`,
    status: dice.pick(['online', 'offline', 'unknown'] as const),
    type: 'node',
    cpu: dice.next(),
    memory: { total: 100, used: 40, free: 60, usage: 40 },
    disk: { total: 100, used: 10, free: 90, usage: 10 },
    uptime: 1000,
    loadAverage: [0.1, 0.2, 0.3],
    kernelVersion: '6.14.8-2-pve',
    pveVersion: dice.pick(['9.1.3', '9.1.4']),
    cpuInfo: { model: 'Example CPU', cores: 8, sockets: 1, mhz: 3200 },
    lastSeen: time(dice),
    connectionHealth: 'healthy',
    isClusterMember: true,
    clusterName: dice.pick(['', 'homelab']),
  };
}

export function guestItem(dice: Dice, n: number): ProxmoxGuest {
  const instance = dice.pick(INSTANCES);
  return {
    id: `${instance}:${100 + n}`,
    vmid: 100 + n,
    name: dice.pick(GUEST_NAMES),
    node: dice.pick(NODE_NAMES),
    instance,
    status: dice.pick(['running', 'stopped', 'paused', 'odd']),
    type: dice.pick(['qemu', 'lxc'] as const),
    cpu: dice.next(),
    cpus: 2,
    memory: { total: 100, used: 50, free: 50, usage: 50 },
    disk: {
      total: 100,
      used: 20,
      free: 80,
      usage: 20,
      ...(dice.chance(0.2) ? { usageUnavailable: true } : {}),
    },
    disks: [],
    ipAddresses: dice.some(ADDRESSES),
    networkInterfaces: [],
    networkIn: 1,
    networkOut: 2,
    diskRead: 3,
    diskWrite: 4,
    uptime: 100,
    template: false,
    tags: dice.some(TAGS),
    lastSeen: time(dice),
  };
}

export function storageItem(dice: Dice, n: number): ProxmoxStorage {
  const instance = dice.pick(INSTANCES);
  const node = dice.pick(NODE_NAMES);
  const status = dice.pick(['available', 'unavailable']);
  return {
    id: `${instance}-${node}-store-${n}`,
    storage: `store-${n}`,
    name: dice.pick(['local', 'ceph-vm', 'backup']),
    node,
    instance,
    nodes: [node],
    nodeIds: [`${instance}-${node}`],
    nodeCount: 1,
    type: 'dir',
    status,
    total: 100,
    used: 30,
    free: 70,
    avail: 70,
    usage: 30,
    content: 'images',
    shared: dice.chance(0.3),
    enabled: dice.chance(0.9),
    active: dice.chance(0.9),
    lastSeen: time(dice),
  };
}

export function diskItem(dice: Dice, n: number): PvePhysicalDisk {
  const instance = dice.pick(INSTANCES);
  const node = dice.pick(NODE_NAMES);
  return {
    id: `${instance}-${node}-disk-${n}`,
    node,
    instance,
    devPath: `/dev/sd${'abc'[dice.int(3)]}`,
    model: dice.pick(['', 'Example SSD']),
    vendor: 'ATA',
    // A shared serial makes two disks one resource id, as a disk moved between nodes would.
    serial: dice.pick(['', 'S1', 'S2']),
    wwn: '',
    type: 'ssd',
    size: 1000,
    health: dice.pick(['PASSED', 'FAILED', 'UNKNOWN']),
    used: '',
    lastChecked: time(dice),
    ...(dice.chance(0.5) ? { temperature: 30 + dice.int(20) } : {}),
  };
}

export function cephItem(dice: Dice, n: number): PveCephCluster {
  return {
    id: `ceph-${n}`,
    instance: dice.pick(INSTANCES),
    name: dice.pick(['ceph', 'Ceph']),
    fsid: `fsid-${n}`,
    health: dice.pick(['HEALTH_OK', 'HEALTH_WARN', 'HEALTH_ERR', 'odd']),
    healthMessage: '',
    healthChecks: [],
    totalBytes: 100,
    usedBytes: 10,
    availableBytes: 90,
    usagePercent: 10,
    numMons: 3,
    numMgrs: 1,
    numOsds: 3,
    numOsdsUp: 3,
    numOsdsIn: 3,
    numPGs: 128,
    pools: [],
    services: [],
    lastUpdated: time(dice),
  };
}

export function pbsItem(dice: Dice, n: number): PbsInstance {
  return {
    id: `pbs-${n}`,
    name: dice.pick(['backup', 'Backup', 'pbs']),
    host: 'https://10.0.0.50:8007',
    status: dice.pick(['online', 'offline'] as const),
    version: '4.0.1',
    cpu: dice.next(),
    memory: { total: 100, used: 10, free: 90, usage: 10 },
    memoryUsed: 10,
    memoryTotal: 100,
    uptime: 10,
    loadAverage: [],
    datastores: [],
    backupJobs: [],
    syncJobs: [],
    verifyJobs: [],
    pruneJobs: [],
    garbageJobs: [],
    connectionHealth: 'healthy',
    lastSeen: time(dice),
  };
}

export function pmgItem(dice: Dice, n: number): PmgInstance {
  return {
    id: `pmg-${n}`,
    name: dice.pick(['mail', 'Mail']),
    host: 'https://10.0.0.60:8006',
    status: dice.pick(['online', 'offline'] as const),
    version: '9.0',
    nodes: [],
    mailCount: [],
    spamDistribution: [],
    relayDomains: [],
    domainStats: [],
    connectionHealth: 'healthy',
    lastSeen: time(dice),
    lastUpdated: time(dice),
  };
}

const NEEDLES = [
  'web',
  'WEB-0',
  'pve',
  '10.0.0',
  'agent-',
  'fe80',
  'σίσυφος',
  'a',
  'zzz',
  'app-container',
  '',
];

/** A query string's worth of filters, already parsed: sometimes repeated or empty values, as a client may send. */
export function randomQuery(dice: Dice): ResourceQuery {
  const q: ResourceQuery = {
    page: 1 + dice.int(4),
    limit: dice.pick([1, 2, 3, 5, 10, 50, 100]),
    sort: dice.pick(['name', 'type', 'status', 'lastSeen'] as const),
    order: dice.pick(['asc', 'desc'] as const),
  };
  if (dice.chance(0.3)) q.type = dice.some(RESOURCE_TYPES, 0.25);
  if (dice.chance(0.3))
    q.status = [...dice.some(RESOURCE_STATUSES, 0.5), ...dice.some(RESOURCE_STATUSES, 0.1)];
  if (dice.chance(0.3)) q.source = dice.some(RESOURCE_SOURCES, 0.4);
  if (dice.chance(0.2)) q.tags = dice.some(TAGS, 0.3).map((t) => (dice.chance(0.5) ? t.toUpperCase() : t));
  if (dice.chance(0.3)) q.q = dice.chance(0.05) ? 'web\u0000' : dice.pick(NEEDLES);
  return q;
}

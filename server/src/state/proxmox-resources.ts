// Projects Proxmox VE nodes, guests, storage, Ceph and disks into unified resources. A node with a linked
// agent host is not listed on its own: the host resource gains the proxmox source and facet instead.
import type {
  HostMetadata,
  MetricValue,
  PbsInstance,
  PmgInstance,
  ProxmoxGuest,
  ProxmoxNode,
  ProxmoxStorage,
  PveCephCluster,
  PvePhysicalDisk,
  Resource,
  ResourceStatus,
} from '@pulse/shared';
import { rate, resourceId } from './host-resource.ts';
import { addressList } from './resource-bounds.ts';

const percent = (value: number, used?: number, total?: number): MetricValue => ({
  value,
  percent: value,
  unit: '%',
  ...(used === undefined ? {} : { used }),
  ...(total === undefined ? {} : { total }),
});

function base(
  type: Resource['type'],
  stable: string,
  name: string,
  status: ResourceStatus,
  lastSeen: number,
  target: Resource['metricsTarget'],
): Resource {
  return {
    id: resourceId(type, stable),
    type,
    name,
    displayName: name,
    status,
    lastSeen,
    sources: ['proxmox'],
    sourceStatus: { proxmox: { status: status === 'offline' ? 'offline' : 'online', lastSeen } },
    identity: { hostnames: [], ipAddresses: [], macAddresses: [] },
    metrics: {},
    tags: [],
    metricsTarget: target,
  };
}

export function nodeResourceId(node: ProxmoxNode): string {
  return resourceId('agent', `cluster:${node.clusterName || node.instance}:${node.name.toLowerCase()}`);
}

export function nodeFacet(node: ProxmoxNode): NonNullable<Resource['proxmox']> {
  return {
    instance: node.instance,
    ...(node.clusterName ? { clusterName: node.clusterName } : {}),
    nodeName: node.name,
    version: node.pveVersion,
    kernelVersion: node.kernelVersion,
    ...(node.pendingUpdates === undefined ? {} : { pendingUpdates: node.pendingUpdates }),
  };
}

export function nodeToResource(node: ProxmoxNode): Resource {
  const status: ResourceStatus =
    node.status === 'online' ? 'online' : node.status === 'offline' ? 'offline' : 'unknown';
  const r = base('agent', '', node.name, status, node.lastSeen, {
    resourceType: 'node',
    resourceId: node.id,
  });
  r.id = nodeResourceId(node);
  r.displayName = node.displayName;
  r.identity.hostnames = [node.name];
  if (node.host) {
    const host = node.host.replace(/^https?:\/\//, '').replace(/:\d+$/, '');
    if (/^[\d.]+$|:/.test(host)) r.identity.ipAddresses = [host];
  }
  r.metrics = {
    cpu: percent(node.cpu * 100),
    memory: percent(node.memory.usage, node.memory.used, node.memory.total),
    disk: percent(node.disk.usage, node.disk.used, node.disk.total),
  };
  r.uptime = node.uptime;
  r.proxmox = nodeFacet(node);
  return r;
}

function guestStatus(g: ProxmoxGuest): ResourceStatus {
  if (g.status === 'running') return 'online';
  if (g.status === 'stopped') return 'offline';
  if (g.status === 'paused' || g.status === 'suspended') return 'warning';
  return 'unknown';
}

export function guestToResource(
  g: ProxmoxGuest,
  parentId: string | undefined,
  meta: HostMetadata | undefined,
): Resource {
  const type = g.type === 'qemu' ? 'vm' : 'system-container';
  const target = { resourceType: g.type === 'qemu' ? 'vm' : 'container', resourceId: g.id };
  // Keyed on the cluster-wide guest id so a live migration keeps the resource id.
  const r = base(type, `proxmox-guest:${g.id}`, g.name, guestStatus(g), g.lastSeen, target);
  r.identity.hostnames = [g.name];
  // Reported by the guest agent, that is by whoever runs the guest: copied with a bound.
  r.identity.ipAddresses = addressList(g.ipAddresses);
  r.identity.macAddresses = addressList(g.networkInterfaces.flatMap((n) => (n.mac ? [n.mac] : [])));
  r.metrics = {
    cpu: percent(g.cpu * 100),
    memory: percent(g.memory.usage, g.memory.used, g.memory.total),
    ...(g.disk.usageUnavailable ? {} : { disk: percent(g.disk.usage, g.disk.used, g.disk.total) }),
    netIn: rate(g.networkIn),
    netOut: rate(g.networkOut),
    diskRead: rate(g.diskRead),
    diskWrite: rate(g.diskWrite),
  };
  r.uptime = g.uptime;
  r.tags = [...new Set([...g.tags, ...(meta?.tags ?? [])])];
  if (meta?.customUrl) r.customUrl = meta.customUrl;
  if (parentId) r.parentId = parentId;
  r.proxmox = {
    instance: g.instance,
    nodeName: g.node,
    vmid: g.vmid,
    guestType: g.type,
    template: g.template,
    ...(g.lock ? { lock: g.lock } : {}),
  };
  return r;
}

export function storageToResource(s: ProxmoxStorage, parentId: string | undefined): Resource {
  const status: ResourceStatus = !s.enabled
    ? 'unknown'
    : s.active && s.status === 'available'
      ? 'online'
      : 'offline';
  const r = base('storage', `proxmox:${s.id}`, s.name, status, s.lastSeen, {
    resourceType: 'storage',
    resourceId: s.id,
  });
  r.metrics = { disk: percent(s.usage, s.used, s.total) };
  if (parentId) r.parentId = parentId;
  r.proxmox = {
    instance: s.instance,
    ...(s.shared ? {} : { nodeName: s.node }),
    storageType: s.type,
    shared: s.shared,
    content: s.content,
  };
  return r;
}

export function cephToResource(c: PveCephCluster): Resource {
  const status: ResourceStatus =
    c.health === 'HEALTH_OK'
      ? 'online'
      : c.health === 'HEALTH_WARN'
        ? 'warning'
        : c.health === 'HEALTH_ERR'
          ? 'offline'
          : 'unknown';
  const r = base('ceph', `proxmox:${c.id}`, c.name, status, c.lastUpdated, {
    resourceType: 'ceph',
    resourceId: c.id,
  });
  r.metrics = { disk: percent(c.usagePercent, c.usedBytes, c.totalBytes) };
  r.proxmox = { instance: c.instance, health: c.health };
  return r;
}

export function diskToResource(d: PvePhysicalDisk, parentId: string | undefined): Resource {
  const health = d.health.toUpperCase();
  const status: ResourceStatus =
    health === 'PASSED' || health === 'OK' ? 'online' : health === 'FAILED' ? 'warning' : 'unknown';
  // Serial and WWN follow a disk that moves between nodes; the path is the fallback.
  const stable = d.wwn || d.serial ? `disk:${d.wwn || d.serial}` : `proxmox:${d.id}`;
  const r = base('physical_disk', stable, `${d.node}:${d.devPath}`, status, d.lastChecked, {
    resourceType: 'disk',
    resourceId: d.id,
  });
  r.displayName = d.model ? `${d.model} (${d.devPath})` : d.devPath;
  if (d.temperature !== undefined) r.temperature = d.temperature;
  if (parentId) r.parentId = parentId;
  r.proxmox = { instance: d.instance, nodeName: d.node, health: d.health };
  return r;
}

export function pbsToResource(p: PbsInstance): Resource {
  const r = base('pbs', `pbs:${p.id}`, p.name, p.status, p.lastSeen, {
    resourceType: 'pbs',
    resourceId: p.id,
  });
  const used = p.datastores.reduce((n, d) => n + d.used, 0);
  const total = p.datastores.reduce((n, d) => n + d.total, 0);
  r.sources = ['pbs'];
  r.sourceStatus = { pbs: { status: p.status, lastSeen: p.lastSeen } };
  r.metrics = {
    cpu: percent(p.cpu * 100),
    memory: percent(p.memory.usage, p.memory.used, p.memory.total),
    ...(total > 0 ? { disk: percent((used / total) * 100, used, total) } : {}),
  };
  r.uptime = p.uptime;
  r.proxmox = { instance: p.name, version: p.version };
  return r;
}

export function pmgToResource(p: PmgInstance): Resource {
  const r = base('pmg', `pmg:${p.id}`, p.name, p.status, p.lastSeen, {
    resourceType: 'pmg',
    resourceId: p.id,
  });
  r.sources = ['pmg'];
  r.sourceStatus = { pmg: { status: p.status, lastSeen: p.lastSeen } };
  r.proxmox = { instance: p.name, version: p.version };
  return r;
}

// What the history keeps of Proxmox collections: nodes, guests (as vm / container), storage, Ceph and
// disk temperatures. Ids are the state's, so a migrated guest continues its own series.
import type {
  ProxmoxGuest,
  ProxmoxNode,
  ProxmoxStorage,
  PveCephCluster,
  PvePhysicalDisk,
} from '@pulse/shared';
import type { HistorySampler, MetricSample } from './sampler.ts';

const at =
  (resourceType: string, resourceId: string) =>
  (metric: string, value: number | undefined): MetricSample => ({ resourceType, resourceId, metric, value });

export function nodeSamples(n: ProxmoxNode): MetricSample[] {
  if (n.status !== 'online') return [];
  const m = at('node', n.id);
  return [m('cpu', n.cpu * 100), m('memory', n.memory.usage), m('disk', n.disk.usage)];
}

/** Running guests only: a stopped guest has no figures, and a gap says so better than zeros. */
export function guestSamples(g: ProxmoxGuest): MetricSample[] {
  if (g.status !== 'running' || g.template) return [];
  const m = at(g.type === 'qemu' ? 'vm' : 'container', g.id);
  return [
    m('cpu', g.cpu * 100),
    m('memory', g.memory.usageUnavailable ? undefined : g.memory.usage),
    m('disk', g.disk.usageUnavailable ? undefined : g.disk.usage),
    m('netin', g.networkIn),
    m('netout', g.networkOut),
    m('diskread', g.diskRead),
    m('diskwrite', g.diskWrite),
  ];
}

export function storageSamples(s: ProxmoxStorage): MetricSample[] {
  if (!s.enabled || !s.active) return [];
  const m = at('storage', s.id);
  return [m('usage', s.usage), m('used', s.used), m('total', s.total), m('avail', s.avail)];
}

export function cephSamples(c: PveCephCluster): MetricSample[] {
  const m = at('ceph', c.id);
  return [m('usage', c.usagePercent), m('used', c.usedBytes), m('total', c.totalBytes)];
}

export function diskSamples(d: PvePhysicalDisk): MetricSample[] {
  return [at('disk', d.id)('smart_temp', d.temperature)];
}

export function registerProxmoxExtractors(sampler: HistorySampler): void {
  sampler.registerExtractor('nodes', nodeSamples);
  sampler.registerExtractor('vms', guestSamples);
  sampler.registerExtractor('containers', guestSamples);
  sampler.registerExtractor('storage', storageSamples);
  sampler.registerExtractor('cephClusters', cephSamples);
  sampler.registerExtractor('physicalDisks', diskSamples);
}

// What the history keeps of each agent-fed collection. Proxmox collections register theirs the same way
// (resource types node, vm, container, storage) through HistorySampler.registerExtractor.
import type { DockerHostState, HostDisk, HostState, KubernetesClusterState } from '@pulse/shared';
import type { HistorySampler, MetricSample } from './sampler.ts';

function sample(resourceType: string, resourceId: string) {
  return (metric: string, value: number | undefined): MetricSample => ({
    resourceType,
    resourceId,
    metric,
    value,
  });
}

/** Used share of all filesystems together, in percent; undefined without a capacity. */
function diskPercent(disks: ReadonlyArray<Pick<HostDisk, 'used' | 'total'>>): number | undefined {
  let used = 0;
  let total = 0;
  for (const d of disks) {
    used += d.used;
    total += d.total;
  }
  return total > 0 ? (used / total) * 100 : undefined;
}

function hottest(readings: Record<string, number> | undefined): number | undefined {
  const values = Object.values(readings ?? {}).filter((v) => Number.isFinite(v));
  return values.length > 0 ? Math.max(...values) : undefined;
}

export function hostSamples(h: HostState): MetricSample[] {
  const m = sample('agent', h.id);
  return [
    m('cpu', h.cpuUsage),
    m('memory', h.memory?.usage),
    m('disk', diskPercent(h.disks)),
    m('netin', h.netInRate),
    m('netout', h.netOutRate),
    m('diskread', h.diskReadRate),
    m('diskwrite', h.diskWriteRate),
    m('temperature', hottest(h.sensors?.temperatureCelsius)),
  ];
}

export function dockerHostSamples(d: DockerHostState): MetricSample[] {
  const m = sample('dockerHost', d.id);
  const disks = d.disks.map((x) => ({ used: x.usedBytes ?? 0, total: x.totalBytes ?? 0 }));
  const out = [m('cpu', d.cpuUsagePercent), m('memory', d.memory?.usage), m('disk', diskPercent(disks))];
  for (const c of d.containers) {
    const cm = sample('dockerContainer', c.id);
    out.push(
      cm('cpu', c.cpuPercent),
      cm('memory', c.memoryPercent),
      cm('netin', c.netInRate),
      cm('netout', c.netOutRate),
      cm('diskread', c.blockReadRate),
      cm('diskwrite', c.blockWriteRate),
    );
  }
  return out;
}

/** Pods, with CPU and memory as a share of their node's capacity when the node reported one. */
export function kubernetesSamples(c: KubernetesClusterState): MetricSample[] {
  const nodes = new Map(c.nodes.map((n) => [n.name, n.capacity]));
  const out: MetricSample[] = [];
  for (const pod of c.pods) {
    if (!pod.usage) continue;
    const cap = pod.nodeName ? nodes.get(pod.nodeName) : undefined;
    const m = sample('k8s', pod.uid);
    const cpu = pod.usage.cpuMilliCores;
    const mem = pod.usage.memoryBytes;
    out.push(
      m('cpu', cpu !== undefined && cap?.cpuCores ? (cpu / (cap.cpuCores * 1000)) * 100 : undefined),
      m('memory', mem !== undefined && cap?.memoryBytes ? (mem / cap.memoryBytes) * 100 : undefined),
    );
  }
  return out;
}

export function registerAgentExtractors(sampler: HistorySampler): void {
  sampler.registerExtractor('hosts', hostSamples);
  sampler.registerExtractor('dockerHosts', dockerHostSamples);
  sampler.registerExtractor('kubernetesClusters', kubernetesSamples);
}

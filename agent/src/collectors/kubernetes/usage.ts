// Node and pod usage from metrics.k8s.io/v1beta1 lists, which client-node returns untyped.
import type { KubeNodeUsage, KubePodUsage } from '@pulse/shared';
import { podKey } from './pods.ts';
import { quantityToNano, quantityToUnits } from './quantity.ts';

type Json = Record<string, unknown>;

function isJson(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function items(list: unknown): Json[] {
  const raw = isJson(list) ? list.items : undefined;
  return Array.isArray(raw) ? raw.filter(isJson) : [];
}

/** Millicores from nanocores, rounded up once for the sum rather than per container. */
const milli = (nano: number) => Math.ceil(nano / 1_000_000);

function cpuNano(usage: unknown): number | undefined {
  return isJson(usage) ? quantityToNano(str(usage.cpu)) : undefined;
}

function memoryBytes(usage: unknown): number | undefined {
  return isJson(usage) ? quantityToUnits(str(usage.memory)) : undefined;
}

/** NodeMetricsList → usage by node name. metrics-server leaves out nodes it cannot scrape. */
export function nodeUsage(list: unknown): Map<string, KubeNodeUsage> {
  const out = new Map<string, KubeNodeUsage>();
  for (const item of items(list)) {
    const name = isJson(item.metadata) ? str(item.metadata.name) : undefined;
    if (name === undefined) continue;
    const cpu = cpuNano(item.usage);
    out.set(name, {
      cpuMilliCores: cpu === undefined ? undefined : milli(cpu),
      memoryBytes: memoryBytes(item.usage),
    });
  }
  return out;
}

/** PodMetricsList → usage by `namespace/name`, summed over the pod's containers. */
export function podUsage(list: unknown): Map<string, KubePodUsage> {
  const out = new Map<string, KubePodUsage>();
  for (const item of items(list)) {
    const meta = isJson(item.metadata) ? item.metadata : {};
    const name = str(meta.name);
    if (name === undefined) continue;
    let cpu: number | undefined;
    let memory: number | undefined;
    for (const c of Array.isArray(item.containers) ? item.containers.filter(isJson) : []) {
      const n = cpuNano(c.usage);
      const m = memoryBytes(c.usage);
      if (n !== undefined) cpu = (cpu ?? 0) + n;
      if (m !== undefined) memory = (memory ?? 0) + m;
    }
    out.set(podKey(str(meta.namespace), name), {
      cpuMilliCores: cpu === undefined ? undefined : milli(cpu),
      memoryBytes: memory,
    });
  }
  return out;
}

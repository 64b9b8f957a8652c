// The default fixture cluster ("sim-homelab"): 3 nodes (k8s-w-2 NotReady), 4 namespaces, 14 pods with the
// usual failure states, 4 deployments, a statefulset, a daemonset, 2 jobs, a cronjob, services, events, metrics.
// Every call builds fresh objects relative to `now`, so tests may edit them freely.
import { DAY, type Owner, pod } from './fixture-kit.ts';
import { fixtureNamespaces, fixtureNodes, fixtureServices, VERSION } from './fixtures-cluster.ts';
import { fixtureEvents, nodeMetrics, podMetrics } from './fixtures-events.ts';
import { fixturePods, NODE_IPS } from './fixtures-pods.ts';
import {
  fixtureDaemonSets,
  fixtureDeployments,
  fixtureJobs,
  fixtureStatefulSets,
} from './fixtures-workloads.ts';
import type { KubeFixtures, Pod } from './types.ts';

export function defaultFixtures(now: number = Date.now()): KubeFixtures {
  const nodes = fixtureNodes(now);
  const pods = fixturePods(now);
  return {
    version: { ...VERSION },
    nodes,
    namespaces: fixtureNamespaces(now),
    pods,
    services: fixtureServices(now),
    events: fixtureEvents(now),
    ...fixtureDeployments(now),
    statefulsets: fixtureStatefulSets(now),
    daemonsets: fixtureDaemonSets(now),
    ...fixtureJobs(now),
    nodeMetrics: nodeMetrics(now, nodes),
    podMetrics: podMetrics(now, pods),
  };
}

export interface ExtraPodsOptions {
  namespace?: string;
  /** Node names to spread the pods over (default k8s-w-1). */
  nodes?: Array<keyof typeof NODE_IPS>;
  /** Name prefix (default "scale"); pods are "<prefix>-6b7c8d9e5f-00001" and so on. */
  prefix?: string;
  now?: number;
}

/** count Running, ready pods owned by one ReplicaSet, for scale tests. */
export function extraPods(count: number, opts: ExtraPodsOptions = {}): Pod[] {
  const now = opts.now ?? Date.now();
  const nodes = opts.nodes ?? ['k8s-w-1'];
  const prefix = opts.prefix ?? 'scale';
  const owner: Owner = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${prefix}-6b7c8d9e5f` };
  return Array.from({ length: count }, (_, i) => {
    const node = nodes[i % nodes.length] ?? 'k8s-w-1';
    return pod(now, {
      name: `${owner.name}-${String(i + 1).padStart(5, '0')}`,
      namespace: opts.namespace ?? 'default',
      node,
      ip: `10.245.${Math.floor(i / 250)}.${(i % 250) + 1}`,
      hostIP: NODE_IPS[node],
      age: DAY,
      labels: { app: prefix, 'pod-template-hash': '6b7c8d9e5f' },
      owner,
      containers: [{ name: 'app', image: 'nginx:1.27.3', requests: { cpu: '10m', memory: '16Mi' } }],
    });
  });
}

/** Adds count extra pods (and their pod metrics) to fixtures; returns fixtures. */
export function withExtraPods(
  fixtures: KubeFixtures,
  count: number,
  opts: ExtraPodsOptions = {},
): KubeFixtures {
  const now = opts.now ?? Date.now();
  const pods = extraPods(count, { ...opts, now });
  fixtures.pods.push(...pods);
  const usage = Object.fromEntries(
    pods.map((p) => [p.metadata.name, { cpu: '1250000n', memory: '12288Ki' }]),
  );
  fixtures.podMetrics.push(...podMetrics(now, pods, usage));
  return fixtures;
}

export type { KubeFixtures } from './types.ts';

// Cluster states a collector must survive: a pod the scheduler has not placed, one being deleted, a bare
// pod with no owner and no status yet, a node that has not posted status (so no addresses, versions or
// metrics), a deployment its controller has not observed, and JSON nulls where kube-apiserver leaves a key
// out (as proxies, API stand-ins and clients that write every unset pointer do). The default cluster plus these.
import { ago, HOUR, iso, meta, type Owner, pod } from './fixture-kit.ts';
import { defaultFixtures } from './fixtures.ts';
import { NODE_IPS } from './fixtures-pods.ts';
import type { Deployment, KubeFixtures, Node, Pod } from './types.ts';

/** Names of the objects added here, for the tests that look them up. */
export const ODD = {
  queued: 'queued-5f7d8c9b6d-h2k4p',
  leaving: 'homepage-7b8c9d6f5-zr9vd',
  bare: 'debug-shell',
  joining: 'k8s-w-3',
  fresh: 'queued',
  /** Seconds until the terminating pod's grace period ends. */
  graceLeft: 20,
} as const;

/**
 * Sets fields the way the wire carries them rather than the way the typed builders make them: `null` is
 * written as null, `undefined` removes the key (a block the API left out).
 */
function rewrite(target: object, fields: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) Reflect.deleteProperty(target, key);
    else Reflect.set(target, key, value);
  }
}

const rs = (name: string): Owner => ({ apiVersion: 'apps/v1', kind: 'ReplicaSet', name });

/** Created seconds ago and not yet looked at by the scheduler: no node, no conditions, no statuses. */
function queuedPod(now: number): Pod {
  const p = pod(now, {
    name: ODD.queued,
    namespace: 'default',
    age: 4,
    labels: { app: ODD.fresh, 'pod-template-hash': '5f7d8c9b6d' },
    owner: rs('queued-5f7d8c9b6d'),
    phase: 'Pending',
    conditions: [],
    containers: [{ name: 'app', image: 'nginx:1.27.3' }],
  });
  rewrite(p.spec, { nodeName: null, priorityClassName: null });
  rewrite(p.status, {
    conditions: null,
    startTime: null,
    containerStatuses: null,
    initContainerStatuses: null,
    message: null,
    reason: null,
  });
  return p;
}

/** A homepage replica being scaled away: deletion requested, containers still running, phase Running. */
function leavingPod(now: number): Pod {
  const hostIP = NODE_IPS['k8s-w-1'];
  const p = pod(now, {
    name: ODD.leaving,
    namespace: 'default',
    node: 'k8s-w-1',
    ip: '10.244.1.23',
    hostIP,
    age: 3 * HOUR,
    labels: { app: 'homepage', 'pod-template-hash': '7b8c9d6f5' },
    owner: rs('homepage-7b8c9d6f5'),
    containers: [{ name: 'homepage', image: 'ghcr.io/gethomepage/homepage:v0.9.13' }],
  });
  p.metadata.deletionTimestamp = iso(now + ODD.graceLeft * 1000);
  rewrite(p.metadata, { deletionGracePeriodSeconds: 30 });
  return p;
}

/** `kubectl run` straight at the API, stored but with no owner, no labels and no status block at all. */
function barePod(now: number): Pod {
  const p = pod(now, {
    name: ODD.bare,
    namespace: 'default',
    age: 2,
    containers: [{ name: ODD.bare, image: 'busybox:1.37' }],
  });
  rewrite(p.metadata, { ownerReferences: null, labels: null });
  rewrite(p, { status: undefined });
  return p;
}

/** A Node object whose kubelet has not posted status yet: no conditions, addresses, nodeInfo or capacity. */
function joiningNode(now: number): Node {
  const n: Node = {
    metadata: meta('Node', ODD.joining, undefined, ago(now, 15), {
      labels: { 'kubernetes.io/hostname': ODD.joining, 'kubernetes.io/os': 'linux' },
    }),
    spec: {
      podCIDR: '10.244.3.0/24',
      taints: [{ key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' }],
    },
    status: { capacity: {}, allocatable: {}, conditions: [], addresses: [], nodeInfo: {} },
  };
  rewrite(n.status, {
    capacity: undefined,
    allocatable: undefined,
    conditions: null,
    addresses: undefined,
    nodeInfo: undefined,
  });
  return n;
}

/** Created a moment ago, before the deployment controller wrote any status. */
function freshDeployment(now: number): Deployment {
  const labels = { app: ODD.fresh };
  const d: Deployment = {
    metadata: meta('Deployment', ODD.fresh, 'default', ago(now, 5), { generation: 1, labels }),
    spec: {
      replicas: 1,
      selector: { matchLabels: labels },
      template: { metadata: { labels, creationTimestamp: null }, spec: { containers: [] } },
    },
    status: {},
  };
  rewrite(d, { status: undefined });
  return d;
}

export function oddFixtures(now: number = Date.now()): KubeFixtures {
  const f = defaultFixtures(now);
  f.pods.push(queuedPod(now), leavingPod(now), barePod(now));
  f.nodes.push(joiningNode(now));
  f.deployments.push(freshDeployment(now));
  return f;
}

// Core v1 events about the fixture cluster's trouble, and metrics.k8s.io usage as metrics-server reports it
// (the unreachable node and pods without running containers have no metrics).
import { createHash } from 'node:crypto';
import { ago, iso, MINUTE, meta, uid } from './fixture-kit.ts';
import { nightlyAge, nightlyJobName } from './fixtures-pods.ts';
import type { KubeObject, Node, Pod } from './types.ts';

interface EventIn {
  kind: string;
  apiVersion: string;
  name: string;
  namespace?: string;
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  component: string;
  host?: string;
  count: number;
  /** Seconds ago. */
  first: number;
  last: number;
  fieldPath?: string;
  /** Reported through events.k8s.io (scheduler): eventTime set, first/lastTimestamp null. */
  newApi?: boolean;
}

function event(now: number, e: EventIn): KubeObject {
  const ns = e.namespace ?? 'default';
  const name = `${e.name}.${createHash('md5').update(`${e.name}/${e.reason}`).digest('hex').slice(0, 16)}`;
  const micro = (s: number) => new Date(now - s * 1000).toISOString().replace('Z', '000Z');
  return {
    metadata: meta('Event', name, ns, e.newApi ? micro(e.first) : ago(now, e.first)),
    involvedObject: {
      kind: e.kind,
      ...(e.namespace ? { namespace: e.namespace } : {}),
      name: e.name,
      uid: uid(e.kind, e.namespace, e.name),
      apiVersion: e.apiVersion,
      ...(e.fieldPath ? { fieldPath: e.fieldPath } : {}),
    },
    reason: e.reason,
    message: e.message,
    source: e.newApi ? {} : { component: e.component, ...(e.host ? { host: e.host } : {}) },
    firstTimestamp: e.newApi ? null : ago(now, e.first),
    lastTimestamp: e.newApi ? null : ago(now, e.last),
    ...(e.newApi ? { series: { count: e.count, lastObservedTime: micro(e.last) } } : { count: e.count }),
    type: e.type,
    eventTime: e.newApi ? micro(e.first) : null,
    reportingComponent: e.newApi ? e.component : '',
    reportingInstance: e.newApi ? `${e.component}-k8s-cp-1` : '',
    ...(e.newApi ? { action: 'Scheduling' } : {}),
  };
}

export function fixtureEvents(now: number): KubeObject[] {
  const pod = { kind: 'Pod', apiVersion: 'v1' };
  const image = 'ghcr.io/homelab/config-init:v2';
  const nightly = nightlyJobName(now);
  return [
    event(now, {
      ...pod,
      name: 'sonarr-6c9f8d7b5d-qv8rn',
      namespace: 'media',
      type: 'Warning',
      reason: 'BackOff',
      message: 'Back-off restarting failed container sonarr in pod sonarr-6c9f8d7b5d-qv8rn_media',
      component: 'kubelet',
      host: 'k8s-w-1',
      count: 312,
      first: 50 * MINUTE,
      last: 25,
      fieldPath: 'spec.containers{sonarr}',
    }),
    event(now, {
      ...pod,
      name: 'homepage-7b8c9d6f5-8hmzc',
      namespace: 'default',
      type: 'Warning',
      reason: 'FailedScheduling',
      message:
        '0/3 nodes are available: 1 Insufficient memory, 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 1 node(s) had untolerated taint {node.kubernetes.io/unreachable: }. preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.',
      component: 'default-scheduler',
      count: 36,
      first: 58 * MINUTE,
      last: 3 * MINUTE,
      newApi: true,
    }),
    event(now, {
      ...pod,
      name: 'homepage-7b8c9d6f5-t4wql',
      namespace: 'default',
      type: 'Warning',
      reason: 'Failed',
      message: `Failed to pull image "${image}": rpc error: code = NotFound desc = failed to pull and unpack image "${image}": failed to resolve reference "${image}": ${image}: not found`,
      component: 'kubelet',
      host: 'k8s-w-1',
      count: 37,
      first: 59 * MINUTE,
      last: 5 * MINUTE,
      fieldPath: 'spec.initContainers{fetch-config}',
    }),
    event(now, {
      ...pod,
      name: 'homepage-7b8c9d6f5-t4wql',
      namespace: 'default',
      type: 'Normal',
      reason: 'BackOff',
      message: `Back-off pulling image "${image}"`,
      component: 'kubelet',
      host: 'k8s-w-1',
      count: 812,
      first: 59 * MINUTE,
      last: 40,
      fieldPath: 'spec.initContainers{fetch-config}',
    }),
    event(now, {
      kind: 'Node',
      apiVersion: 'v1',
      name: 'k8s-w-2',
      type: 'Normal',
      reason: 'NodeNotReady',
      message: 'Node k8s-w-2 status is now: NodeNotReady',
      component: 'node-controller',
      count: 1,
      first: 47 * MINUTE,
      last: 47 * MINUTE,
    }),
    event(now, {
      ...pod,
      name: 'kube-proxy-zt5hc',
      namespace: 'kube-system',
      type: 'Warning',
      reason: 'NodeNotReady',
      message: 'Node is not ready',
      component: 'node-controller',
      count: 1,
      first: 47 * MINUTE,
      last: 47 * MINUTE,
    }),
    event(now, {
      kind: 'Job',
      apiVersion: 'batch/v1',
      name: nightly,
      namespace: 'default',
      type: 'Warning',
      reason: 'BackoffLimitExceeded',
      message: 'Job has reached the specified backoff limit',
      component: 'job-controller',
      count: 1,
      first: nightlyAge(now) - 42,
      last: nightlyAge(now) - 42,
    }),
    event(now, {
      kind: 'CronJob',
      apiVersion: 'batch/v1',
      name: 'backup-nightly',
      namespace: 'default',
      type: 'Normal',
      reason: 'SuccessfulCreate',
      message: `Created job ${nightly}`,
      component: 'cronjob-controller',
      count: 1,
      first: nightlyAge(now),
      last: nightlyAge(now),
    }),
  ];
}

/** Usage per node; nodes missing here (the unreachable one) are absent from metrics-server's answer. */
export const NODE_USAGE: Record<string, { cpu: string; memory: string }> = {
  'k8s-cp-1': { cpu: '250m', memory: '1024Mi' },
  'k8s-w-1': { cpu: '1534021876n', memory: '6291456Ki' },
};

/** Usage of each pod's first container. */
export const POD_USAGE: Record<string, { cpu: string; memory: string }> = {
  'etcd-k8s-cp-1': { cpu: '31874012n', memory: '87340Ki' },
  'coredns-7c65d6cfc9-4xkzq': { cpu: '2104118n', memory: '18924Ki' },
  'coredns-7c65d6cfc9-p8w2n': { cpu: '1987332n', memory: '17408Ki' },
  'kube-proxy-7kq2d': { cpu: '1500000n', memory: '2048Ki' },
  'kube-proxy-m9x4t': { cpu: '1068400n', memory: '20480Ki' },
  'jellyfin-5d8f7b9c4b-x7t2m': { cpu: '812455023n', memory: '1843200Ki' },
  'homepage-7b8c9d6f5-2xkfp': { cpu: '3m', memory: '96Mi' },
  'prometheus-0': { cpu: '48213773n', memory: '1126400Ki' },
};

export function nodeMetrics(now: number, nodes: Node[], usage = NODE_USAGE): KubeObject[] {
  return nodes.flatMap((n) => {
    const u = usage[n.metadata.name];
    if (!u) return [];
    const metadata = { name: n.metadata.name, creationTimestamp: iso(now), labels: n.metadata.labels ?? {} };
    return [{ metadata, timestamp: ago(now, 9), window: '20.045s', usage: u }];
  });
}

export function podMetrics(now: number, pods: Pod[], usage = POD_USAGE): KubeObject[] {
  return pods.flatMap((p) => {
    const u = usage[p.metadata.name];
    const first = p.spec.containers[0];
    if (!u || !first || p.status.phase !== 'Running') return [];
    const { name, namespace, labels = {} } = p.metadata;
    return [
      {
        metadata: { name, namespace, creationTimestamp: iso(now), labels },
        timestamp: ago(now, 12),
        window: '18.512s',
        containers: [{ name: first.name, usage: u }],
      },
    ];
  });
}

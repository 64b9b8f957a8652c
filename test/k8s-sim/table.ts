// Server-side printing: a meta.k8s.io/v1 Table for `kubectl get` without -o, with the columns
// kube-apiserver's printers use for the kinds served here (a Name/Created At table otherwise).
import type { ContainerStatus, Deployment, KubeObject, Node, Pod } from './types.ts';

type Cell = string | number;
interface Column {
  name: string;
  type: 'string' | 'integer' | 'date';
  priority?: number;
  cell: (o: KubeObject, now: number) => Cell;
}

/** k8s.io/apimachinery/pkg/util/duration.HumanDuration */
export function humanDuration(seconds: number): string {
  const s = Math.floor(seconds);
  if (s < -1) return '<invalid>';
  if (s < 0) return '0s';
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(s / 3600);
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  if (h < 24 * 8) return h % 24 === 0 ? `${Math.floor(h / 24)}d` : `${Math.floor(h / 24)}d${h % 24}h`;
  if (h < 24 * 365 * 2) return `${Math.floor(h / 24)}d`;
  const y = Math.floor(h / 24 / 365);
  if (h < 24 * 365 * 8) return `${y}y${Math.floor(h / 24) % 365}d`;
  return `${y}y`;
}

const age = (t: string | undefined, now: number) =>
  t ? humanDuration((now - Date.parse(t)) / 1000) : '<unknown>';

const f = (o: Record<string, unknown>, key: string): Record<string, unknown> =>
  (o[key] as Record<string, unknown> | undefined) ?? {};
const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
const str = (v: unknown, none = '<none>'): string => (typeof v === 'string' && v !== '' ? v : none);

const NAME: Column = { name: 'Name', type: 'string', cell: (o) => o.metadata.name };
const AGE: Column = { name: 'Age', type: 'string', cell: (o, now) => age(o.metadata.creationTimestamp, now) };

function exitReason(t: NonNullable<ContainerStatus['state']['terminated']>, prefix: string): string {
  return t.reason ? `${prefix}${t.reason}` : `${prefix}ExitCode:${t.exitCode}`;
}

/** The STATUS column of `kubectl get pods` (printPod in pkg/printers/internalversion). */
export function podStatus(pod: Pod): { reason: string; ready: number; restarts: number } {
  let reason = pod.status.reason ?? pod.status.phase;
  let restarts = 0;
  let ready = 0;
  let initializing = false;
  const inits = pod.status.initContainerStatuses ?? [];
  for (const [i, c] of inits.entries()) {
    restarts += c.restartCount;
    const { terminated, waiting } = c.state;
    if (terminated?.exitCode === 0) continue;
    if (terminated) reason = exitReason(terminated, 'Init:');
    else if (waiting?.reason && waiting.reason !== 'PodInitializing') reason = `Init:${waiting.reason}`;
    else reason = `Init:${i}/${pod.spec.initContainers?.length ?? inits.length}`;
    initializing = true;
    break;
  }
  if (!initializing) {
    restarts = 0;
    let running = false;
    for (const c of [...(pod.status.containerStatuses ?? [])].reverse()) {
      restarts += c.restartCount;
      const { terminated, waiting } = c.state;
      if (waiting?.reason) reason = waiting.reason;
      else if (terminated) reason = exitReason(terminated, '');
      else if (c.ready && c.state.running) {
        running = true;
        ready++;
      }
    }
    if (reason === 'Completed' && running) {
      const podReady = pod.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
      reason = podReady ? 'Running' : 'NotReady';
    }
  }
  if (pod.metadata.deletionTimestamp) reason = pod.status.reason === 'NodeLost' ? 'Unknown' : 'Terminating';
  return { reason, ready, restarts };
}

const POD: Column[] = [
  NAME,
  {
    name: 'Ready',
    type: 'string',
    cell: (o) => `${podStatus(o as Pod).ready}/${(o as Pod).spec.containers.length}`,
  },
  { name: 'Status', type: 'string', cell: (o) => podStatus(o as Pod).reason },
  { name: 'Restarts', type: 'string', cell: (o) => String(podStatus(o as Pod).restarts) },
  AGE,
  { name: 'IP', type: 'string', priority: 1, cell: (o) => str((o as Pod).status.podIP) },
  { name: 'Node', type: 'string', priority: 1, cell: (o) => str((o as Pod).spec.nodeName) },
];

function nodeRoles(n: KubeObject): string {
  const labels = n.metadata.labels ?? {};
  const roles = Object.keys(labels)
    .filter((k) => k.startsWith('node-role.kubernetes.io/'))
    .map((k) => k.slice('node-role.kubernetes.io/'.length));
  return roles.length > 0 ? roles.sort().join(',') : '<none>';
}

const NODE: Column[] = [
  NAME,
  {
    name: 'Status',
    type: 'string',
    cell: (o) => {
      const n = o as Node;
      const ready = n.status.conditions.find((c) => c.type === 'Ready')?.status === 'True';
      return `${ready ? 'Ready' : 'NotReady'}${n.spec.unschedulable ? ',SchedulingDisabled' : ''}`;
    },
  },
  { name: 'Roles', type: 'string', cell: nodeRoles },
  AGE,
  { name: 'Version', type: 'string', cell: (o) => str((o as Node).status.nodeInfo.kubeletVersion, '') },
  {
    name: 'Internal-IP',
    type: 'string',
    priority: 1,
    cell: (o) => str((o as Node).status.addresses.find((a) => a.type === 'InternalIP')?.address),
  },
  { name: 'OS-Image', type: 'string', priority: 1, cell: (o) => str((o as Node).status.nodeInfo.osImage) },
];

const DEPLOYMENT: Column[] = [
  NAME,
  {
    name: 'Ready',
    type: 'string',
    cell: (o) => `${(o as Deployment).status.readyReplicas ?? 0}/${(o as Deployment).spec.replicas}`,
  },
  { name: 'Up-to-date', type: 'integer', cell: (o) => (o as Deployment).status.updatedReplicas ?? 0 },
  { name: 'Available', type: 'integer', cell: (o) => (o as Deployment).status.availableReplicas ?? 0 },
  AGE,
];

const status = (name: string, key: string, type: Column['type'] = 'integer'): Column => ({
  name,
  type,
  cell: (o) => (type === 'integer' ? num(f(o, 'status')[key]) : str(f(o, 'status')[key])),
});

const spec = (name: string, key: string): Column => ({
  name,
  type: 'integer',
  cell: (o) => num(f(o, 'spec')[key]),
});
const statusOf = (nameKey: string): Column => {
  const [name = '', key = ''] = nameKey.split(':');
  return status(name, key);
};

function externalIPs(o: KubeObject): string {
  const ingress = (f(f(o, 'status'), 'loadBalancer').ingress ?? []) as Array<{
    ip?: string;
    hostname?: string;
  }>;
  const ips = ingress.map((i) => i.ip ?? i.hostname ?? '').filter((x) => x !== '');
  if (ips.length > 0) return ips.join(',');
  return f(o, 'spec').type === 'LoadBalancer' ? '<pending>' : '<none>';
}

function ports(o: KubeObject): string {
  const list = (f(o, 'spec').ports ?? []) as Array<{ port: number; nodePort?: number; protocol?: string }>;
  const out = list.map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`);
  return out.length > 0 ? out.join(',') : '<none>';
}

const COLUMNS: Record<string, Column[]> = {
  Pod: POD,
  Node: NODE,
  Deployment: DEPLOYMENT,
  Namespace: [NAME, status('Status', 'phase', 'string'), AGE],
  Service: [
    NAME,
    { name: 'Type', type: 'string', cell: (o) => str(f(o, 'spec').type) },
    { name: 'Cluster-IP', type: 'string', cell: (o) => str(f(o, 'spec').clusterIP) },
    { name: 'External-IP', type: 'string', cell: externalIPs },
    { name: 'Port(s)', type: 'string', cell: ports },
    AGE,
  ],
  ReplicaSet: [
    NAME,
    spec('Desired', 'replicas'),
    status('Current', 'replicas'),
    status('Ready', 'readyReplicas'),
    AGE,
  ],
  StatefulSet: [
    NAME,
    {
      name: 'Ready',
      type: 'string',
      cell: (o) => `${num(f(o, 'status').readyReplicas)}/${num(f(o, 'spec').replicas)}`,
    },
    AGE,
  ],
  DaemonSet: [
    NAME,
    ...['Desired:desiredNumberScheduled', 'Current:currentNumberScheduled', 'Ready:numberReady'].map(
      statusOf,
    ),
    ...['Up-to-date:updatedNumberScheduled', 'Available:numberAvailable'].map(statusOf),
    AGE,
  ],
  Job: [
    NAME,
    {
      name: 'Completions',
      type: 'string',
      cell: (o) => `${num(f(o, 'status').succeeded)}/${num(f(o, 'spec').completions)}`,
    },
    AGE,
  ],
  CronJob: [
    NAME,
    { name: 'Schedule', type: 'string', cell: (o) => str(f(o, 'spec').schedule) },
    {
      name: 'Suspend',
      type: 'string',
      cell: (o) => String(f(o, 'spec').suspend === true ? 'True' : 'False'),
    },
    { name: 'Active', type: 'integer', cell: (o) => (Array.isArray(f(o, 'status').active) ? 1 : 0) },
    {
      name: 'Last Schedule',
      type: 'string',
      cell: (o, now) => age(f(o, 'status').lastScheduleTime as string, now),
    },
    AGE,
  ],
  Event: [
    {
      name: 'Last Seen',
      type: 'string',
      // Events written through events.k8s.io have null timestamps and a series or eventTime instead.
      cell: (o, now) => {
        const series = f(o, 'series').lastObservedTime;
        return age(str(o.lastTimestamp, '') || str(series, '') || str(o.eventTime, '') || undefined, now);
      },
    },
    { name: 'Type', type: 'string', cell: (o) => str(o.type) },
    { name: 'Reason', type: 'string', cell: (o) => str(o.reason) },
    {
      name: 'Object',
      type: 'string',
      cell: (o) =>
        `${String(f(o, 'involvedObject').kind).toLowerCase()}/${String(f(o, 'involvedObject').name)}`,
    },
    { name: 'Message', type: 'string', cell: (o) => str(o.message) },
  ],
};

const DEFAULT: Column[] = [
  NAME,
  { name: 'Created At', type: 'date', cell: (o) => o.metadata.creationTimestamp },
];

/** Converts a List body into a Table; includeObject is None, Metadata (the default) or Object. */
export function toTable(
  kind: string,
  apiVersion: string,
  list: { metadata: object; items: KubeObject[] },
  includeObject: string | null,
  now = Date.now(),
): object {
  const columns = COLUMNS[kind] ?? DEFAULT;
  const rowObject = (o: KubeObject) => {
    if (includeObject === 'None') return {};
    if (includeObject === 'Object') return { object: { kind, apiVersion, ...o } };
    return { object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata } };
  };
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: list.metadata,
    columnDefinitions: columns.map((c) => ({
      name: c.name,
      type: c.type === 'date' ? 'string' : c.type,
      format: c === NAME ? 'name' : c.type === 'date' ? 'date' : '',
      description: '',
      priority: c.priority ?? 0,
    })),
    rows: list.items.map((o) => ({ cells: columns.map((c) => c.cell(o, now)), ...rowObject(o) })),
  };
}

// Builders for fixture objects: stable uids and hashes, timestamps relative to a clock, object metadata,
// owner references and pods with container statuses in the shapes the kubelet reports.
import { createHash } from 'node:crypto';
import type { Condition, ContainerState, ContainerStatus, ObjectMeta, OwnerReference, Pod } from './types.ts';

const hex = (seed: string) => createHash('sha256').update(seed).digest('hex');

/** A stable UUID (version 4 layout) for a kind/namespace/name. */
export function uid(kind: string, namespace: string | undefined, name: string): string {
  const h = hex(`${kind}/${namespace ?? ''}/${name}`);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** RFC 3339 without fractions, as metav1.Time serialises. */
export const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** now - seconds, formatted. */
export const ago = (now: number, seconds: number) => iso(now - seconds * 1000);

export const MINUTE = 60;
export const HOUR = 3600;
export const DAY = 86_400;

export interface Owner {
  apiVersion: string;
  kind: string;
  name: string;
}

export function ownerRef(o: Owner, namespace: string | undefined): OwnerReference {
  return { ...o, uid: uid(o.kind, namespace, o.name), controller: true, blockOwnerDeletion: true };
}

export function meta(
  kind: string,
  name: string,
  namespace: string | undefined,
  created: string,
  extra: {
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    owner?: Owner;
    generation?: number;
    generateName?: string;
  } = {},
): ObjectMeta {
  return {
    name,
    ...(extra.generateName ? { generateName: extra.generateName } : {}),
    ...(namespace ? { namespace } : {}),
    uid: uid(kind, namespace, name),
    ...(extra.generation ? { generation: extra.generation } : {}),
    creationTimestamp: created,
    ...(extra.labels ? { labels: extra.labels } : {}),
    ...(extra.annotations ? { annotations: extra.annotations } : {}),
    ...(extra.owner ? { ownerReferences: [ownerRef(extra.owner, namespace)] } : {}),
  };
}

export interface ContainerIn {
  name: string;
  /** As written in the pod spec, e.g. "jellyfin/jellyfin:10.10.3". */
  image: string;
  /** Defaults to running since the pod started. */
  state?: ContainerState;
  lastState?: ContainerState;
  ready?: boolean;
  restarts?: number;
  requests?: Record<string, string>;
  limits?: Record<string, string>;
}

export interface PodIn {
  name: string;
  namespace: string;
  node?: string;
  ip?: string;
  hostIP?: string;
  /** Seconds since creation. */
  age: number;
  labels?: Record<string, string>;
  owner?: Owner;
  phase?: Pod['status']['phase'];
  reason?: string;
  message?: string;
  containers: ContainerIn[];
  initContainers?: ContainerIn[];
  /** Scheduler message for a pod with no node (PodScheduled False, reason Unschedulable). */
  unschedulable?: string;
  /** Replaces the conditions derived from phase and readiness. */
  conditions?: Condition[];
}

const fullImage = (image: string) => {
  const named = image.includes('/') ? image : `library/${image}`;
  return named.split('/')[0]?.includes('.') ? named : `docker.io/${named}`;
};

function containerStatus(pod: PodIn, c: ContainerIn, started: string): ContainerStatus {
  const state = c.state ?? { running: { startedAt: started } };
  const running = state.running !== undefined;
  const ready = c.ready ?? running;
  const image = fullImage(c.image);
  const id = hex(`${pod.namespace}/${pod.name}/${c.name}`);
  return {
    name: c.name,
    image,
    imageID: state.waiting ? '' : `${image.replace(/:[^:/]+$/, '')}@sha256:${hex(image)}`,
    ...(state.waiting ? {} : { containerID: `containerd://${id}` }),
    ready,
    started: running,
    restartCount: c.restarts ?? 0,
    state,
    lastState: c.lastState ?? {},
  };
}

function specContainer(c: ContainerIn) {
  const resources = {
    ...(c.requests ? { requests: c.requests } : {}),
    ...(c.limits ? { limits: c.limits } : {}),
  };
  return {
    name: c.name,
    image: c.image,
    resources,
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
    imagePullPolicy: c.image.endsWith(':latest') ? 'Always' : 'IfNotPresent',
  };
}

export const cond = (
  type: string,
  ok: boolean,
  at: string,
  reason?: string,
  message?: string,
): Condition => ({
  type,
  status: ok ? 'True' : 'False',
  lastProbeTime: null,
  lastTransitionTime: at,
  ...(reason ? { reason } : {}),
  ...(message ? { message } : {}),
});

export function pod(now: number, p: PodIn): Pod {
  const created = ago(now, p.age);
  const started = ago(now, p.age - 2);
  const phase = p.phase ?? 'Running';
  const inits = (p.initContainers ?? []).map((c) => containerStatus(p, c, started));
  const statuses = p.containers.map((c) => containerStatus(p, c, started));
  const initDone = inits.every((s) => s.state.terminated?.exitCode === 0);
  const unready = statuses.filter((s) => !s.ready).map((s) => s.name);
  const allReady = unready.length === 0 && phase === 'Running';
  const done = phase === 'Succeeded' || phase === 'Failed';
  const notReady = done ? 'PodCompleted' : 'ContainersNotReady';
  const notReadyMsg = done ? undefined : `containers with unready status: [${unready.join(' ')}]`;
  const conditions =
    p.conditions ??
    (p.node
      ? [
          cond('PodReadyToStartContainers', !done, started),
          cond('Initialized', initDone, created, initDone ? undefined : 'ContainersNotInitialized'),
          cond(
            'Ready',
            allReady,
            started,
            allReady ? undefined : notReady,
            allReady ? undefined : notReadyMsg,
          ),
          cond(
            'ContainersReady',
            allReady,
            started,
            allReady ? undefined : notReady,
            allReady ? undefined : notReadyMsg,
          ),
          cond('PodScheduled', true, created),
        ]
      : [cond('PodScheduled', false, created, 'Unschedulable', p.unschedulable)]);
  const hasRequests = p.containers.some((c) => c.requests);
  return {
    metadata: meta('Pod', p.name, p.namespace, created, {
      ...(p.labels ? { labels: p.labels } : {}),
      ...(p.owner ? { owner: p.owner } : {}),
      ...(p.owner && p.owner.kind !== 'StatefulSet' && p.owner.kind !== 'Node'
        ? { generateName: p.name.replace(/[^-]+$/, '') }
        : {}),
    }),
    spec: {
      ...(p.initContainers ? { initContainers: p.initContainers.map(specContainer) } : {}),
      containers: p.containers.map(specContainer),
      restartPolicy: p.owner?.kind === 'Job' ? 'Never' : 'Always',
      terminationGracePeriodSeconds: 30,
      dnsPolicy: 'ClusterFirst',
      serviceAccountName: 'default',
      ...(p.node ? { nodeName: p.node } : {}),
      schedulerName: 'default-scheduler',
      priority: 0,
    },
    status: {
      phase,
      ...(p.reason ? { reason: p.reason } : {}),
      ...(p.message ? { message: p.message } : {}),
      conditions,
      ...(p.hostIP ? { hostIP: p.hostIP, hostIPs: [{ ip: p.hostIP }] } : {}),
      ...(p.ip ? { podIP: p.ip, podIPs: [{ ip: p.ip }] } : {}),
      ...(p.node ? { startTime: created } : {}),
      ...(inits.length > 0 ? { initContainerStatuses: inits } : {}),
      ...(p.node ? { containerStatuses: statuses } : {}),
      qosClass: hasRequests ? 'Burstable' : 'BestEffort',
    },
  };
}

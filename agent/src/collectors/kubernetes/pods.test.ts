import type { V1ContainerStatus, V1Pod } from '@kubernetes/client-node';
import { KubePod } from '@pulse/shared';
import { describe, expect, it } from 'vitest';
import { TEXT_MAX } from '../../report/text-limits.ts';
import { podReason, selectPods, toKubePod } from './pods.ts';
import { pruneNulls } from './wire-nulls.ts';

const created = new Date('2026-11-01T10:00:00Z');

function status(
  name: string,
  state: V1ContainerStatus['state'],
  ready = false,
  restartCount = 0,
): V1ContainerStatus {
  return { name, image: 'docker.io/library/nginx:1.27', imageID: '', ready, restartCount, state };
}

function pod(name: string, over: Partial<V1Pod> = {}): V1Pod {
  return {
    metadata: {
      name,
      namespace: 'media',
      uid: `uid-${name}`,
      creationTimestamp: created,
      labels: { app: 'sonarr' },
      ownerReferences: [
        { apiVersion: 'v1', kind: 'Node', name: 'n1', uid: 'x' },
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'sonarr-6c9f', uid: 'y', controller: true },
      ],
    },
    spec: { nodeName: 'k8s-w-1', containers: [{ name: 'sonarr', image: 'lscr.io/linuxserver/sonarr:4' }] },
    status: { phase: 'Running', qosClass: 'Burstable', startTime: created },
    ...over,
  };
}

describe('toKubePod', () => {
  it('maps a CrashLoopBackOff pod: container state and reason, restarts, controller owner, usage', () => {
    const crash = pod('sonarr-x', {
      status: {
        phase: 'Running',
        qosClass: 'Burstable',
        startTime: created,
        containerStatuses: [
          status('sonarr', { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s' } }, false, 14),
        ],
      },
    });
    const out = toKubePod(crash, { cpuMilliCores: 3, memoryBytes: 1024 });
    expect(out).toEqual({
      uid: 'uid-sonarr-x',
      name: 'sonarr-x',
      namespace: 'media',
      createdAt: '2026-11-01T10:00:00.000Z',
      labels: { app: 'sonarr' },
      nodeName: 'k8s-w-1',
      phase: 'Running',
      reason: 'CrashLoopBackOff',
      message: 'back-off 5m0s',
      qosClass: 'Burstable',
      startTime: '2026-11-01T10:00:00.000Z',
      restarts: 14,
      ownerKind: 'ReplicaSet',
      ownerName: 'sonarr-6c9f',
      usage: { cpuMilliCores: 3, memoryBytes: 1024 },
      containers: [
        {
          name: 'sonarr',
          image: 'lscr.io/linuxserver/sonarr:4',
          ready: false,
          restartCount: 14,
          state: 'waiting',
          reason: 'CrashLoopBackOff',
          message: 'back-off 5m0s',
        },
      ],
    });
    expect(KubePod.safeParse(out).success).toBe(true);
  });

  it('lists spec containers without a status (never scheduled) as not ready with no state', () => {
    const out = toKubePod(pod('pending', { status: { phase: 'Pending' } }));
    // toEqual ignores the keys left undefined (state, restartCount), which JSON drops too.
    expect(out.containers).toEqual([{ name: 'sonarr', image: 'lscr.io/linuxserver/sonarr:4', ready: false }]);
    expect(out.restarts).toBe(0);
  });
});

/** The pod as the server's schema reads it; a refusal prints the issues. */
function parses(out: KubePod): KubePod | undefined {
  const parsed = KubePod.safeParse(JSON.parse(JSON.stringify(out)));
  expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
  return parsed.data;
}

describe('toKubePod on the states real clusters produce', () => {
  it('a Pending pod with no node, sent with nulls, has no nodeName and parses', () => {
    // client-node copies a JSON null through; the cycle prunes it before any mapper runs.
    const wire: V1Pod = JSON.parse(
      JSON.stringify({
        metadata: { name: 'queued', namespace: 'default', uid: 'u1', labels: null, ownerReferences: null },
        spec: { nodeName: null, containers: [{ name: 'app', image: 'nginx:1.27' }] },
        status: { phase: 'Pending', startTime: null, conditions: null, containerStatuses: null },
      }),
    );
    pruneNulls(wire);
    const out = toKubePod(wire);
    expect(parses(out)).toEqual({
      uid: 'u1',
      name: 'queued',
      namespace: 'default',
      phase: 'Pending',
      restarts: 0,
      containers: [{ name: 'app', image: 'nginx:1.27', ready: false }],
    });
  });

  it('an empty nodeName reads as no node', () => {
    expect(toKubePod(pod('p', { spec: { nodeName: '', containers: [] } })).nodeName).toBeUndefined();
  });

  it('a terminating pod reads Terminating with its deadline while the phase stays Running', () => {
    const deadline = new Date('2026-11-01T10:05:30Z');
    const running = status('sonarr', { running: {} }, true);
    const leaving = pod('leaving', {
      metadata: { name: 'leaving', namespace: 'media', uid: 'u2', deletionTimestamp: deadline },
      status: { phase: 'Running', containerStatuses: [running] },
    });
    expect(parses(toKubePod(leaving))).toMatchObject({
      phase: 'Running',
      reason: 'Terminating',
      terminating: true,
      deletionTimestamp: '2026-11-01T10:05:30.000Z',
    });
  });

  it('a terminating pod on a lost node keeps the API reason, as kubectl does', () => {
    const lost = pod('lost', {
      metadata: { name: 'lost', namespace: 'media', uid: 'u3', deletionTimestamp: created },
      status: {
        phase: 'Running',
        reason: 'NodeLost',
        message: 'Node k8s-w-2 which was running pod is unresponsive',
      },
    });
    expect(toKubePod(lost)).toMatchObject({ reason: 'NodeLost', terminating: true });
    expect(toKubePod(pod('alive')).terminating).toBeUndefined();
  });

  it('a pod with no spec, no status and no owner is reported by name only', () => {
    const out = toKubePod({ metadata: { name: 'bare', namespace: 'default', uid: 'u4' } });
    expect(parses(out)).toEqual({
      uid: 'u4',
      name: 'bare',
      namespace: 'default',
      restarts: 0,
      containers: [],
    });
  });

  it('a container status without restartCount counts as 0, not NaN', () => {
    const wire: V1ContainerStatus = JSON.parse('{"name":"sonarr","image":"x","imageID":"","ready":false}');
    const out = toKubePod(pod('p', { status: { phase: 'Running', containerStatuses: [wire] } }));
    expect(out.restarts).toBe(0);
    parses(out);
  });

  it('a termination message past the schema cap is cut, not a refused report', () => {
    const message = 'panic: '.padEnd(TEXT_MAX + 500, 'x');
    const failed = status('sonarr', { terminated: { exitCode: 2, reason: 'Error', message } });
    const out = toKubePod(pod('p', { status: { phase: 'Failed', containerStatuses: [failed] } }));
    expect(out.message).toHaveLength(TEXT_MAX);
    expect(out.containers?.[0]?.message).toHaveLength(TEXT_MAX);
    parses(out);
  });
});

describe('podReason', () => {
  it('the API reason wins', () => {
    expect(podReason({ phase: 'Failed', reason: 'Evicted', message: 'low on memory' })).toEqual({
      reason: 'Evicted',
      message: 'low on memory',
    });
  });

  it('a failing init container reads Init:<reason>, or Init:ExitCode:<n> without one', () => {
    const waiting = status('fetch', { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling' } });
    expect(podReason({ phase: 'Pending', initContainerStatuses: [waiting] })).toEqual({
      reason: 'Init:ImagePullBackOff',
      message: 'Back-off pulling',
    });
    const exited = status('fetch', { terminated: { exitCode: 3 } });
    expect(podReason({ phase: 'Pending', initContainerStatuses: [exited] }).reason).toBe('Init:ExitCode:3');
  });

  it('a container exited non-zero reads its terminated reason and message', () => {
    const failed = status('restic', {
      terminated: { exitCode: 2, reason: 'Error', message: '403 Forbidden' },
    });
    expect(podReason({ phase: 'Failed', containerStatuses: [failed] })).toEqual({
      reason: 'Error',
      message: '403 Forbidden',
    });
  });

  it('an unscheduled pod reads the scheduler condition', () => {
    const conditions = [
      { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/3 nodes' },
    ];
    expect(podReason({ phase: 'Pending', conditions })).toEqual({
      reason: 'Unschedulable',
      message: '0/3 nodes',
    });
  });

  it('a healthy pod has no reason', () => {
    expect(podReason({ phase: 'Running', containerStatuses: [status('a', { running: {} }, true)] })).toEqual(
      {},
    );
  });
});

describe('selectPods', () => {
  const healthy = (name: string) =>
    pod(name, { status: { phase: 'Running', containerStatuses: [status('sonarr', { running: {} }, true)] } });
  const pending = (name: string) => pod(name, { status: { phase: 'Pending' } });
  const names = (pods: V1Pod[]) => pods.map((p) => p.metadata?.name);

  it('keeps only problem pods unless includeAll', () => {
    const pods = [healthy('a'), pending('b'), healthy('c')];
    expect(names(selectPods(pods, { includeAll: false, max: 200 }).selected)).toEqual(['b']);
  });

  it('with includeAll, puts problem pods first, then orders by namespace/name, and caps at max', () => {
    const pods = [healthy('c'), pending('z'), healthy('a'), pending('y'), healthy('b')];
    const { selected, matched } = selectPods(pods, { includeAll: true, max: 4 });
    expect(names(selected)).toEqual(['y', 'z', 'a', 'b']);
    expect(matched).toBe(5);
  });
});

import type { V1ContainerStatus, V1Pod } from '@kubernetes/client-node';
import { KubePod } from '@pulse/shared';
import { describe, expect, it } from 'vitest';
import { podReason, selectPods, toKubePod } from './pods.ts';

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

import type { V1ContainerStatus, V1Deployment, V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { isProblemDeployment, isProblemPod } from './problems.ts';

const running = (name: string, ready = true): V1ContainerStatus => ({
  name,
  image: 'nginx:1.27',
  imageID: '',
  ready,
  restartCount: 0,
  state: { running: { startedAt: new Date('2026-01-01T00:00:00Z') } },
});

function pod(status: NonNullable<V1Pod['status']>): V1Pod {
  return { metadata: { name: 'p', namespace: 'default' }, spec: { containers: [{ name: 'app' }] }, status };
}

describe('isProblemPod', () => {
  it('a Running pod with ready containers is fine', () => {
    expect(isProblemPod(pod({ phase: 'Running', containerStatuses: [running('app')] }))).toBe(false);
  });

  it.each(['Pending', 'Failed', 'Unknown'])('phase %s is a problem', (phase) => {
    expect(isProblemPod(pod({ phase, containerStatuses: [running('app')] }))).toBe(true);
  });

  it('Succeeded is never a problem, though its containers are terminated and not ready', () => {
    const done: V1ContainerStatus = {
      ...running('app', false),
      state: { terminated: { exitCode: 0, reason: 'Completed' } },
    };
    expect(isProblemPod(pod({ phase: 'Succeeded', containerStatuses: [done] }))).toBe(false);
  });

  it('a waiting container (CrashLoopBackOff) is a problem', () => {
    const crash: V1ContainerStatus = {
      ...running('app', false),
      restartCount: 14,
      state: { waiting: { reason: 'CrashLoopBackOff' } },
    };
    expect(isProblemPod(pod({ phase: 'Running', containerStatuses: [crash] }))).toBe(true);
  });

  it('a terminated container is a problem only with a non-zero exit', () => {
    const exited = (exitCode: number): V1ContainerStatus => ({
      ...running('side', false),
      state: { terminated: { exitCode } },
    });
    expect(isProblemPod(pod({ phase: 'Running', containerStatuses: [running('app'), exited(0)] }))).toBe(
      false,
    );
    expect(isProblemPod(pod({ phase: 'Running', containerStatuses: [running('app'), exited(137)] }))).toBe(
      true,
    );
  });

  it('a running container that is not ready is a problem', () => {
    expect(isProblemPod(pod({ phase: 'Running', containerStatuses: [running('app', false)] }))).toBe(true);
  });

  it('a failing init container is a problem (waiting with a reason, or a non-zero exit)', () => {
    const init = (state: V1ContainerStatus['state']): V1ContainerStatus => ({
      ...running('init', false),
      state,
    });
    const base = { phase: 'Running', containerStatuses: [running('app')] };
    expect(
      isProblemPod(
        pod({ ...base, initContainerStatuses: [init({ waiting: { reason: 'ImagePullBackOff' } })] }),
      ),
    ).toBe(true);
    expect(
      isProblemPod(pod({ ...base, initContainerStatuses: [init({ terminated: { exitCode: 1 } })] })),
    ).toBe(true);
    expect(
      isProblemPod(pod({ ...base, initContainerStatuses: [init({ terminated: { exitCode: 0 } })] })),
    ).toBe(false);
  });

  it('a Running pod the node controller marked not ready is a problem though its containers look ready', () => {
    const p = pod({
      phase: 'Running',
      containerStatuses: [running('app')],
      conditions: [{ type: 'Ready', status: 'False' }],
    });
    expect(isProblemPod(p)).toBe(true);
  });
});

describe('isProblemDeployment', () => {
  const deployment = (replicas: number | undefined, status: V1Deployment['status']): V1Deployment => ({
    metadata: { name: 'd', namespace: 'default' },
    spec: { replicas, selector: {}, template: {} },
    status,
  });
  const all = (n: number) => ({ readyReplicas: n, updatedReplicas: n, availableReplicas: n });

  it('is fine when ready, updated and available all reach the desired count', () => {
    expect(isProblemDeployment(deployment(3, all(3)))).toBe(false);
  });

  it.each([
    ['ready', { ...all(3), readyReplicas: 1 }],
    ['updated', { ...all(3), updatedReplicas: 2 }],
    ['available', { ...all(3), availableReplicas: 2 }],
  ])('is a problem when %s falls short', (_, status) => {
    expect(isProblemDeployment(deployment(3, status))).toBe(true);
  });

  it('reads absent counters as zero and an unset spec.replicas as 1', () => {
    expect(isProblemDeployment(deployment(1, { replicas: 1, updatedReplicas: 1 }))).toBe(true);
    expect(isProblemDeployment(deployment(undefined, all(1)))).toBe(false);
    expect(isProblemDeployment(deployment(undefined, {}))).toBe(true);
  });

  it('a deployment scaled to zero is never a problem', () => {
    expect(isProblemDeployment(deployment(0, {}))).toBe(false);
  });
});

import type { V1CronJob, V1DaemonSet, V1Job } from '@kubernetes/client-node';
import { KubeCronJob, KubeDaemonSet, KubeJob } from '@pulse/shared';
import { describe, expect, it } from 'vitest';
import { toKubeCronJob, toKubeDaemonSet, toKubeJob } from './workloads.ts';

const metadata = { name: 'x', namespace: 'default', uid: 'u' };

describe('workload mappers', () => {
  it('a DaemonSet short one ready pod', () => {
    const ds: V1DaemonSet = {
      metadata,
      status: {
        currentNumberScheduled: 3,
        desiredNumberScheduled: 3,
        numberMisscheduled: 0,
        numberReady: 2,
        numberAvailable: 2,
        numberUnavailable: 1,
        updatedNumberScheduled: 3,
      },
    };
    const out = toKubeDaemonSet(ds);
    expect(out).toMatchObject({ desiredNumberScheduled: 3, numberReady: 2, numberUnavailable: 1 });
    expect(KubeDaemonSet.safeParse(out).success).toBe(true);
  });

  it('a failed Job and its CronJob', () => {
    const start = new Date('2026-11-22T03:00:00Z');
    const job: V1Job = {
      metadata,
      spec: { completions: 1, template: {} },
      status: { failed: 1, startTime: start },
    };
    expect(toKubeJob(job)).toMatchObject({
      desiredCompletions: 1,
      failed: 1,
      startTime: '2026-11-22T03:00:00.000Z',
    });
    expect(KubeJob.safeParse(toKubeJob(job)).success).toBe(true);
    const cj: V1CronJob = {
      metadata,
      spec: { schedule: '0 3 * * *', suspend: false, jobTemplate: {} },
      status: { active: [{ name: 'a' }], lastScheduleTime: start },
    };
    expect(toKubeCronJob(cj)).toMatchObject({ schedule: '0 3 * * *', suspend: false, active: 1 });
    expect(KubeCronJob.safeParse(toKubeCronJob(cj)).success).toBe(true);
  });
});

// Controllers as the report carries them: each kind's desired and observed counters from spec and status.
import type {
  V1CronJob,
  V1DaemonSet,
  V1Deployment,
  V1Job,
  V1ReplicaSet,
  V1StatefulSet,
} from '@kubernetes/client-node';
import type {
  KubeCronJob,
  KubeDaemonSet,
  KubeDeployment,
  KubeJob,
  KubeReplicaSet,
  KubeStatefulSet,
} from '@pulse/shared';
import { shortText } from '../../report/text-limits.ts';
import { namespacedMeta, owner, rfc3339 } from './meta.ts';

// spec.replicas defaults to 1 when unset, as the API server defaults it; status counters that are absent
// are zero (the API omits them), so they stay absent here and the server reads them as zero.

export function toKubeDeployment(d: V1Deployment): KubeDeployment {
  return {
    ...namespacedMeta(d.metadata),
    desiredReplicas: d.spec?.replicas ?? 1,
    updatedReplicas: d.status?.updatedReplicas,
    readyReplicas: d.status?.readyReplicas,
    availableReplicas: d.status?.availableReplicas,
    observedGeneration: d.status?.observedGeneration,
  };
}

export function toKubeReplicaSet(rs: V1ReplicaSet): KubeReplicaSet {
  return {
    ...namespacedMeta(rs.metadata),
    desiredReplicas: rs.spec?.replicas ?? 1,
    readyReplicas: rs.status?.readyReplicas,
    availableReplicas: rs.status?.availableReplicas,
    fullyLabeledReplicas: rs.status?.fullyLabeledReplicas,
    observedGeneration: rs.status?.observedGeneration,
    ...owner(rs.metadata),
  };
}

export function toKubeStatefulSet(s: V1StatefulSet): KubeStatefulSet {
  return {
    ...namespacedMeta(s.metadata),
    desiredReplicas: s.spec?.replicas ?? 1,
    readyReplicas: s.status?.readyReplicas,
    currentReplicas: s.status?.currentReplicas,
    updatedReplicas: s.status?.updatedReplicas,
    availableReplicas: s.status?.availableReplicas,
    serviceName: s.spec?.serviceName,
  };
}

export function toKubeDaemonSet(ds: V1DaemonSet): KubeDaemonSet {
  const s = ds.status;
  return {
    ...namespacedMeta(ds.metadata),
    desiredNumberScheduled: s?.desiredNumberScheduled,
    currentNumberScheduled: s?.currentNumberScheduled,
    numberReady: s?.numberReady,
    updatedNumberScheduled: s?.updatedNumberScheduled,
    numberAvailable: s?.numberAvailable,
    numberUnavailable: s?.numberUnavailable,
    numberMisscheduled: s?.numberMisscheduled,
  };
}

export function toKubeJob(job: V1Job): KubeJob {
  return {
    ...namespacedMeta(job.metadata),
    desiredCompletions: job.spec?.completions,
    succeeded: job.status?.succeeded,
    failed: job.status?.failed,
    active: job.status?.active,
    startTime: rfc3339(job.status?.startTime),
    completionTime: rfc3339(job.status?.completionTime),
  };
}

export function toKubeCronJob(cj: V1CronJob): KubeCronJob {
  return {
    ...namespacedMeta(cj.metadata),
    schedule: shortText(cj.spec?.schedule),
    suspend: cj.spec?.suspend,
    active: cj.status?.active?.length,
    lastScheduleTime: rfc3339(cj.status?.lastScheduleTime),
    lastSuccessfulTime: rfc3339(cj.status?.lastSuccessfulTime),
  };
}

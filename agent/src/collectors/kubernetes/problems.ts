// Which pods and deployments are "problems": what the agent reports unless told to report them all.
import type { V1ContainerStatus, V1Deployment, V1Pod } from '@kubernetes/client-node';

/** Regular containers waiting for init containers say so; that is the init container's failure, not theirs. */
const NOT_A_FAILURE = 'PodInitializing';

/** An init container that failed (non-zero exit) or is stuck (waiting with a reason such as ImagePullBackOff). */
export function isFailingInit(s: V1ContainerStatus): boolean {
  const { waiting, terminated } = s.state ?? {};
  if (terminated) return terminated.exitCode !== 0;
  // Truthiness, not `!== undefined`: this runs on every listed pod, before wire nulls are pruned.
  return Boolean(waiting?.reason) && waiting?.reason !== NOT_A_FAILURE;
}

/**
 * A container that finished with exit 0 is done, not unready; one still running must be ready; waiting
 * (CrashLoopBackOff, ImagePullBackOff, ContainerCreating) or a non-zero exit is a problem.
 */
function isFailingContainer(s: V1ContainerStatus): boolean {
  const { waiting, terminated } = s.state ?? {};
  if (terminated) return terminated.exitCode !== 0;
  if (waiting) return true;
  return !s.ready;
}

/**
 * Phase Pending, Failed or Unknown; any container waiting, exited non-zero or not ready; a failing init
 * container; or (beyond the container statuses) a Running pod whose Ready condition is False: the node
 * controller marks the pods of an unreachable node that way and leaves the kubelet's last, stale,
 * container statuses in place. A Succeeded pod is never a problem: its containers are done.
 */
export function isProblemPod(pod: V1Pod): boolean {
  const status = pod.status;
  const phase = status?.phase;
  if (phase === 'Succeeded') return false;
  if (phase === 'Pending' || phase === 'Failed' || phase === 'Unknown') return true;
  if ((status?.containerStatuses ?? []).some(isFailingContainer)) return true;
  if ((status?.initContainerStatuses ?? []).some(isFailingInit)) return true;
  const ready = status?.conditions?.find((c) => c.type === 'Ready');
  return phase === 'Running' && ready?.status === 'False';
}

/** Fewer replicas ready, updated or available than desired (spec.replicas, 1 when unset). */
export function isProblemDeployment(d: V1Deployment): boolean {
  const desired = d.spec?.replicas ?? 1;
  const s = d.status;
  return (
    (s?.readyReplicas ?? 0) < desired ||
    (s?.updatedReplicas ?? 0) < desired ||
    (s?.availableReplicas ?? 0) < desired
  );
}

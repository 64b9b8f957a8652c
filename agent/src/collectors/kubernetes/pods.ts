// Pods as the report carries them: status, containers, owner, usage, and a kubectl-style reason.
import type { V1Container, V1ContainerStatus, V1Pod, V1PodStatus } from '@kubernetes/client-node';
import type { KubeContainerState, KubePod, KubePodContainer, KubePodUsage } from '@pulse/shared';
import { longText, shortText } from '../../report/text-limits.ts';
import { namespacedMeta, owner, rfc3339 } from './meta.ts';
import { isFailingInit, isProblemPod } from './problems.ts';

/** The schema's bound on containers per pod. */
const MAX_CONTAINERS = 256;

/** What `kubectl get pods` prints for a pod whose deletion was requested. */
const TERMINATING = 'Terminating';

interface Why {
  reason?: string;
  message?: string;
}

function exitReason(code: number, reason: string | undefined): string {
  return reason ?? `ExitCode:${code}`;
}

/**
 * The pod's reason as `kubectl get pods` would show it when the API gives none: `Init:ImagePullBackOff`,
 * `CrashLoopBackOff`, `Error`, or the scheduler's `Unschedulable` with its message. A reason the API
 * does give (Evicted, NodeLost) wins.
 */
export function podReason(status: V1PodStatus | undefined): Why {
  if (status?.reason) return { reason: status.reason, message: status.message };
  for (const s of status?.initContainerStatuses ?? []) {
    if (!isFailingInit(s)) continue;
    const { waiting, terminated } = s.state ?? {};
    if (terminated)
      return {
        reason: `Init:${exitReason(terminated.exitCode, terminated.reason)}`,
        message: terminated.message,
      };
    return { reason: `Init:${waiting?.reason}`, message: waiting?.message };
  }
  for (const s of status?.containerStatuses ?? []) {
    const { waiting, terminated } = s.state ?? {};
    if (waiting?.reason) return { reason: waiting.reason, message: waiting.message };
    if (terminated && terminated.exitCode !== 0) {
      return { reason: exitReason(terminated.exitCode, terminated.reason), message: terminated.message };
    }
  }
  const unscheduled = status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False');
  if (unscheduled) return { reason: unscheduled.reason, message: unscheduled.message ?? status?.message };
  return { message: status?.message };
}

function containerState(s: V1ContainerStatus | undefined): { state?: KubeContainerState } & Why {
  const { running, waiting, terminated } = s?.state ?? {};
  if (running) return { state: 'running' };
  const why = waiting ?? terminated;
  if (!why) return {};
  return {
    state: waiting ? 'waiting' : 'terminated',
    reason: shortText(why.reason),
    message: longText(why.message),
  };
}

/** One entry per container in the spec: a pod the scheduler never placed has specs but no statuses. */
function containers(specs: V1Container[], statuses: V1ContainerStatus[]): KubePodContainer[] {
  return specs.slice(0, MAX_CONTAINERS).map((spec) => {
    const s = statuses.find((x) => x.name === spec.name);
    return {
      name: spec.name ?? '',
      image: longText(spec.image ?? s?.image),
      ready: s?.ready ?? false,
      restartCount: s?.restartCount,
      ...containerState(s),
    };
  });
}

/**
 * The pod's reason: one the API gives (Evicted, NodeLost) first, then Terminating once deletion was
 * requested (kubectl prints that over any container state), then what podReason derives.
 */
function reasonOf(pod: V1Pod): Why {
  const status = pod.status;
  if (pod.metadata?.deletionTimestamp && !status?.reason)
    return { reason: TERMINATING, message: status?.message };
  return podReason(status);
}

export function toKubePod(pod: V1Pod, usage?: KubePodUsage): KubePod {
  const status = pod.status;
  const statuses = status?.containerStatuses ?? [];
  const why = reasonOf(pod);
  return {
    ...namespacedMeta(pod.metadata),
    // Unset until the scheduler binds the pod: a Pending pod may have no node at all.
    nodeName: shortText(pod.spec?.nodeName),
    phase: shortText(status?.phase),
    reason: shortText(why.reason),
    message: longText(why.message),
    qosClass: shortText(status?.qosClass),
    startTime: rfc3339(status?.startTime),
    // The phase stays Running while the containers stop, so deletion has its own flag.
    terminating: pod.metadata?.deletionTimestamp ? true : undefined,
    deletionTimestamp: rfc3339(pod.metadata?.deletionTimestamp),
    restarts: statuses.reduce((sum, s) => sum + (s.restartCount ?? 0), 0),
    ...owner(pod.metadata),
    usage,
    containers: containers(pod.spec?.containers ?? [], statuses),
  };
}

/** `namespace/name`, the key pods and pod metrics are matched and ordered by. */
export function podKey(namespace: string | undefined, name: string | undefined): string {
  return `${namespace ?? ''}/${name ?? ''}`;
}

/**
 * The pods to report: problem pods only unless includeAll, then at most `max` of them, problem pods
 * first and then by namespace/name so the same pods make the cut from one cycle to the next.
 */
export function selectPods(
  pods: V1Pod[],
  opts: { includeAll: boolean; max: number },
): { selected: V1Pod[]; matched: number } {
  const ranked = pods
    .map((pod) => ({
      pod,
      problem: isProblemPod(pod),
      key: podKey(pod.metadata?.namespace, pod.metadata?.name),
    }))
    .filter((p) => opts.includeAll || p.problem)
    .sort((a, b) => Number(b.problem) - Number(a.problem) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { selected: ranked.slice(0, opts.max).map((p) => p.pod), matched: ranked.length };
}

// Podman's pod and compose metadata for a container, from the libpod list and the container's labels.
import type { DockerContainerPodman } from '@pulse/shared';
import { bool, objList, str, type View } from './json.ts';

/** A container's pod as `/libpod/containers/json` reports it (the compat API does not name pods). */
export interface PodRef {
  podId?: string;
  podName?: string;
  infra?: boolean;
}

/** Pod membership by container id from a libpod list answer. */
export function podsById(libpodList: unknown): Map<string, PodRef> {
  const pods = new Map<string, PodRef>();
  for (const c of objList<View<'Id' | 'Pod' | 'PodName' | 'IsInfra'>>(libpodList)) {
    const id = str(c.Id);
    if (id === undefined) continue;
    const ref: PodRef = {};
    const podId = str(c.Pod);
    const podName = str(c.PodName);
    if (podId !== undefined) ref.podId = podId;
    if (podName !== undefined) ref.podName = podName;
    if (bool(c.IsInfra) === true) ref.infra = true;
    if (Object.keys(ref).length > 0) pods.set(id, ref);
  }
  return pods;
}

/** The first label of `keys` that is set: docker-compose and podman-compose name the same thing differently. */
function label(labels: Record<string, string> | undefined, ...keys: string[]): string | undefined {
  for (const key of keys) {
    const value = labels?.[key]?.trim();
    if (value) return value;
  }
  return undefined;
}

/**
 * The `podman` block of a container; undefined when there is nothing Podman-specific to say. Pod fields
 * come from the libpod list (or the `io.podman.annotations.pod.*` labels some tools set), compose fields
 * from either compose's labels, the auto-update policy from `io.containers.autoupdate`, the user
 * namespace from HostConfig.UsernsMode.
 */
export function podmanMeta(
  labels: Record<string, string> | undefined,
  pod: PodRef | undefined,
  usernsMode: string | undefined,
): DockerContainerPodman | undefined {
  const infraLabel = label(labels, 'io.podman.annotations.pod.infra')?.toLowerCase();
  const meta: DockerContainerPodman = {
    podName: pod?.podName ?? label(labels, 'io.podman.annotations.pod.name'),
    podId: pod?.podId ?? label(labels, 'io.podman.annotations.pod.id'),
    infra: pod?.infra ?? (infraLabel === 'true' || infraLabel === 'yes' ? true : undefined),
    composeProject: label(labels, 'com.docker.compose.project', 'io.podman.compose.project'),
    composeService: label(labels, 'com.docker.compose.service', 'io.podman.compose.service'),
    composeWorkdir: label(labels, 'com.docker.compose.project.working_dir', 'io.podman.compose.working_dir'),
    composeConfigHash: label(labels, 'com.docker.compose.config-hash', 'io.podman.compose.config-hash'),
    autoUpdatePolicy: label(labels, 'io.containers.autoupdate'),
    userNamespace: usernsMode,
  };
  // Unset fields stay as undefined: JSON leaves them out.
  return Object.values(meta).some((v) => v !== undefined) ? meta : undefined;
}

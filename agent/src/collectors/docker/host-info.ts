// The report's host block as the engine describes its machine (/info); identity fields are the caller's.
import type { DockerHostInfo, DockerRuntime } from '@pulse/shared';
import type { EngineInfo } from './engine.ts';
import { count, obj, str, strList, type View } from './json.ts';
import { swarmInfo } from './swarm.ts';

/** Everything but hostname and machineId, which the agent knows better than the engine. */
export type DockerHost = Omit<DockerHostInfo, 'hostname' | 'machineId'>;

/**
 * Host facts from /info. Podman's /info answers a Swarm block ("inactive") for compatibility; it is
 * left out for Podman, which has no Swarm. A MemTotal or NCPU of 0 (dockerd in some LXC setups cannot
 * read them) is unknown, not zero.
 */
export function hostInfo(info: EngineInfo, runtime: DockerRuntime, runtimeVersion: string): DockerHost {
  const plugins = strList(obj<View<'Authorization'>>(info.Plugins)?.Authorization);
  const cpus = count(info.NCPU);
  const memory = count(info.MemTotal);
  return {
    name: str(info.Name),
    os: str(info.OperatingSystem),
    runtime,
    runtimeVersion,
    dockerVersion: str(info.ServerVersion),
    kernelVersion: str(info.KernelVersion),
    architecture: str(info.Architecture),
    totalCpu: cpus !== undefined && cpus > 0 ? cpus : undefined,
    totalMemoryBytes: memory !== undefined && memory > 0 ? memory : undefined,
    swarm: runtime === 'docker' ? swarmInfo(info.Swarm) : undefined,
    security: plugins.length > 0 ? { authorizationPlugins: plugins.slice(0, 64) } : undefined,
  };
}

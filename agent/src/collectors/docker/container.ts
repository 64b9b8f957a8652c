// One DockerContainer of the report from what the engine said about it: list entry, inspect, stats.
import type {
  DockerContainer,
  DockerContainerMount,
  DockerContainerNetwork,
  DockerContainerPort,
  DockerRuntime,
} from '@pulse/shared';
import { boundedMap, clip, NAME_MAX, TEXT_MAX } from '../../report/text-limits.ts';
import { maskEnv } from './env-mask.ts';
import { blockIoTotals, networkTotals } from './io.ts';
import {
  bool,
  count,
  num,
  obj,
  objList,
  rfc3339,
  str,
  strList,
  strMap,
  unixSeconds,
  type View,
} from './json.ts';
import { containerMemory } from './memory.ts';
import { type PodRef, podmanMeta } from './podman-meta.ts';

export type ContainerSummary = View<
  'Id' | 'Names' | 'Image' | 'ImageID' | 'Created' | 'State' | 'Status' | 'Ports' | 'Labels'
> &
  View<'SizeRw' | 'SizeRootFs' | 'NetworkSettings' | 'Mounts'>;
export type ContainerInspect = View<
  'Id' | 'Name' | 'Created' | 'State' | 'Image' | 'RestartCount' | 'Config' | 'HostConfig'
> &
  View<'NetworkSettings' | 'Mounts'>;
export type ContainerStats = View<'read' | 'cpu_stats' | 'memory_stats' | 'networks' | 'blkio_stats'>;

type StateView = View<'Status' | 'Health' | 'ExitCode' | 'OOMKilled' | 'StartedAt' | 'FinishedAt' | 'Pid'>;
type ConfigView = View<'Image' | 'Env' | 'Labels' | 'Healthcheck'>;

export interface ContainerSizes {
  writableLayerBytes?: number;
  rootFilesystemBytes?: number;
}

export interface ContainerParts {
  runtime: DockerRuntime;
  summary: ContainerSummary;
  /** Undefined when inspect did not answer within the container's budget. */
  inspect?: ContainerInspect;
  /** Undefined for a stopped container, or when stats did not answer within the budget. */
  stats?: ContainerStats;
  /** Undefined until there are two samples (see cpu.ts). */
  cpuPercent?: number;
  hostMemoryBytes?: number;
  imageDigest?: string;
  sizes?: ContainerSizes;
  pod?: PodRef;
  nowMs: number;
}

/**
 * The schema's per-container caps (shared/src/schemas/docker-report.ts). A published range lists every
 * port, so a huge range is cut rather than costing the whole container on the server.
 */
const MAX_PORTS = 4096;
const MAX_ENV = 512;

/** The container's state object from inspect. */
export function inspectState(inspect: ContainerInspect | undefined): StateView | undefined {
  return obj<StateView>(inspect?.State);
}

/**
 * The report's container; undefined for a list entry without an id. Required numbers the engine did not
 * give (no stats yet: cpu, memory; no inspect: restart count) are sent as 0, as the Go agent does.
 */
export function buildContainer(p: ContainerParts): DockerContainer | undefined {
  const { summary, inspect } = p;
  const id = str(summary.Id) ?? str(inspect?.Id);
  if (id === undefined) return undefined;
  const state = inspectState(inspect);
  const config = obj<ConfigView>(inspect?.Config);
  const hostConfig = obj<View<'Memory' | 'UsernsMode'>>(inspect?.HostConfig);
  const status = str(summary.Status);
  const stateName = str(state?.Status) ?? str(summary.State) ?? 'unknown';
  const startedAt = rfc3339(state?.StartedAt);
  const labels = boundedMap(strMap(summary.Labels) ?? strMap(config?.Labels));
  const memory = containerMemory(p.stats?.memory_stats, p.hostMemoryBytes);
  const network = networkTotals(p.stats?.networks);
  const blockIo = blockIoTotals(p.stats?.blkio_stats);
  const up = (stateName === 'running' || stateName === 'paused') && startedAt !== undefined;

  const ports = Array.isArray(summary.Ports) ? listPorts(summary.Ports) : inspectPorts(inspect);
  const networks = containerNetworks(inspect?.NetworkSettings ?? summary.NetworkSettings);
  const mounts = containerMounts(inspect?.Mounts ?? summary.Mounts);
  const targets = healthcheckTargets(obj<View<'Test'>>(config?.Healthcheck)?.Test);
  // Fields left undefined are unknown, not zero, and JSON leaves them out of the report.
  return {
    id,
    name:
      clip(
        (strList(summary.Names)[0] ?? str(inspect?.Name) ?? id.slice(0, 12)).replace(/^\//, ''),
        NAME_MAX,
      ) ?? '',
    image: clip(str(summary.Image) ?? str(config?.Image) ?? str(inspect?.Image) ?? '', TEXT_MAX) ?? '',
    imageDigest: p.imageDigest,
    createdAt: rfc3339(inspect?.Created) ?? unixSeconds(summary.Created) ?? new Date(0).toISOString(),
    state: clip(stateName, NAME_MAX) ?? stateName,
    status: clip(status, TEXT_MAX) ?? stateName,
    health: str(obj<View<'Status'>>(state?.Health)?.Status) ?? healthFromStatus(status),
    healthcheckTargets: targets.length > 0 ? targets : undefined,
    cpuPercent: p.cpuPercent ?? 0,
    memoryUsageBytes: memory?.usageBytes ?? 0,
    // Without stats, the configured limit is still known from inspect.
    memoryLimitBytes: memory?.limitBytes ?? count(hostConfig?.Memory) ?? 0,
    memoryPercent: memory?.percent ?? 0,
    uptimeSeconds: up ? Math.max(0, Math.floor((p.nowMs - Date.parse(startedAt)) / 1000)) : 0,
    restartCount: count(inspect?.RestartCount) ?? 0,
    exitCode: num(state?.ExitCode) ?? exitCodeFromStatus(status) ?? 0,
    oomKilled: bool(state?.OOMKilled),
    startedAt,
    finishedAt: rfc3339(state?.FinishedAt),
    ports: ports.length > 0 ? ports.slice(0, MAX_PORTS) : undefined,
    labels,
    env: Array.isArray(config?.Env)
      ? maskEnv(strList(config.Env).slice(0, MAX_ENV)).map((entry) => clip(entry, TEXT_MAX) ?? '')
      : undefined,
    networks: networks.length > 0 ? networks.slice(0, 1024) : undefined,
    networkRxBytes: network?.rxBytes,
    networkTxBytes: network?.txBytes,
    writableLayerBytes: p.sizes?.writableLayerBytes,
    rootFilesystemBytes: p.sizes?.rootFilesystemBytes,
    blockIo,
    mounts: mounts.length > 0 ? mounts.slice(0, 1024) : undefined,
    podman: p.runtime === 'podman' ? podmanMeta(labels, p.pod, str(hostConfig?.UsernsMode)) : undefined,
  };
}

/** `Exited (137) 5 minutes ago` → 137: the list's status text is all a container without inspect has. */
export function exitCodeFromStatus(status: string | undefined): number | undefined {
  const m = /^Exited \((-?\d+)\)/.exec(status ?? '');
  return m?.[1] === undefined ? undefined : Number(m[1]);
}

function healthFromStatus(status: string | undefined): string | undefined {
  const m = /\((healthy|unhealthy|health: starting)\)/.exec(status ?? '');
  if (m?.[1] === undefined) return undefined;
  return m[1] === 'health: starting' ? 'starting' : m[1];
}

/**
 * What the health check probes: the URLs and `host:port` pairs in its command (`curl -f
 * http://localhost:8080/health`, `nc -z db 5432` is not parsed: only explicit URLs are unambiguous).
 */
export function healthcheckTargets(test: unknown): string[] {
  const words = strList(test);
  if (words[0] === 'NONE') return [];
  const command = words.slice(words[0] === 'CMD' || words[0] === 'CMD-SHELL' ? 1 : 0).join(' ');
  const urls = command.match(/\b(?:https?|tcp|grpc):\/\/[^\s'"`;|&)]+/g) ?? [];
  return [...new Set(urls)].slice(0, 64);
}

function validPort(n: number | undefined): n is number {
  return n !== undefined && n > 0 && n <= 65_535;
}

function listPorts(ports: unknown): DockerContainerPort[] {
  return objList<View<'IP' | 'PrivatePort' | 'PublicPort' | 'Type'>>(ports).flatMap((p) => {
    const privatePort = count(p.PrivatePort);
    if (!validPort(privatePort)) return [];
    const publicPort = count(p.PublicPort);
    return [
      {
        privatePort,
        publicPort: validPort(publicPort) ? publicPort : undefined,
        protocol: str(p.Type) ?? 'tcp',
        ip: str(p.IP),
      },
    ];
  });
}

/** From inspect's `{"80/tcp": [{HostIp, HostPort}] | null}` when the list entry had no Ports. */
function inspectPorts(inspect: ContainerInspect | undefined): DockerContainerPort[] {
  const byPort = obj<View<string>>(obj<View<'Ports'>>(inspect?.NetworkSettings)?.Ports);
  if (byPort === undefined) return [];
  return Object.entries(byPort).flatMap(([key, bindings]) => {
    const [portText, protocol = 'tcp'] = key.split('/');
    const privatePort = Number(portText);
    if (!validPort(privatePort)) return [];
    const list = objList<View<'HostIp' | 'HostPort'>>(bindings);
    if (list.length === 0) return [{ privatePort, protocol }];
    return list.map((b) => {
      const publicPort = Number(str(b.HostPort));
      return {
        privatePort,
        publicPort: validPort(publicPort) ? publicPort : undefined,
        protocol,
        ip: str(b.HostIp),
      };
    });
  });
}

function containerNetworks(settings: unknown): DockerContainerNetwork[] {
  const networks = obj<View<string>>(obj<View<'Networks'>>(settings)?.Networks);
  if (networks === undefined) return [];
  return Object.entries(networks).map(([name, value]) => {
    const endpoint = obj<View<'IPAddress' | 'GlobalIPv6Address'>>(value);
    return { name, ipv4: str(endpoint?.IPAddress), ipv6: str(endpoint?.GlobalIPv6Address) };
  });
}

type MountView = View<'Type' | 'Name' | 'Source' | 'Destination' | 'Driver' | 'Mode' | 'RW' | 'Propagation'>;

function containerMounts(mounts: unknown): DockerContainerMount[] {
  // Podman's libpod list gives destinations as plain strings; objList skips those.
  return objList<MountView>(mounts).map((m) => {
    const mode = str(m.Mode);
    return {
      type: str(m.Type),
      source: str(m.Source),
      destination: str(m.Destination),
      mode,
      rw: bool(m.RW) ?? !(mode ?? '').split(/[,:]/).includes('ro'),
      propagation: str(m.Propagation),
      name: str(m.Name),
      driver: str(m.Driver),
    };
  });
}

/**
 * The digest (`sha256:...`) of an image's RepoDigest for the container's image name, else of its first
 * RepoDigest; undefined for a locally built or imported image, which has none.
 */
export function digestFromRepoDigests(repoDigests: unknown, image: string): string | undefined {
  const digests = strList(repoDigests).filter((d) => d.includes('@') && !d.startsWith('<none>'));
  const repo = image.replace(/@.*$/, '').replace(/:[^/:]+$/, '');
  const match = digests.find((d) => d.slice(0, d.lastIndexOf('@')) === repo) ?? digests[0];
  return match?.slice(match.lastIndexOf('@') + 1);
}

/** SizeRw/SizeRootFs of a list entry asked with size=true; dockerd omits SizeRw when it is 0. */
export function sizesFromSummary(summary: ContainerSummary): ContainerSizes | undefined {
  const rootFilesystemBytes = count(summary.SizeRootFs);
  const writable = count(summary.SizeRw);
  if (rootFilesystemBytes === undefined && writable === undefined) return undefined;
  const sizes: ContainerSizes = { writableLayerBytes: writable ?? 0 };
  if (rootFilesystemBytes !== undefined) sizes.rootFilesystemBytes = rootFilesystemBytes;
  return sizes;
}

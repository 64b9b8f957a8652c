// One cycle over the listed containers: inspect and one-shot stats per container, bounded in count and time.
import type { DockerContainer, DockerRuntime } from '@pulse/shared';
import {
  buildContainer,
  type ContainerInspect,
  type ContainerSizes,
  type ContainerStats,
  type ContainerSummary,
  digestFromRepoDigests,
  inspectState,
  sizesFromSummary,
} from './container.ts';
import { type CpuSample, cpuPercent, cpuSample } from './cpu.ts';
import { EngineLost, httpStatus, type Query } from './engine-api.ts';
import { obj, rfc3339, str, strList, type View } from './json.ts';
import { mapLimit } from './map-limit.ts';
import type { PodRef } from './podman-meta.ts';

/** A GET on the engine that throws EngineLost when the engine is gone. */
export type EngineGet = (path: string, query?: Query, signal?: AbortSignal) => Promise<unknown>;

/** What one cycle leaves for the next: CPU samples, the last sizes, image digests by image id. */
export interface ContainerMemo {
  cpu: Map<string, CpuSample>;
  sizes: Map<string, ContainerSizes>;
  /** null: the image has no RepoDigest (built or imported locally); asked once per image id. */
  digests: Map<string, string | null>;
}

export function newContainerMemo(): ContainerMemo {
  return { cpu: new Map(), sizes: new Map(), digests: new Map() };
}

export interface ContainerRoundOptions {
  get: EngineGet;
  runtime: DockerRuntime;
  hostCpus?: number;
  hostMemoryBytes?: number;
  /** Inspects (and image lookups) in flight at once. */
  concurrency: number;
  /** One-shot stats requests in flight at once. */
  statsConcurrency: number;
  /** Each request about one container (inspect with its image lookup, stats) gets this long. */
  containerBudgetMs: number;
  /** The cycle's deadline: containers not done by then are reported from what arrived. */
  signal: AbortSignal;
  /** Whether the list was asked with size=true, so its sizes replace the remembered ones. */
  withSizes: boolean;
  pods?: ReadonlyMap<string, PodRef>;
  now?: () => number;
}

export interface ContainerRound {
  containers: DockerContainer[];
  /** Names of running containers with no CPU % yet (first sample, or restarted since the last). */
  unprimed: string[];
  /** Names of running containers whose stats did not answer in time or failed. */
  withoutStats: string[];
  /** Names of containers whose inspect did not answer in time or failed. */
  withoutInspect: string[];
}

/**
 * One sample and no stream; `one-shot` (API 1.41+) skips the second reading dockerd would otherwise take
 * to fill precpu_stats, which the agent does not use since it keeps its own previous sample. This is the
 * query dockerode's `container.stats({ stream: false, 'one-shot': true })` sends; an older engine ignores
 * one-shot and answers in about two seconds, within the container's budget.
 */
const STATS_QUERY: Query = { stream: false, 'one-shot': true };

/**
 * The report's containers for one list answer. A container removed between list and inspect (404) is
 * dropped; one whose inspect or stats is late is reported from what did arrive. The memo is pruned to
 * the listed containers.
 */
export async function collectContainers(
  list: readonly ContainerSummary[],
  opts: ContainerRoundOptions,
  memo: ContainerMemo,
): Promise<ContainerRound> {
  const now = opts.now ?? Date.now;
  // Once the cycle is over no request starts: each would still open a connection to the engine only
  // to close it at once, and a slow engine is the likeliest reason the cycle ran out.
  const get: EngineGet = (path, query, signal) =>
    opts.signal.aborted ? Promise.reject(opts.signal.reason) : opts.get(path, query, signal);
  const round: ContainerRound = { containers: [], unprimed: [], withoutStats: [], withoutInspect: [] };
  const pendingDigests = new Map<string, Promise<string | undefined>>();
  const ids = new Set(list.map((s) => str(s.Id)).filter((id) => id !== undefined));
  for (const map of [memo.cpu, memo.sizes]) for (const id of map.keys()) if (!ids.has(id)) map.delete(id);

  const digestOf = (imageId: string, image: string, signal: AbortSignal): Promise<string | undefined> => {
    const known = memo.digests.get(imageId);
    if (known !== undefined) return Promise.resolve(known ?? undefined);
    let pending = pendingDigests.get(imageId);
    if (pending === undefined) {
      pending = get(`/images/${encodeURIComponent(imageId)}/json`, {}, signal).then(
        (json) => {
          const digest = digestFromRepoDigests(obj<View<'RepoDigests'>>(json)?.RepoDigests, image);
          memo.digests.set(imageId, digest ?? null);
          return digest;
        },
        (err: unknown) => {
          if (err instanceof EngineLost) throw err;
          return undefined;
        },
      );
      pendingDigests.set(imageId, pending);
    }
    return pending;
  };

  const budget = () => AbortSignal.any([opts.signal, AbortSignal.timeout(opts.containerBudgetMs)]);
  const isRunning = (s: ContainerSummary) => str(s.State) === 'running' || str(s.State) === 'paused';
  const pathOf = (id: string) => `/containers/${encodeURIComponent(id)}`;

  /** Inspect (and the image's digest) of one container; `gone` when it was removed after the list. */
  const inspectOne = async (summary: ContainerSummary) => {
    const id = str(summary.Id);
    if (id === undefined) return { gone: true };
    const signal = budget();
    let inspect: ContainerInspect | undefined;
    try {
      inspect = obj<ContainerInspect>(await get(`${pathOf(id)}/json`, {}, signal));
    } catch (err) {
      if (err instanceof EngineLost) throw err;
      if (httpStatus(err) === 404) return { gone: true };
    }
    const imageId = str(summary.ImageID) ?? str(inspect?.Image);
    const image = str(summary.Image) ?? '';
    const imageDigest = imageId === undefined ? undefined : await digestOf(imageId, image, signal);
    return { gone: false, inspect, imageDigest };
  };

  /** One-shot stats of a running container; undefined when stopped, late or failed. */
  const statsOne = async (summary: ContainerSummary): Promise<ContainerStats | undefined> => {
    const id = str(summary.Id);
    if (id === undefined || !isRunning(summary)) return undefined;
    try {
      return obj<ContainerStats>(await get(`${pathOf(id)}/stats`, STATS_QUERY, budget()));
    } catch (err) {
      if (err instanceof EngineLost) throw err;
      return undefined;
    }
  };

  // Two pools: dockerd answers a one-shot stats request at its stats collector's next 1-second tick, so
  // stats requests mostly wait (and finish together); holding them to the inspect limit would make 200
  // containers take 200/8 ticks. The wider stats pool lets a tick serve many containers at once.
  // A slot is held until the request's promise settles, which engineGet does only once the answer is
  // in or the request is aborted and its connection closed: the limits count requests open at the
  // engine, including those whose budget ran out.
  const [inspected, statsList] = await Promise.all([
    mapLimit(list, opts.concurrency, inspectOne),
    mapLimit(list, opts.statsConcurrency, statsOne),
  ]);

  const build = (summary: ContainerSummary, index: number): DockerContainer | undefined => {
    const id = str(summary.Id);
    const got = inspected[index];
    if (id === undefined || got === undefined || got.gone) return undefined;
    const { inspect, imageDigest } = got;
    const stats = statsList[index];
    const name = (strList(summary.Names)[0] ?? id).replace(/^\//, '');
    const running = isRunning(summary);
    if (inspect === undefined) round.withoutInspect.push(name);

    const run = rfc3339(inspectState(inspect)?.StartedAt);
    const sample = running ? cpuSample(stats, run, now() / 1000) : undefined;
    let cpu: number | undefined;
    if (sample !== undefined) {
      cpu = cpuPercent(opts.runtime, memo.cpu.get(id), sample, opts.hostCpus);
      memo.cpu.set(id, sample);
    } else if (!running) {
      memo.cpu.delete(id);
    }
    if (running && sample === undefined) round.withoutStats.push(name);
    else if (running && cpu === undefined) round.unprimed.push(name);

    if (opts.withSizes) {
      const sizes = sizesFromSummary(summary);
      if (sizes === undefined) memo.sizes.delete(id);
      else memo.sizes.set(id, sizes);
    }
    return buildContainer({
      runtime: opts.runtime,
      summary,
      inspect,
      stats,
      cpuPercent: cpu,
      hostMemoryBytes: opts.hostMemoryBytes,
      imageDigest,
      sizes: memo.sizes.get(id),
      pod: opts.pods?.get(id),
      nowMs: now(),
    });
  };

  round.containers = list.map(build).filter((c) => c !== undefined);
  const usedImages = new Set(list.map((s) => str(s.ImageID)));
  for (const imageId of memo.digests.keys()) if (!usedImages.has(imageId)) memo.digests.delete(imageId);
  return round;
}

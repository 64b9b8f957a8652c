// The Docker/Podman module's collector: find the engine, then one bounded collection per call.
import type {
  DockerConfig,
  DockerContainer,
  DockerImage,
  DockerNetwork,
  DockerSecret,
  DockerService,
  DockerStorageUsage,
  DockerSwarmNode,
  DockerTask,
  DockerVolume,
  Logger,
} from '@pulse/shared';
import type { ContainerSummary } from './container.ts';
import { collectContainers, type EngineGet, newContainerMemo } from './containers.ts';
import {
  connectEngine,
  type Endpoint,
  type EngineConnection,
  type EngineInfo,
  endpointAddress,
  type RuntimePreference,
  resolveEndpoints,
  type Unavailable,
} from './engine.ts';
import { describeError, EngineLost, engineGet, isAbort, isEngineGone } from './engine-api.ts';
import { type DockerHost, hostInfo } from './host-info.ts';
import { type DiskUsage, diskUsage, images, networks, volumes } from './inventory.ts';
import { count, obj, objList } from './json.ts';
import { podsById } from './podman-meta.ts';
import * as swarm from './swarm.ts';

export interface DockerCollectorOptions {
  runtime: RuntimePreference;
  /** The environment as parsed at start (DOCKER_HOST, CONTAINER_HOST, PODMAN_HOST, XDG_RUNTIME_DIR, ...). */
  env: Record<string, string | undefined>;
  /** The endpoints to try instead of resolveEndpoints(runtime, env), for an address given by flag or config. */
  endpoints?: Endpoint[];
  log: Logger;
  /** Containers inspected at the same time (default 8). */
  concurrency?: number;
  /**
   * One-shot stats requests at the same time (default 256). dockerd answers each at its stats collector's
   * next 1-second tick, so these mostly wait: with 32 in flight, 200 containers took seven ticks (7 s),
   * with all of them in flight under one second. See containers.ts.
   */
  statsConcurrency?: number;
  /** Container sizes (list size=true) and `system df` every this many cycles (default 10): both walk disks. */
  sizeEveryCycles?: number;
  /** Inspect + stats of one container (default 15 s); a late container is reported without stats. */
  containerBudgetMs?: number;
  /** The whole collection (default 25 s): keep it below the report interval. */
  cycleBudgetMs?: number;
  /** The probe of each endpoint in connect() (default 5 s). */
  connectTimeoutMs?: number;
}

export interface DockerCollection {
  host: DockerHost;
  containers: DockerContainer[];
  /** Undefined when the engine did not answer for them this cycle (see notes): not "none". */
  images?: DockerImage[];
  volumes?: DockerVolume[];
  networks?: DockerNetwork[];
  /** From the last `system df`, which runs every sizeEveryCycles cycles. */
  storageUsage?: DockerStorageUsage;
  /** Swarm lists, only when this engine is a Swarm manager. */
  services?: DockerService[];
  tasks?: DockerTask[];
  nodes?: DockerSwarmNode[];
  secrets?: DockerSecret[];
  configs?: DockerConfig[];
  /** Sections that produced nothing or only part, with the reason: data for the module status. */
  notes: Record<string, string>;
  durationMs: number;
}

export interface DockerCollector {
  /** Finds the engine; Unavailable (with every address tried) when none answers. Logs a new reason once. */
  connect(): Promise<EngineConnection | Unavailable>;
  /** One collection. Throws EngineLost when the engine is gone (or was never connected): reconnect. */
  collect(): Promise<DockerCollection>;
  /** Aborts a running collection and drops the connection. */
  close(): void;
}

/** Schema caps (shared/src/schemas/docker-report.ts): beyond them the server would reject the report. */
const CAPS = { containers: 2000, images: 5000, volumes: 5000, networks: 1000, services: 2000 } as const;
const SWARM_CAPS = { tasks: 10_000, nodes: 1000, secrets: 2000, configs: 2000 } as const;

function capped<T>(list: T[], max: number, section: string, notes: Record<string, string>): T[] {
  if (list.length <= max) return list;
  notes[section] = `${list.length} found, first ${max} reported`;
  return list.slice(0, max);
}

function listed(names: string[], what: string): string {
  return `${names.length} ${what}: ${names.slice(0, 10).join(', ')}${names.length > 10 ? ', ...' : ''}`;
}

export function createDockerCollector(opts: DockerCollectorOptions): DockerCollector {
  const { log } = opts;
  const concurrency = Math.max(1, opts.concurrency ?? 8);
  const statsConcurrency = Math.max(1, opts.statsConcurrency ?? 256);
  const sizeEvery = Math.max(1, opts.sizeEveryCycles ?? 10);
  const cycleBudgetMs = opts.cycleBudgetMs ?? 25_000;
  const endpoints = opts.endpoints ?? resolveEndpoints(opts.runtime, opts.env);
  let conn: EngineConnection | undefined;
  let lastReason: string | undefined;
  let cycle = 0;
  let memo = newContainerMemo();
  let disk: DiskUsage | undefined;
  let running: AbortController | undefined;

  async function collectFrom(c: EngineConnection, signal: AbortSignal): Promise<DockerCollection> {
    const started = Date.now();
    const get: EngineGet = (path, query = {}, s = signal) =>
      engineGet(c.docker, path, query, s).catch((err: unknown) => {
        throw isEngineGone(err) ? new EngineLost(c.address, err) : err;
      });
    const notes: Record<string, string> = {};
    // A section that fails is left out with a note; only a lost engine ends the whole collection.
    const section = async <T>(name: string, load: () => Promise<T>): Promise<T | undefined> => {
      try {
        return await load();
      } catch (err) {
        if (err instanceof EngineLost) throw err;
        notes[name] = isAbort(err) ? 'no answer within the cycle budget' : describeError(err);
        return undefined;
      }
    };
    const withSizes = cycle % sizeEvery === 0;
    cycle++;

    const [infoJson, listJson, pods] = await Promise.all([
      get('/info'),
      get('/containers/json', withSizes ? { all: true, size: true } : { all: true }),
      c.runtime === 'podman'
        ? // The compat API does not name pods; libpod's list does (its routes need a version prefix).
          section('pods', async () =>
            podsById(await get(`/v${c.version}/libpod/containers/json`, { all: true })),
          )
        : undefined,
    ]);
    const info = obj<EngineInfo>(infoJson) ?? c.info;
    const host = hostInfo(info, c.runtime, c.version);
    const manager = c.runtime === 'docker' && swarm.isSwarmManager(info.Swarm);
    const summaries = capped(objList<ContainerSummary>(listJson), CAPS.containers, 'containers', notes);

    const [round, imageList, volumeList, networkList, df, swarmLists] = await Promise.all([
      collectContainers(
        summaries,
        {
          get,
          runtime: c.runtime,
          hostCpus: count(info.NCPU),
          hostMemoryBytes: count(info.MemTotal),
          concurrency,
          statsConcurrency,
          containerBudgetMs: opts.containerBudgetMs ?? 15_000,
          signal,
          withSizes,
          pods,
        },
        memo,
      ),
      section('images', async () => images(await get('/images/json'))),
      section('volumes', async () => get('/volumes')),
      section('networks', async () => networks(await get('/networks'))),
      withSizes ? section('storageUsage', async () => diskUsage(await get('/system/df'))) : undefined,
      manager ? swarmSection(get, section) : undefined,
    ]);
    if (df !== undefined) disk = df;
    if (round.withoutStats.length > 0) notes.stats = listed(round.withoutStats, 'running without stats');
    if (round.withoutInspect.length > 0) notes.inspect = listed(round.withoutInspect, 'not inspected');
    if (round.unprimed.length > 0) notes.cpu = listed(round.unprimed, 'with CPU % 0 until the next sample');
    const volumesNow = volumeList === undefined ? undefined : volumes(volumeList, disk?.volumes);
    return {
      host,
      containers: round.containers,
      images: imageList && capped(imageList, CAPS.images, 'images', notes),
      volumes: volumesNow && capped(volumesNow, CAPS.volumes, 'volumes', notes),
      networks: networkList && capped(networkList, CAPS.networks, 'networks', notes),
      storageUsage: disk?.storage,
      ...(swarmLists === undefined ? {} : capSwarm(swarmLists, notes)),
      notes,
      durationMs: Date.now() - started,
    };
  }

  return {
    async connect() {
      running?.abort();
      conn = undefined;
      const result = await connectEngine(endpoints, opts.connectTimeoutMs ?? 5000);
      if (!result.ok) {
        // Said once per reason: a missing engine is retried with backoff, not a new event each time.
        if (result.reason !== lastReason) log.warn('docker: no container engine', { reason: result.reason });
        else log.debug('docker: still no container engine', { reason: result.reason });
        lastReason = result.reason;
        return result;
      }
      lastReason = undefined;
      conn = result;
      // A new engine session: its containers, counters and sizes are not the old ones.
      cycle = 0;
      memo = newContainerMemo();
      disk = undefined;
      log.info('docker: connected', {
        runtime: result.runtime,
        version: result.version,
        address: result.address,
      });
      return result;
    },

    async collect() {
      const c = conn;
      if (c === undefined) {
        const where = endpoints.map(endpointAddress).join(', ') || 'no endpoint';
        throw new EngineLost(where, new Error('not connected'));
      }
      const controller = new AbortController();
      running = controller;
      try {
        return await collectFrom(c, AbortSignal.any([controller.signal, AbortSignal.timeout(cycleBudgetMs)]));
      } catch (err) {
        if (err instanceof EngineLost) {
          // Requests still out to the dead engine end now rather than at their budgets.
          controller.abort();
          log.warn('docker: container engine lost', { address: c.address, error: describeError(err.cause) });
          if (conn === c) conn = undefined;
          throw err;
        }
        if (controller.signal.aborted) throw new Error('docker: collection cancelled');
        if (isAbort(err)) throw new Error(`docker: the engine did not answer within ${cycleBudgetMs} ms`);
        throw err;
      } finally {
        if (running === controller) running = undefined;
      }
    },

    close() {
      running?.abort();
      conn = undefined;
    },
  };
}

interface SwarmLists {
  services: DockerService[];
  tasks: DockerTask[];
  nodes: DockerSwarmNode[];
  secrets: DockerSecret[];
  configs: DockerConfig[];
}

type Section = <T>(name: string, load: () => Promise<T>) => Promise<T | undefined>;

/** Services, tasks, nodes, secrets and configs of a manager; each list that fails is left out with a note. */
async function swarmSection(get: EngineGet, section: Section): Promise<Partial<SwarmLists>> {
  const [serviceJson, taskJson, nodeJson, secretJson, configJson] = await Promise.all([
    section('services', () => get('/services', { status: true })),
    section('tasks', () => get('/tasks')),
    section('nodes', () => get('/nodes')),
    section('secrets', () => get('/secrets')),
    section('configs', () => get('/configs')),
  ]);
  const services = serviceJson === undefined ? undefined : swarm.services(serviceJson);
  const nodes = nodeJson === undefined ? undefined : swarm.nodes(nodeJson);
  const serviceNames = new Map((services ?? []).map((s) => [s.id, s.name]));
  const nodeNames = new Map(
    (nodes ?? []).flatMap((n) => (n.hostname === undefined ? [] : [[n.id, n.hostname]])),
  );
  return {
    services,
    tasks: taskJson === undefined ? undefined : swarm.tasks(taskJson, serviceNames, nodeNames),
    nodes,
    secrets: secretJson === undefined ? undefined : swarm.secrets(secretJson),
    configs: configJson === undefined ? undefined : swarm.configs(configJson),
  };
}

function capSwarm(lists: Partial<SwarmLists>, notes: Record<string, string>): Partial<SwarmLists> {
  return {
    services: lists.services && capped(lists.services, CAPS.services, 'services', notes),
    tasks: lists.tasks && capped(lists.tasks, SWARM_CAPS.tasks, 'tasks', notes),
    nodes: lists.nodes && capped(lists.nodes, SWARM_CAPS.nodes, 'nodes', notes),
    secrets: lists.secrets && capped(lists.secrets, SWARM_CAPS.secrets, 'secrets', notes),
    configs: lists.configs && capped(lists.configs, SWARM_CAPS.configs, 'configs', notes),
  };
}

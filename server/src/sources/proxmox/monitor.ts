// Polls every configured Proxmox VE, Backup Server and Mail Gateway through the scheduler and writes
// what it finds into the live state. Owns one API client per instance; reacts to config changes.
import type { Logger } from '@pulse/shared';
import type { Clock } from '../../clock.ts';
import type { LiveState } from '../../state/live-state.ts';
import type { ProxmoxLists } from '../../state/proxmox-lists.ts';
import {
  type ClusterEndpoint as ClientEndpoint,
  ClusterClient,
  REPROBE_INTERVAL_MS,
} from './client/cluster-client.ts';
import { type ConnectionReport, testConnection } from './client/diagnose.ts';
import type { ClientTuning } from './client/endpoint-client.ts';
import { normalizeBaseUrl } from './client/normalize.ts';
import { readPeerCertificate } from './client/tls.ts';
import type { EndpointOptions, ProxmoxApi, Query } from './client/types.ts';
import { collectPbs } from './collect/pbs.ts';
import { collectPmg } from './collect/pmg.ts';
import { collectPve, type PveSnapshot } from './collect/pve.ts';
import type { ClusterInfo, InstanceStore, ProxmoxInstance } from './instance-store.ts';
import { PollScheduler, type SchedulerHealth } from './scheduler/poll-scheduler.ts';
import type { Timers } from './scheduler/timers.ts';
import { ProxmoxStateWriter } from './state-writer.ts';

export interface PollIntervals {
  pveMs: number;
  pbsMs: number;
  pmgMs: number;
  /** Backups, snapshots and tasks are read every this many PVE cycles. */
  backupEveryCycles: number;
  /** Pending apt updates are read this often (30 min). */
  updatesEveryMs: number;
  /** Guest agent details (file systems, OS, addresses) and container configs are refreshed this often. */
  guestDetailsEveryMs: number;
}

export const DEFAULT_INTERVALS: PollIntervals = {
  pveMs: 10_000,
  pbsMs: 60_000,
  pmgMs: 60_000,
  backupEveryCycles: 10,
  updatesEveryMs: 30 * 60_000,
  guestDetailsEveryMs: 2 * 60_000,
};

/** Proxmox nodes keep their last status this long after their instance stops answering. */
export const NODE_GRACE_MS = 60_000;

export interface EndpointView {
  instance: string;
  url: string;
  node?: string;
  healthy: boolean;
  lastError?: string;
  lastCheckedAt?: string;
}

export type InstanceStatus = 'connected' | 'disconnected' | 'pending' | 'disabled';

export interface ProxmoxMonitorOptions {
  store: InstanceStore;
  state: LiveState;
  lists: ProxmoxLists;
  clock: Clock;
  timers: Timers;
  log: Logger;
  intervals?: Partial<PollIntervals>;
  random?: () => number;
  /** Test knobs for the HTTP clients (extra CA, shorter timeouts). */
  tuning?: ClientTuning;
}

interface Runtime {
  instance: ProxmoxInstance;
  api: ClusterClient;
  cycle: number;
  previous?: PveSnapshot;
  lastDisksAt?: number;
  lastUpdatesAt?: number;
  lastGuestDetailsAt?: number;
  lastSuccessAt?: number;
  status: InstanceStatus;
}

/** Counts calls and failures for the `performance` block of /api/state. */
function counted(api: ProxmoxApi, tally: { calls: number; failed: number }): ProxmoxApi {
  const wrap = async <T>(call: () => Promise<T>): Promise<T> => {
    tally.calls++;
    try {
      return await call();
    } catch (err) {
      tally.failed++;
      throw err;
    }
  };
  return {
    get: <T>(path: string, query?: Query, opts?: { timeoutMs?: number }) =>
      wrap(() => api.get<T>(path, query, opts)),
    post: <T>(path: string, form?: Query) => wrap(() => api.post<T>(path, form)),
  };
}

export class ProxmoxMonitor {
  readonly scheduler: PollScheduler;
  private readonly opts: ProxmoxMonitorOptions;
  private readonly intervals: PollIntervals;
  private readonly writer: ProxmoxStateWriter;
  private readonly runtimes = new Map<string, Runtime>();
  private unsubscribe?: () => void;

  constructor(opts: ProxmoxMonitorOptions) {
    this.opts = opts;
    this.intervals = { ...DEFAULT_INTERVALS, ...opts.intervals };
    this.writer = new ProxmoxStateWriter(opts.state, opts.lists);
    this.scheduler = new PollScheduler({
      clock: opts.clock,
      timers: opts.timers,
      log: opts.log,
      ...(opts.random ? { random: opts.random } : {}),
    });
  }

  start(): void {
    for (const instance of this.opts.store.list()) this.schedule(instance);
    this.unsubscribe = this.opts.store.onChange((event) => {
      if (event.kind === 'saved') this.schedule(event.instance);
      else this.drop(event.id);
    });
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.scheduler.stop();
    await Promise.all([...this.runtimes.values()].map((rt) => rt.api.close()));
    this.runtimes.clear();
  }

  status(id: string): InstanceStatus {
    const instance = this.opts.store.get(id);
    if (instance?.options.disabled) return 'disabled';
    return this.runtimes.get(id)?.status ?? 'pending';
  }

  /**
   * The scheduler's view plus one breaker per cluster endpoint: a member that stops answering is taken
   * out of rotation (open) and probed again every 10 s while its instance keeps polling through the others.
   */
  health(): SchedulerHealth & { endpoints: EndpointView[] } {
    const now = this.opts.clock.now();
    // Only clusters have members to fail over between; a single endpoint's breaker is the instance's own.
    const clustered = [...this.runtimes.values()].filter((rt) => rt.api.health().length > 1);
    const endpoints = clustered.flatMap((rt) =>
      rt.api.health().map((h): EndpointView => {
        const member = rt.instance.cluster.endpoints.find((e) => e.host === h.url);
        return {
          instance: rt.instance.id,
          url: h.url,
          ...(member ? { node: member.nodeName } : {}),
          healthy: h.healthy,
          ...(h.lastError ? { lastError: h.lastError } : {}),
          ...(h.lastCheckedAt === undefined
            ? {}
            : { lastCheckedAt: new Date(h.lastCheckedAt).toISOString() }),
        };
      }),
    );
    const health = this.scheduler.health();
    for (const e of endpoints) {
      const checked = e.lastCheckedAt ? Date.parse(e.lastCheckedAt) : now;
      health.breakers.push({
        instance: `${e.instance}/${e.node ?? e.url}`,
        type: 'endpoint',
        state: e.healthy ? 'closed' : 'open',
        failures: e.healthy ? 0 : 1,
        ...(e.healthy
          ? {}
          : { retryAt: new Date(Math.max(now, checked + REPROBE_INTERVAL_MS)).toISOString() }),
      });
    }
    return { ...health, endpoints };
  }

  /** Test a connection before it is saved (what the form would save). */
  testConnection(opts: EndpointOptions): Promise<ConnectionReport> {
    return testConnection(opts, this.opts.tuning);
  }

  /** Test a saved connection with its stored secrets. */
  testSaved(id: string): Promise<ConnectionReport> {
    const instance = this.opts.store.require(id);
    return testConnection(this.endpointOptions(instance, instance.host), this.opts.tuning);
  }

  /** Reads /cluster/status now, saves the members and points the client at them. */
  async refreshCluster(id: string): Promise<ClusterInfo> {
    const rt = this.runtimes.get(id) ?? this.runtimeFor(this.opts.store.require(id));
    const raw =
      await rt.api.get<{ type: string; name?: string; ip?: string; online?: number }[]>('/cluster/status');
    const clusterEntry = raw.find((e) => e.type === 'cluster');
    const found = {
      isCluster: clusterEntry !== undefined,
      name: clusterEntry?.name,
      endpoints: raw
        .filter((e) => e.type === 'node' && e.name)
        .map((e) => ({ node: e.name ?? '', ...(e.ip ? { ip: e.ip } : {}), online: e.online !== 0 })),
    };
    return this.adoptCluster(rt, found);
  }

  private schedule(instance: ProxmoxInstance): void {
    this.drop(instance.id, false);
    if (instance.options.disabled) return;
    const rt = this.runtimeFor(instance);
    this.runtimes.set(instance.id, rt);
    const intervalMs =
      instance.type === 'pve'
        ? this.intervals.pveMs
        : instance.type === 'pbs'
          ? this.intervals.pbsMs
          : this.intervals.pmgMs;
    this.scheduler.add({
      id: instance.id,
      type: instance.type,
      name: instance.name,
      intervalMs,
      run: () => this.poll(rt),
    });
  }

  private drop(id: string, purgeState = true): void {
    this.scheduler.remove(id);
    const rt = this.runtimes.get(id);
    this.runtimes.delete(id);
    rt?.api.close().catch(() => undefined);
    if (purgeState) this.writer.removeInstance(id, this.opts.clock.now());
  }

  private endpointOptions(instance: ProxmoxInstance, baseUrl: string): EndpointOptions {
    const secrets = this.opts.store.secrets(instance.id);
    return {
      product: instance.type,
      baseUrl,
      verifySSL: instance.verifySSL,
      ...(instance.fingerprint ? { fingerprint: instance.fingerprint } : {}),
      credentials: {
        ...(instance.user ? { user: instance.user } : {}),
        ...(secrets.password ? { password: secrets.password } : {}),
        ...(instance.tokenName ? { tokenName: instance.tokenName } : {}),
        ...(secrets.tokenValue ? { tokenValue: secrets.tokenValue } : {}),
      },
    };
  }

  private runtimeFor(instance: ProxmoxInstance): Runtime {
    const base = this.endpointOptions(instance, instance.host);
    const api = new ClusterClient({
      product: instance.type,
      credentials: base.credentials,
      verifySSL: instance.verifySSL,
      endpoints: this.endpointList(instance),
      now: () => this.opts.clock.now(),
      log: this.opts.log,
      ...(this.opts.random ? { random: this.opts.random } : {}),
      ...(this.opts.tuning ? { tuning: this.opts.tuning } : {}),
    });
    return { instance, api, cycle: 0, status: 'pending' };
  }

  /** The configured address first (with its pin), then the other cluster members on the same port. */
  private endpointList(instance: ProxmoxInstance): ClientEndpoint[] {
    const configured = normalizeBaseUrl(instance.type, instance.host);
    const list: ClientEndpoint[] = [{ url: configured, fingerprint: instance.fingerprint }];
    const url = new URL(configured);
    for (const ep of instance.cluster.endpoints) {
      if (!ep.ip) continue;
      const host = ep.ip.includes(':') ? `[${ep.ip}]` : ep.ip;
      const member = normalizeBaseUrl(instance.type, `${url.protocol}//${host}:${url.port}${url.pathname}`);
      if (member !== configured) list.push({ url: member, fingerprint: ep.fingerprint });
    }
    return list;
  }

  private async adoptCluster(
    rt: Runtime,
    found: {
      isCluster: boolean;
      name?: string | undefined;
      endpoints: { node: string; ip?: string; online: boolean }[];
    },
  ): Promise<ClusterInfo> {
    const known = new Map(rt.instance.cluster.endpoints.map((e) => [e.nodeName, e]));
    const port = new URL(normalizeBaseUrl(rt.instance.type, rt.instance.host)).port;
    const endpoints = await Promise.all(
      found.endpoints.map(async (e) => {
        const before = known.get(e.node);
        let fingerprint = before?.ip === e.ip ? before?.fingerprint : undefined;
        // With a pinned configured node, remember what each member presents when first seen (TOFU).
        if (rt.instance.fingerprint && fingerprint === undefined && e.ip && e.online) {
          fingerprint = await readPeerCertificate(e.ip, Number(port), { timeoutMs: 5_000 })
            .then((cert) => cert.fingerprint)
            .catch(() => undefined);
        }
        return {
          nodeName: e.node,
          host: e.ip ? `https://${e.ip.includes(':') ? `[${e.ip}]` : e.ip}:${port}` : e.node,
          ...(e.ip ? { ip: e.ip } : {}),
          online: e.online,
          ...(fingerprint ? { fingerprint } : {}),
        };
      }),
    );
    const cluster: ClusterInfo = { isCluster: found.isCluster, name: found.name, endpoints };
    const saved = await this.opts.store.setCluster(rt.instance.id, cluster);
    if (saved) {
      rt.instance = saved;
      rt.api.setEndpoints(this.endpointList(saved));
    }
    return cluster;
  }

  private async poll(rt: Runtime): Promise<void> {
    const { clock } = this.opts;
    const started = clock.now();
    const tally = { calls: 0, failed: 0 };
    const api = counted(rt.api, tally);
    try {
      await rt.api.probeUnhealthy();
      if (rt.instance.type === 'pve') await this.pollPve(rt, api);
      else if (rt.instance.type === 'pbs') await this.pollPbs(rt, api);
      else await this.pollPmg(rt, api);
      rt.status = 'connected';
      rt.lastSuccessAt = clock.now();
      this.opts.lists.connectionHealth.set(rt.instance.id, true);
    } catch (err) {
      rt.status = 'disconnected';
      this.opts.lists.connectionHealth.set(rt.instance.id, false);
      const now = clock.now();
      if (rt.lastSuccessAt === undefined || now - rt.lastSuccessAt >= NODE_GRACE_MS) {
        this.writer.markOffline(rt.instance.id, 'nodes', now);
      }
      throw err;
    } finally {
      this.opts.lists.recordPoll(rt.instance.id, clock.now() - started, tally.calls, tally.failed);
    }
  }

  private async pollPve(rt: Runtime, api: ProxmoxApi): Promise<void> {
    const now = this.opts.clock.now();
    const o = rt.instance.options;
    const diskEveryMs = (o.physicalDiskPollingMinutes ?? 5) * 60_000;
    const include = {
      backups: o.monitorBackups !== false && rt.cycle % this.intervals.backupEveryCycles === 0,
      physicalDisks:
        o.monitorPhysicalDisks !== false &&
        (rt.lastDisksAt === undefined || now - rt.lastDisksAt >= diskEveryMs),
      updates: rt.lastUpdatesAt === undefined || now - rt.lastUpdatesAt >= this.intervals.updatesEveryMs,
      // A few calls per guest: refreshed every 2 min, the values in between carried over.
      guestAgent:
        rt.lastGuestDetailsAt === undefined ||
        now - rt.lastGuestDetailsAt >= this.intervals.guestDetailsEveryMs,
    };
    const snap = await collectPve(api, {
      instanceName: rt.instance.name,
      now,
      host: normalizeBaseUrl('pve', rt.instance.host),
      ...(rt.instance.guestURL ? { guestURL: rt.instance.guestURL } : {}),
      ...(rt.previous ? { previous: rt.previous } : {}),
      monitor: {
        vms: o.monitorVMs !== false,
        containers: o.monitorContainers !== false,
        storage: o.monitorStorage !== false,
        backups: o.monitorBackups !== false,
        physicalDisks: o.monitorPhysicalDisks !== false,
        ceph: o.disableCeph !== true,
      },
      include,
    });
    rt.cycle++;
    rt.previous = snap;
    if (include.physicalDisks) rt.lastDisksAt = now;
    if (include.updates) rt.lastUpdatesAt = now;
    if (include.guestAgent) rt.lastGuestDetailsAt = now;
    const stored = rt.instance.cluster;
    const changed =
      stored.isCluster !== snap.cluster.isCluster ||
      stored.name !== snap.cluster.name ||
      JSON.stringify(stored.endpoints.map((e) => [e.nodeName, e.ip ?? null, e.online])) !==
        JSON.stringify(snap.cluster.endpoints.map((e) => [e.node, e.ip ?? null, e.online]));
    if (changed) await this.adoptCluster(rt, snap.cluster);
    const at = this.opts.clock.now();
    this.writer.apply(
      rt.instance.id,
      {
        nodes: snap.nodes,
        vms: snap.vms,
        containers: snap.containers,
        storage: snap.storage,
        cephClusters: snap.ceph ? [snap.ceph] : [],
        ...(snap.physicalDisks ? { physicalDisks: snap.physicalDisks } : {}),
      },
      {
        ...(snap.backupTasks ? { backupTasks: snap.backupTasks } : {}),
        ...(snap.storageBackups ? { storageBackups: snap.storageBackups } : {}),
        ...(snap.guestSnapshots ? { guestSnapshots: snap.guestSnapshots } : {}),
        ...(snap.replicationJobs ? { replicationJobs: snap.replicationJobs } : {}),
      },
      at,
    );
  }

  private async pollPbs(rt: Runtime, api: ProxmoxApi): Promise<void> {
    const o = rt.instance.options;
    const snap = await collectPbs(api, {
      instanceName: rt.instance.name,
      now: this.opts.clock.now(),
      host: normalizeBaseUrl('pbs', rt.instance.host),
      ...(rt.instance.guestURL ? { guestURL: rt.instance.guestURL } : {}),
      monitor: {
        datastores: o.monitorDatastores !== false,
        syncJobs: o.monitorSyncJobs !== false,
        verifyJobs: o.monitorVerifyJobs !== false,
        pruneJobs: o.monitorPruneJobs !== false,
        garbageJobs: o.monitorGarbageJobs !== false,
      },
      include: { backups: o.monitorBackups !== false },
    });
    this.writer.apply(
      rt.instance.id,
      {},
      { pbs: [snap.instance], pbsBackups: snap.backups },
      this.opts.clock.now(),
    );
  }

  private async pollPmg(rt: Runtime, api: ProxmoxApi): Promise<void> {
    const o = rt.instance.options;
    const snap = await collectPmg(api, {
      instanceName: rt.instance.name,
      now: this.opts.clock.now(),
      host: normalizeBaseUrl('pmg', rt.instance.host),
      ...(rt.instance.guestURL ? { guestURL: rt.instance.guestURL } : {}),
      monitor: {
        mailStats: o.monitorMailStats !== false,
        queues: o.monitorQueues !== false,
        quarantine: o.monitorQuarantine !== false,
        domainStats: o.monitorDomainStats !== false,
      },
    });
    this.writer.apply(rt.instance.id, {}, { pmg: [snap.instance] }, this.opts.clock.now());
  }
}

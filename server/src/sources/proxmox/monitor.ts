// Polls every configured Proxmox VE, Backup Server and Mail Gateway through the scheduler and writes
// what it finds into the live state. Owns one API client per instance; reacts to config changes.
import type { Logger } from '@pulse/shared';
import type { Clock } from '../../clock.ts';
import type { LiveState } from '../../state/live-state.ts';
import type { ProxmoxLists } from '../../state/proxmox-lists.ts';
import { ClusterClient, REPROBE_INTERVAL_MS } from './client/cluster-client.ts';
import { type ConnectionReport, testConnection } from './client/diagnose.ts';
import type { ClientTuning } from './client/endpoint-client.ts';
import type { EndpointOptions } from './client/types.ts';
import { clusterChanged, describeCluster, endpointList, type FoundCluster } from './cluster-endpoints.ts';
import { parseClusterStatus } from './collect/pve-cluster.ts';
import type { ClusterInfo, InstanceStore, ProxmoxInstance } from './instance-store.ts';
import { DEFAULT_INTERVALS, type PollIntervals } from './poll-intervals.ts';
import { counted, type PollMemory, type PollResult, pollPbs, pollPmg, pollPve } from './product-polls.ts';
import { PollScheduler, type SchedulerHealth } from './scheduler/poll-scheduler.ts';
import type { Timers } from './scheduler/timers.ts';
import { ProxmoxStateWriter } from './state-writer.ts';

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
  memory: PollMemory;
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
    // The scheduler's record of the last poll says it; nothing else keeps a copy.
    const health = this.scheduler.taskHealth(id);
    if (!health || (health.lastAttempt === undefined && health.consecutiveFailures === 0)) return 'pending';
    return health.consecutiveFailures > 0 ? 'disconnected' : 'connected';
  }

  /**
   * The scheduler's view plus one breaker per cluster endpoint: a member that stops answering is taken
   * out of rotation (open) and probed again every 10 s while its instance keeps polling through the others.
   */
  health(): SchedulerHealth & { endpoints: EndpointView[] } {
    const now = this.opts.clock.now();
    // Only clusters have members to fail over between; a single endpoint's breaker is the instance's own.
    const endpoints = [...this.runtimes.values()].flatMap((rt) => {
      const members = rt.api.health();
      if (members.length < 2) return [];
      return members.map((h): EndpointView => {
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
      });
    });
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
    const running = this.runtimes.get(id);
    const rt = running ?? this.runtimeFor(this.opts.store.require(id));
    try {
      return await this.adoptCluster(rt, parseClusterStatus(await rt.api.get('/cluster/status')));
    } finally {
      // A disabled connection has no runtime of its own; the borrowed client is closed again.
      if (!running) await rt.api.close();
    }
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
      endpoints: endpointList(instance),
      now: () => this.opts.clock.now(),
      log: this.opts.log,
      ...(this.opts.random ? { random: this.opts.random } : {}),
      ...(this.opts.tuning ? { tuning: this.opts.tuning } : {}),
    });
    return { instance, api, memory: { cycle: 0 } };
  }

  private async adoptCluster(rt: Runtime, found: FoundCluster): Promise<ClusterInfo> {
    const cluster = await describeCluster(rt.instance, found);
    const saved = await this.opts.store.setCluster(rt.instance.id, cluster);
    if (saved) {
      rt.instance = saved;
      rt.api.setEndpoints(endpointList(saved));
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
      const now = clock.now();
      const { instance } = rt;
      const result: PollResult =
        instance.type === 'pve'
          ? await pollPve(api, instance, rt.memory, this.intervals, now)
          : instance.type === 'pbs'
            ? await pollPbs(api, instance, now)
            : await pollPmg(api, instance, now);
      if (result.cluster && clusterChanged(instance.cluster, result.cluster))
        await this.adoptCluster(rt, result.cluster);
      this.writer.apply(instance.id, result.watched, result.lists, clock.now());
      this.opts.lists.connectionHealth.set(rt.instance.id, true);
    } catch (err) {
      this.opts.lists.connectionHealth.set(rt.instance.id, false);
      const now = clock.now();
      // The scheduler still holds the previous success while this poll runs.
      const lastSuccess = this.scheduler.taskHealth(rt.instance.id)?.lastSuccess;
      if (lastSuccess === undefined || now - lastSuccess >= NODE_GRACE_MS) {
        this.writer.markOffline(rt.instance.id, 'nodes', now);
      }
      throw err;
    } finally {
      this.opts.lists.recordPoll(rt.instance.id, clock.now() - started, tally.calls, tally.failed);
    }
  }
}

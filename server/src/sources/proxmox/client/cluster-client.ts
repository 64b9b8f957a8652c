// Fails calls over between the API endpoints of one Proxmox cluster, tracking which endpoints are healthy.
import type { Logger } from '@pulse/shared';
import { type ClientTuning, ProxmoxClient } from './endpoint-client.ts';
import { isGuestAgentError, ProxmoxError } from './errors.ts';
import { normalizeBaseUrl, normalizeFingerprint } from './normalize.ts';
import type { ProxmoxApi, ProxmoxCredentials, ProxmoxProduct, Query } from './types.ts';

export const RATE_LIMIT_BASE_MS = 150;
export const RATE_LIMIT_JITTER_MS = 200;
export const RATE_LIMIT_RETRY_BUDGET = 2;
export const REPROBE_INTERVAL_MS = 10_000;
export const PROBE_TIMEOUT_MS = 5_000;

export interface ClusterEndpoint {
  url: string;
  /** Per-endpoint pin (nodes of one cluster usually have their own self-signed certificates). */
  fingerprint?: string | undefined;
}

export interface EndpointHealth {
  url: string;
  healthy: boolean;
  lastError?: string;
  lastCheckedAt?: number;
  cooldownUntil?: number;
}

export interface ClusterClientOptions {
  product?: ProxmoxProduct;
  credentials: ProxmoxCredentials;
  verifySSL: boolean;
  /** Used for endpoints that have no fingerprint of their own. */
  fingerprint?: string | undefined;
  timeoutMs?: number | undefined;
  endpoints: readonly (string | ClusterEndpoint)[];
  now?: () => number;
  /** Returns [0, 1); drives the cooldown jitter. */
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
  log?: Logger;
  tuning?: ClientTuning;
}

interface EndpointState {
  url: string;
  fingerprint: string | undefined;
  client: ProxmoxClient;
  healthy: boolean;
  lastError: ProxmoxError | undefined;
  lastCheckedAt: number | undefined;
  cooldownUntil: number;
  probing: Promise<void> | undefined;
}

const RATE_LIMIT_STATUSES = new Set([408, 425, 429, 502, 503, 504]);
const DOWN_KINDS = new Set(['dns', 'tcp', 'timeout', 'tls', 'fingerprint']);

type Verdict = 'rate-limited' | 'endpoint-down' | 'caller-error';

/** Timeouts on storage, RRD and guest-agent calls mean a slow backend or guest, not an unreachable node. */
function classify(err: ProxmoxError): Verdict {
  if (isGuestAgentError(err.message)) return 'caller-error';
  if (err.status !== undefined && RATE_LIMIT_STATUSES.has(err.status)) return 'rate-limited';
  if (err.kind === 'timeout' && /\/storage|rrd|\/agent\//.test(err.path)) return 'caller-error';
  return DOWN_KINDS.has(err.kind) ? 'endpoint-down' : 'caller-error';
}

export class ClusterClient implements ProxmoxApi {
  readonly product: ProxmoxProduct;
  readonly #opts: ClusterClientOptions;
  readonly #now: () => number;
  readonly #random: () => number;
  readonly #sleep: (ms: number) => Promise<void>;
  #endpoints: EndpointState[] = [];

  constructor(opts: ClusterClientOptions) {
    this.product = opts.product ?? 'pve';
    this.#opts = opts;
    this.#now = opts.now ?? Date.now;
    this.#random = opts.random ?? Math.random;
    this.#sleep = opts.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.setEndpoints(opts.endpoints);
  }

  get<T = unknown>(path: string, query?: Query, opts?: { timeoutMs?: number }): Promise<T> {
    return this.#run((client) => client.get<T>(path, query, opts));
  }

  post<T = unknown>(path: string, form?: Query): Promise<T> {
    return this.#run((client) => client.post<T>(path, form));
  }

  health(): EndpointHealth[] {
    return this.#endpoints.map((ep) => ({
      url: ep.url,
      healthy: ep.healthy,
      ...(ep.lastError ? { lastError: ep.lastError.message } : {}),
      ...(ep.lastCheckedAt === undefined ? {} : { lastCheckedAt: ep.lastCheckedAt }),
      ...(ep.cooldownUntil > this.#now() ? { cooldownUntil: ep.cooldownUntil } : {}),
    }));
  }

  /** Replaces the endpoint list (cluster discovery); unchanged endpoints keep their connections and health. */
  setEndpoints(list: readonly (string | ClusterEndpoint)[]): void {
    const next: EndpointState[] = [];
    for (const item of list) {
      const entry = typeof item === 'string' ? { url: item } : item;
      const url = normalizeBaseUrl(this.product, entry.url);
      const pin = entry.fingerprint ?? this.#opts.fingerprint;
      const fingerprint = pin ? normalizeFingerprint(pin) : undefined;
      if (next.some((ep) => ep.url === url)) continue;
      const kept = this.#endpoints.find((ep) => ep.url === url && ep.fingerprint === fingerprint);
      next.push(kept ?? this.#newEndpoint(url, fingerprint));
    }
    const dropped = this.#endpoints.filter((ep) => !next.includes(ep));
    this.#endpoints = next;
    for (const ep of dropped) ep.client.close().catch(() => undefined);
  }

  /** Probes every unhealthy endpoint last checked ≥ 10 s ago with GET /version; waits for those and any in flight. */
  async probeUnhealthy(): Promise<void> {
    const now = this.#now();
    const due = this.#endpoints.filter(
      (ep) =>
        ep.probing !== undefined ||
        (!ep.healthy && (ep.lastCheckedAt === undefined || now - ep.lastCheckedAt >= REPROBE_INTERVAL_MS)),
    );
    await Promise.all(due.map((ep) => this.#probe(ep)));
  }

  async close(): Promise<void> {
    await Promise.all(this.#endpoints.map((ep) => ep.client.close()));
  }

  #newEndpoint(url: string, fingerprint: string | undefined): EndpointState {
    const client = new ProxmoxClient(
      {
        product: this.product,
        baseUrl: url,
        credentials: this.#opts.credentials,
        verifySSL: this.#opts.verifySSL,
        ...(fingerprint ? { fingerprint } : {}),
        ...(this.#opts.timeoutMs === undefined ? {} : { timeoutMs: this.#opts.timeoutMs }),
      },
      this.#opts.tuning,
    );
    const state: EndpointState = {
      url,
      fingerprint,
      client,
      healthy: true,
      lastError: undefined,
      lastCheckedAt: undefined,
      cooldownUntil: 0,
      probing: undefined,
    };
    return state;
  }

  #probe(ep: EndpointState): Promise<void> {
    if (ep.probing) return ep.probing;
    ep.lastCheckedAt = this.#now();
    const probing = ep.client
      .get('/version', undefined, { timeoutMs: PROBE_TIMEOUT_MS })
      .then(
        () => this.#markHealthy(ep),
        (err: unknown) => {
          if (err instanceof ProxmoxError && classify(err) === 'caller-error') this.#markHealthy(ep);
          else this.#markUnhealthy(ep, err);
        },
      )
      .finally(() => {
        ep.probing = undefined;
      });
    ep.probing = probing;
    return probing;
  }

  #markHealthy(ep: EndpointState): void {
    if (!ep.healthy) this.#opts.log?.info('proxmox endpoint healthy again', { endpoint: ep.url });
    ep.healthy = true;
    ep.lastError = undefined;
    ep.lastCheckedAt = this.#now();
  }

  #markUnhealthy(ep: EndpointState, err: unknown): void {
    if (ep.healthy) {
      this.#opts.log?.warn('proxmox endpoint unhealthy', { endpoint: ep.url, error: String(err) });
    }
    ep.healthy = false;
    ep.lastError = err instanceof ProxmoxError ? err : undefined;
    ep.lastCheckedAt = this.#now();
  }

  /** Healthy endpoints first in configured order, skipping cooling ones while another is free. */
  #pick(exclude: ReadonlySet<EndpointState>): EndpointState | undefined {
    const now = this.#now();
    const candidates = this.#endpoints.filter((ep) => ep.healthy && !exclude.has(ep));
    const ready = candidates.find((ep) => ep.cooldownUntil <= now);
    if (ready) return ready;
    const cooling = candidates.sort((a, b) => a.cooldownUntil - b.cooldownUntil)[0];
    if (cooling) return cooling;
    // A lone endpoint is always worth another try: there is nothing to fail over to.
    const only = this.#endpoints.length === 1 ? this.#endpoints[0] : undefined;
    return only && !exclude.has(only) ? only : undefined;
  }

  async #run<T>(fn: (client: ProxmoxClient) => Promise<T>): Promise<T> {
    const failed = new Set<EndpointState>();
    let rateLimitRetries = 0;
    let lastError: unknown;
    const maxAttempts = this.#endpoints.length + RATE_LIMIT_RETRY_BUDGET;
    for (let attempt = 0; attempt < maxAttempts; attempt++) {
      // Recovery runs in the background unless nothing healthy is left, then the call waits for it.
      const probes = this.probeUnhealthy();
      let ep = this.#pick(failed);
      if (!ep) {
        await probes;
        ep = this.#pick(failed);
      } else {
        probes.catch(() => undefined);
      }
      if (!ep) break;
      try {
        const result = await fn(ep.client);
        this.#markHealthy(ep);
        return result;
      } catch (err) {
        lastError = err;
        if (!(err instanceof ProxmoxError)) throw err;
        const verdict = classify(err);
        if (verdict === 'caller-error') throw err;
        if (verdict === 'endpoint-down') {
          this.#markUnhealthy(ep, err);
          failed.add(ep);
          continue;
        }
        if (rateLimitRetries >= RATE_LIMIT_RETRY_BUDGET) throw err;
        rateLimitRetries++;
        const backoff =
          RATE_LIMIT_BASE_MS * rateLimitRetries + Math.floor(this.#random() * (RATE_LIMIT_JITTER_MS + 1));
        ep.cooldownUntil = this.#now() + backoff;
        this.#opts.log?.debug('proxmox endpoint busy, backing off', {
          endpoint: ep.url,
          status: err.status,
          backoff_ms: backoff,
        });
        await this.#sleep(backoff);
      }
    }
    throw this.#exhausted(lastError);
  }

  #exhausted(lastError: unknown): Error {
    const summary = this.#endpoints
      .map((ep) => `${ep.url} (${ep.healthy ? 'healthy' : (ep.lastError?.kind ?? 'unhealthy')})`)
      .join(', ');
    if (lastError instanceof ProxmoxError) {
      return new ProxmoxError({
        kind: lastError.kind,
        ...(lastError.status === undefined ? {} : { status: lastError.status }),
        path: lastError.path,
        endpoint: lastError.endpoint,
        message: `No cluster endpoint could answer: ${summary}. Last error: ${lastError.message}`,
        cause: lastError,
      });
    }
    const first = this.#endpoints.find((ep) => ep.lastError)?.lastError;
    return new ProxmoxError({
      kind: first?.kind ?? 'tcp',
      path: first?.path ?? '',
      endpoint: first?.endpoint ?? '',
      message: `No healthy cluster endpoint (rechecked every ${REPROBE_INTERVAL_MS / 1000} s): ${summary}`,
      ...(first ? { cause: first } : {}),
    });
  }
}

// "Test connection": runs DNS, TCP, TLS, HTTP, auth, version and cluster checks one by one and says which failed.
import { lookup } from 'node:dns/promises';
import { isIP, connect as netConnect } from 'node:net';
import { type ClientTuning, ProxmoxClient } from './endpoint-client.ts';
import { type ErrorContext, networkError, ProxmoxError } from './errors.ts';
import { normalizeBaseUrl, normalizeFingerprint, resolveAuth } from './normalize.ts';
import { createDispatcher, readPeerCertificate } from './tls.ts';
import type { EndpointOptions, ProxmoxProduct } from './types.ts';

export type StepName = 'dns' | 'tcp' | 'tls' | 'http' | 'auth' | 'version' | 'cluster';

export interface ConnectionStep {
  name: StepName;
  ok: boolean;
  ms: number;
  detail: string;
}

export interface ClusterInfo {
  name: string;
  nodes: { name: string; ip?: string; online: boolean }[];
}

export interface ConnectionReport {
  ok: boolean;
  product: ProxmoxProduct;
  steps: ConnectionStep[];
  failedStep?: StepName;
  message: string;
  /** Lower-case hex SHA-256 of the leaf certificate the endpoint presented. */
  fingerprint?: string;
  version?: string;
  cluster?: ClusterInfo;
}

const PRODUCT_NAME: Record<ProxmoxProduct, string> = {
  pve: 'Proxmox VE',
  pbs: 'Proxmox Backup Server',
  pmg: 'Proxmox Mail Gateway',
};

const STEP_TIMEOUT_MS = 10_000;

/** Failure of one step; caught by testConnection and turned into the report. */
class StepFailure extends Error {
  readonly step: StepName;
  readonly detail: string;
  constructor(step: StepName, detail: string, message?: string) {
    super(message ?? detail);
    this.step = step;
    this.detail = detail;
  }
}

export async function testConnection(
  opts: EndpointOptions,
  tuning: ClientTuning = {},
): Promise<ConnectionReport> {
  const steps: ConnectionStep[] = [];
  const report: ConnectionReport = { ok: false, product: opts.product, steps, message: '' };
  const timeoutMs = Math.min(opts.timeoutMs ?? STEP_TIMEOUT_MS, STEP_TIMEOUT_MS);
  const run = async <T>(name: StepName, fn: () => Promise<{ value: T; detail: string }>): Promise<T> => {
    const started = performance.now();
    try {
      const { value, detail } = await fn();
      steps.push({ name, ok: true, ms: elapsed(started), detail });
      return value;
    } catch (err) {
      const failure = err instanceof StepFailure ? err : new StepFailure(name, message(err));
      steps.push({ name: failure.step, ok: false, ms: elapsed(started), detail: failure.detail });
      throw failure;
    }
  };

  // Configuration mistakes fail their step before any network traffic.
  const parseOrFail = <T>(name: StepName, parse: () => T): T => {
    try {
      return parse();
    } catch (err) {
      steps.push({ name, ok: false, ms: 0, detail: message(err) });
      throw new StepFailure(name, message(err));
    }
  };

  try {
    const baseUrl = parseOrFail('dns', () => normalizeBaseUrl(opts.product, opts.baseUrl));
    const url = new URL(baseUrl);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const port = Number(url.port || (url.protocol === 'http:' ? 80 : 443));
    const ctx = errorContext(opts.product, baseUrl);

    const address = await run('dns', async () => {
      if (isIP(host) !== 0) return { value: host, detail: `skipped: ${host} is an IP address` };
      try {
        const found = await lookup(host, { all: true });
        const first = found[0];
        if (!first) throw new StepFailure('dns', `no address for ${host}`);
        return { value: first.address, detail: `${host} → ${found.map((a) => a.address).join(', ')}` };
      } catch (err) {
        if (err instanceof StepFailure) throw err;
        throw new StepFailure('dns', networkError(ctx, err).message);
      }
    });

    await run('tcp', async () => {
      await tcpConnect(address, port, timeoutMs).catch((err: unknown) => {
        throw new StepFailure('tcp', networkError(ctx, err).message);
      });
      return { value: undefined, detail: `connected to ${address}:${port}` };
    });

    if (url.protocol === 'https:') {
      await run('tls', async () => {
        const peer = await readPeerCertificate(host, port, {
          timeoutMs,
          ...(tuning.ca ? { ca: tuning.ca } : {}),
        }).catch((err: unknown) => {
          throw new StepFailure('tls', networkError(ctx, err).message);
        });
        report.fingerprint = peer.fingerprint;
        const pinned = opts.fingerprint ? normalizeFingerprint(opts.fingerprint) : undefined;
        const facts = [
          peer.protocol,
          `fingerprint ${peer.fingerprintColons} (${peer.fingerprint})`,
          peer.authorized
            ? 'verified against trusted CAs'
            : `not CA-verified (${peer.authorizationError ?? 'unknown'})`,
        ];
        if (pinned) {
          const matched = pinned === peer.fingerprint;
          facts.push(matched ? 'matches the pinned fingerprint' : 'does NOT match the pinned fingerprint');
          if (!matched) {
            const text = `Certificate fingerprint mismatch: expected ${pinned}, the server presented ${peer.fingerprint} — if the certificate was renewed, update the pinned fingerprint`;
            throw new StepFailure('tls', facts.join('; '), text);
          }
        } else if (opts.verifySSL && !peer.authorized) {
          const text = `TLS certificate not trusted (${peer.authorizationError ?? 'unknown'}) — pin its fingerprint ${peer.fingerprintColons}, install a CA-signed certificate, or turn off certificate verification`;
          throw new StepFailure('tls', facts.join('; '), text);
        }
        return { value: undefined, detail: facts.join('; ') };
      });
    }

    await run('http', () => probeUnauthenticated(baseUrl, opts, tuning, ctx, timeoutMs));

    parseOrFail('auth', () => resolveAuth(opts.credentials));
    const client = new ProxmoxClient(opts, tuning);
    try {
      const version = await authenticatedVersion(client, opts, run);
      report.version = version;
      if (opts.product === 'pve') report.cluster = await clusterStep(client, run);
    } finally {
      await client.close();
    }
    report.ok = true;
    report.message = `Connected to ${PRODUCT_NAME[opts.product]} ${report.version ?? ''}`.trim();
    if (report.cluster)
      report.message += ` (cluster ${report.cluster.name}, ${report.cluster.nodes.length} nodes)`;
  } catch (err) {
    const failure = err instanceof StepFailure ? err : new StepFailure('http', message(err));
    report.failedStep = failure.step;
    report.message = failure.message;
  }
  return report;
}

type Run = <T>(name: StepName, fn: () => Promise<{ value: T; detail: string }>) => Promise<T>;

async function authenticatedVersion(client: ProxmoxClient, opts: EndpointOptions, run: Run): Promise<string> {
  const data = await run('auth', async () => {
    try {
      const value = await client.get<unknown>('/version');
      const who = opts.credentials.tokenValue ? 'API token accepted' : 'logged in with password';
      return { value, detail: who };
    } catch (err) {
      throw new StepFailure(stepFor(err), message(err));
    }
  });
  return run('version', async () => {
    const version = stringField(data, 'version');
    if (!version) throw new StepFailure('version', 'GET /version answered without a version');
    const release = stringField(data, 'release');
    return {
      value: version,
      detail: `${PRODUCT_NAME[opts.product]} ${version}${release ? ` (release ${release})` : ''}`,
    };
  });
}

async function clusterStep(client: ProxmoxClient, run: Run): Promise<ClusterInfo | undefined> {
  return run('cluster', async () => {
    let entries: unknown;
    try {
      entries = await client.get<unknown>('/cluster/status');
    } catch (err) {
      throw new StepFailure('cluster', message(err));
    }
    const list = Array.isArray(entries) ? entries : [];
    const cluster = list.find((e) => stringField(e, 'type') === 'cluster');
    const nodes = list
      .filter((e) => stringField(e, 'type') === 'node')
      .map((e) => {
        const ip = stringField(e, 'ip');
        return {
          name: stringField(e, 'name') ?? '',
          online: Number(field(e, 'online')) === 1,
          ...(ip ? { ip } : {}),
        };
      });
    if (!cluster) return { value: undefined, detail: 'standalone node (no cluster configured)' };
    const info = { name: stringField(cluster, 'name') ?? '', nodes };
    const online = nodes.filter((n) => n.online).length;
    return { value: info, detail: `cluster ${info.name}: ${nodes.length} nodes, ${online} online` };
  });
}

/** GET /version without credentials: any JSON answer (usually 401) proves a Proxmox API is on this port. */
async function probeUnauthenticated(
  baseUrl: string,
  opts: EndpointOptions,
  tuning: ClientTuning,
  ctx: ErrorContext,
  timeoutMs: number,
): Promise<{ value: undefined; detail: string }> {
  const url = new URL(baseUrl);
  const pool = createDispatcher(url.origin, {
    verifySSL: opts.verifySSL,
    fingerprint: opts.fingerprint,
    connectTimeoutMs: timeoutMs,
    headersTimeoutMs: timeoutMs,
    ca: tuning.ca,
  });
  try {
    const prefix = url.pathname === '/' ? '' : url.pathname;
    const res = await pool
      .request({
        path: `${prefix}/api2/json/version`,
        method: 'GET',
        headers: { accept: 'application/json' },
      })
      .catch((err: unknown) => {
        throw new StepFailure(stepFor(networkError(ctx, err)), networkError(ctx, err).message);
      });
    const text = await res.body.text();
    const type = String(res.headers['content-type'] ?? '');
    if (/html/i.test(type) || /^\s*</.test(text)) {
      const hint = `${baseUrl} answered with HTML — is this the Proxmox port (8006 for VE/MG, 8007 for Backup Server)?`;
      throw new StepFailure('http', `HTTP ${res.statusCode} with an HTML page`, hint);
    }
    if (res.statusCode !== 200 && res.statusCode !== 401) {
      throw new StepFailure(
        'http',
        `HTTP ${res.statusCode} ${res.statusText ?? ''} for GET /version without credentials`,
      );
    }
    return { value: undefined, detail: `Proxmox API answered ${res.statusCode} without credentials` };
  } finally {
    await pool.close();
  }
}

function stepFor(err: unknown): StepName {
  if (!(err instanceof ProxmoxError)) return 'http';
  switch (err.kind) {
    case 'dns':
      return 'dns';
    case 'tcp':
      return 'tcp';
    case 'tls':
    case 'fingerprint':
      return 'tls';
    case 'auth':
    case 'forbidden':
      return 'auth';
    default:
      return 'http';
  }
}

function tcpConnect(host: string, port: number, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host, port });
    socket.setTimeout(timeoutMs, () => {
      socket.destroy(Object.assign(new Error(`no TCP answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT' }));
    });
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
  });
}

function errorContext(product: ProxmoxProduct, endpoint: string): ErrorContext {
  return { product, endpoint, method: 'GET', path: '/version', usingToken: false, secrets: [] };
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? Reflect.get(value, key) : undefined;
}

function stringField(value: unknown, key: string): string | undefined {
  const v = field(value, key);
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
}

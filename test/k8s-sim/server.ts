// A small kube-apiserver stand-in for tests: discovery, read-only lists and gets of the fixture objects,
// metrics.k8s.io, Table output for kubectl, bearer-token auth and the real server's error bodies.
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { METRICS_GROUP, RESOURCES } from './discovery.ts';
import type { ListState } from './list.ts';
import { kubeconfigYaml, makeServingCert } from './pki.ts';
import { type KubeSimFailures, type RouteContext, route } from './routes.ts';
import type { Collection, KubeFixtures, KubeObject } from './types.ts';

export type { KubeSimFailures } from './routes.ts';

export interface KubeSimOptions {
  fixtures: KubeFixtures;
  /** Serve HTTPS with a CA and certificate made by openssl for this run. */
  tls?: boolean;
  /** Require `Authorization: Bearer <token>` on every request. */
  token?: string;
  failures?: KubeSimFailures;
  /** User named in Forbidden messages. */
  user?: string;
}

export interface RequestRecord {
  method: string;
  /** Path and query as received. */
  url: string;
  status: number;
  accept?: string;
  userAgent?: string;
  authorization?: string;
}

export interface KubeSim {
  url: string;
  caCertPath?: string;
  token?: string;
  /** kubeconfig file: cluster "sim-homelab", context "sim", the sim's token. */
  kubeconfigPath: string;
  /** kubeconfig YAML for another token (null: no credentials). */
  kubeconfig(token?: string | null): string;
  /** Every request's path and query, in order. */
  requests: string[];
  requestLog: RequestRecord[];
  /** The served objects; edits show up in the next response (added objects get a resourceVersion). */
  fixtures: KubeFixtures;
  /** Failure switches; edits take effect on the next request. */
  failures: KubeSimFailures;
  /** Advances the store revision and compacts: continue tokens issued before answer 410 Expired. */
  compact(): void;
  stop(): Promise<void>;
}

/** Collections kept in "etcd" (metrics come from metrics-server and carry no resourceVersion). */
const STORED: Collection[] = RESOURCES.filter((r) => r.group !== METRICS_GROUP).map((r) => r.collection);

/** Gives every object a resourceVersion, as etcd would; returns the store revision. */
function stampResourceVersions(fixtures: KubeFixtures, start: number): number {
  let rv = start;
  for (const c of STORED) {
    for (const o of fixtures[c] as KubeObject[]) o.metadata.resourceVersion ??= String(++rv);
  }
  return rv;
}

export async function startKubeSim(opts: KubeSimOptions): Promise<KubeSim> {
  const dir = await mkdtemp(join(tmpdir(), 'kube-sim-'));
  const cert = opts.tls ? await makeServingCert(dir) : undefined;
  const fixtures = opts.fixtures;
  const failures: KubeSimFailures = { ...opts.failures };
  const state: ListState = { revision: stampResourceVersions(fixtures, 48_000), compacted: 0 };
  const ctx: RouteContext = {
    fixtures,
    failures,
    state,
    user: opts.user ?? 'system:serviceaccount:monitoring:pulse-agent',
    ...(opts.token ? { token: opts.token } : {}),
    serverAddress: '',
  };
  const requests: string[] = [];
  const requestLog: RequestRecord[] = [];

  function send(res: ServerResponse, code: number, body: object | string): void {
    const text = typeof body === 'string' ? `${body}\n` : `${JSON.stringify(body)}\n`;
    res.writeHead(code, {
      'Audit-Id': randomUUID(),
      'Cache-Control': 'no-cache, private',
      'Content-Type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json',
      'X-Content-Type-Options': 'nosniff',
      'X-Kubernetes-Pf-Flowschema-Uid': '1f5c2e1a-6b0e-4d1a-9a51-3b1f0c7d2e90',
      'X-Kubernetes-Pf-Prioritylevel-Uid': '8d0e3b7c-2a4f-4c55-b1d6-7e9a0f3c4b21',
    });
    res.end(text);
  }

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? '/';
    requests.push(url);
    const record: RequestRecord = { method: req.method ?? 'GET', url, status: 0 };
    if (req.headers.accept) record.accept = req.headers.accept;
    if (req.headers['user-agent']) record.userAgent = req.headers['user-agent'];
    if (req.headers.authorization) record.authorization = req.headers.authorization.replace(/ .*/, ' ***');
    requestLog.push(record);
    res.on('finish', () => {
      record.status = res.statusCode;
    });
    try {
      state.revision = stampResourceVersions(fixtures, state.revision); // objects a test added since
      const { code, body } = route(ctx, req);
      send(res, code, body);
    } catch (err) {
      const status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 500 };
      send(res, 500, { ...status, message: String(err), reason: 'InternalError' });
    }
  };
  const server: Server = cert
    ? createHttpsServer({ cert: await readFile(cert.certPath), key: await readFile(cert.keyPath) }, onRequest)
    : createHttpServer(onRequest);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  ctx.serverAddress = `127.0.0.1:${port}`;
  const url = `${cert ? 'https' : 'http'}://${ctx.serverAddress}`;
  const kubeconfig = (token: string | null = opts.token ?? null) =>
    kubeconfigYaml(url, { ...(cert ? { caCertPath: cert.caCertPath } : {}), ...(token ? { token } : {}) });
  const kubeconfigPath = join(dir, 'kubeconfig');
  await writeFile(kubeconfigPath, kubeconfig());

  return {
    url,
    ...(cert ? { caCertPath: cert.caCertPath } : {}),
    ...(opts.token ? { token: opts.token } : {}),
    kubeconfigPath,
    kubeconfig,
    requests,
    requestLog,
    fixtures,
    failures,
    compact() {
      state.revision += 1;
      state.compacted = state.revision;
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

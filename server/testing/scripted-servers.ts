// Test-only helpers: throwaway certificates and a tiny scripted HTTPS server that speaks like a Proxmox API.
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { makeServingCert } from '../../test/k8s-sim/pki.ts';

export interface TestCert {
  cert: string;
  key: string;
  ca: string;
  /** Lower-case hex SHA-256 of the leaf DER. */
  fingerprint: string;
}

/** Two unrelated CA + 127.0.0.1 certificates, so one can stand in for "a different certificate". */
export async function makeTestCerts(): Promise<{ a: TestCert; b: TestCert; cleanup: () => Promise<void> }> {
  const dirs = [await mkdtemp(join(tmpdir(), 'pulse-px-a-')), await mkdtemp(join(tmpdir(), 'pulse-px-b-'))];
  const [a, b] = await Promise.all(dirs.map((d) => loadCert(d)));
  if (!a || !b) throw new Error('certificate generation failed');
  return { a, b, cleanup: async () => void (await Promise.all(dirs.map((d) => rm(d, { recursive: true })))) };
}

async function loadCert(dir: string): Promise<TestCert> {
  const paths = await makeServingCert(dir);
  const cert = await readFile(paths.certPath, 'utf8');
  return {
    cert,
    key: await readFile(paths.keyPath, 'utf8'),
    ca: await readFile(paths.caCertPath, 'utf8'),
    fingerprint: new X509Certificate(cert).fingerprint256.replace(/:/g, '').toLowerCase(),
  };
}

export interface SeenRequest {
  method: string;
  /** Path below /api2/json, without the query string. */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface ScriptedResponse {
  status?: number;
  statusText?: string;
  /** Sent as `{ "data": json }`. */
  data?: unknown;
  /** Raw body, used instead of `data`. */
  body?: string;
  contentType?: string;
  delayMs?: number;
}

export type Script = (req: SeenRequest) => ScriptedResponse | Promise<ScriptedResponse>;

export interface ScriptedServer {
  url: string;
  port: number;
  requests: SeenRequest[];
  script: Script;
  close(): Promise<void>;
}

export async function startScriptedServer(cert: TestCert, script: Script, port = 0): Promise<ScriptedServer> {
  let server: Server | undefined;
  const state: ScriptedServer = {
    url: '',
    port: 0,
    requests: [],
    script,
    close: async () => {
      server?.closeAllConnections();
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    },
  };
  server = createServer({ cert: cert.cert, key: cert.key }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const url = new URL(req.url ?? '/', 'https://x');
      const seen: SeenRequest = {
        method: req.method ?? 'GET',
        path: url.pathname.replace(/^\/api2\/json/, ''),
        query: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      state.requests.push(seen);
      const answer = await state.script(seen);
      const send = () => {
        if (res.destroyed) return;
        res.statusCode = answer.status ?? 200;
        if (answer.statusText) res.statusMessage = answer.statusText;
        res.setHeader('content-type', answer.contentType ?? 'application/json;charset=UTF-8');
        res.end(answer.body ?? JSON.stringify({ data: answer.data ?? null }));
      };
      if (answer.delayMs) setTimeout(send, answer.delayMs);
      else send();
    });
  });
  const listening = server;
  await new Promise<void>((resolve) => listening.listen(port, '127.0.0.1', resolve));
  state.port = portOf(listening.address());
  state.url = `https://127.0.0.1:${state.port}`;
  return state;
}

/** A loopback port nothing listens on (bound, read, released). */
export async function closedPort(): Promise<number> {
  const { createServer: createTcp } = await import('node:net');
  const probe = createTcp();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = portOf(probe.address());
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

function portOf(address: string | AddressInfo | null): number {
  if (address && typeof address === 'object') return address.port;
  throw new Error('server is not listening on a TCP port');
}

/**
 * The certificates and scripted servers of one test file: made before its tests, every server closed
 * after each test, the certificates removed at the end. `certs` is readable from the first test on.
 */
export function scriptedServers(): {
  readonly certs: { a: TestCert; b: TestCert };
  serve(script: Script, opts?: { cert?: TestCert; port?: number }): Promise<ScriptedServer>;
} {
  let made: Awaited<ReturnType<typeof makeTestCerts>> | undefined;
  const servers: ScriptedServer[] = [];
  beforeAll(async () => {
    made = await makeTestCerts();
  });
  afterAll(async () => {
    await made?.cleanup();
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  const certs = () => {
    if (!made) throw new Error('scriptedServers: certificates are made in beforeAll');
    return made;
  };
  return {
    get certs() {
      return certs();
    },
    async serve(script, opts = {}) {
      const server = await startScriptedServer(opts.cert ?? certs().a, script, opts.port);
      servers.push(server);
      return server;
    },
  };
}

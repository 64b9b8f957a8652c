// One HTTPS endpoint on a loopback address: body parsing, faults, auth, routing, the product's envelope and the request log.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Auth, AuthKind, AuthResult } from './auth.ts';
import { type FaultState, HTML_PAGE } from './faults.ts';
import type { LeafCert } from './pki.ts';
import { fail, type Product, type Reply, type Request } from './reply.ts';

export interface RequestRecord {
  product: Product;
  /** PVE only: the node whose endpoint answered. */
  node?: string;
  method: string;
  /** Path below /api2/json (the full path when outside it), no query. */
  path: string;
  query: string;
  status: number;
  auth: AuthKind;
}

export interface EndpointOptions {
  product: Product;
  node?: string;
  cert: LeafCert;
  auth: Auth;
  faults: FaultState;
  log: RequestRecord[];
  handle(req: Request, auth: AuthResult): Reply;
  /** Loopback address to listen on (default 127.0.0.1); cluster nodes each get their own. */
  host?: string;
  /** Port to listen on (default: any free one). */
  port?: number;
}

export interface Endpoint {
  url: string;
  port: number;
  cert: LeafCert;
  /** Serves another certificate from the next handshake on; open connections are cut. */
  setCertificate(cert: LeafCert): void;
  /** Refuses connections (closes the listener, destroys sockets) until start(). */
  stop(): Promise<void>;
  start(): Promise<void>;
}

const JSON_TYPE = 'application/json;charset=UTF-8';
const SERVER_NAME: Record<Product, string> = {
  pve: 'pve-api-daemon/3.0',
  pbs: 'proxmox-backup-proxy',
  pmg: 'pmg-api-daemon/3.0',
};

async function readBody(req: IncomingMessage): Promise<Record<string, string>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return {};
  if ((req.headers['content-type'] ?? '').includes('application/json')) {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null) return {};
    return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, String(v)]));
  }
  return Object.fromEntries(new URLSearchParams(text));
}

function write(product: Product, res: ServerResponse, reply: Reply): void {
  const headers = { 'Content-Type': JSON_TYPE, Server: SERVER_NAME[product], 'Cache-Control': 'max-age=0' };
  if (reply.status < 400) {
    res.writeHead(reply.status, headers);
    res.end(JSON.stringify({ data: reply.data ?? null, ...reply.extra }));
  } else if (product === 'pbs') {
    // proxmox-rest-server: the error text is the whole body, still labelled JSON.
    res.writeHead(reply.status, headers);
    res.end(reply.message ?? '');
  } else {
    // PVE/PMG put the message in the status line and send an empty envelope.
    res.writeHead(reply.status, (reply.message ?? '').replace(/[^\x20-\x7e]/g, ' '), headers);
    res.end(JSON.stringify({ data: null }));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startEndpoint(opts: EndpointOptions): Promise<Endpoint> {
  const { product, faults } = opts;
  const onRequest = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'https://sim');
    const method = req.method ?? 'GET';
    const inApi = url.pathname.startsWith('/api2/json/');
    const path = inApi ? url.pathname.slice('/api2/json'.length) : url.pathname;
    const record: RequestRecord = { product, method, path, query: url.search, status: 0, auth: 'none' };
    if (opts.node) record.node = opts.node;
    opts.log.push(record);
    res.on('finish', () => {
      record.status = res.statusCode;
    });
    try {
      const body = await readBody(req);
      if (faults.slowMs > 0) await sleep(faults.slowMs);
      if (faults.html?.test(path)) {
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
        res.end(HTML_PAGE);
        return;
      }
      if (!inApi) {
        write(
          product,
          res,
          product === 'pbs' ? fail(404, `Path '${url.pathname}' not found.`) : fail(501, `Unknown API path`),
        );
        return;
      }
      const request: Request = { method, path, query: url.searchParams, body };
      if (path === '/access/ticket' && method === 'POST') {
        write(product, res, opts.auth.login(request));
        return;
      }
      const auth = opts.auth.check(req.headers, method);
      record.auth = auth.kind;
      if (auth.deny) return write(product, res, auth.deny);
      if (faults.fail500?.test(path))
        return write(product, res, fail(500, 'simulated fault: internal error'));
      write(product, res, opts.handle(request, auth));
    } catch (err) {
      write(product, res, fail(500, String(err)));
    }
  };
  const server: Server = createServer({ cert: opts.cert.cert, key: opts.cert.key }, (req, res) => {
    void onRequest(req, res);
  });
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  const host = opts.host ?? '127.0.0.1';
  await listen(opts.port ?? 0);
  const { port } = server.address() as AddressInfo;
  const endpoint: Endpoint = {
    url: `https://${host}:${port}`,
    port,
    cert: opts.cert,
    setCertificate(cert) {
      server.setSecureContext({ cert: cert.cert, key: cert.key });
      server.closeAllConnections();
    },
    async stop() {
      if (!server.listening) return;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
    async start() {
      if (!server.listening) await listen(port);
    },
  };
  return endpoint;
}

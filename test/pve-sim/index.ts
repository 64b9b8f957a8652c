// Starts simulated Proxmox VE (one HTTPS endpoint per cluster node), Backup Server and Mail Gateway on loopback.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAuth, type TokenCredential, type UserCredential } from './auth.ts';
import { buildPbs, buildPmg, PBS_HOST } from './build-pbs-pmg.ts';
import { buildPve } from './build-pve.ts';
import { createClock } from './clock.ts';
import { type FaultState, type Faults, noFaults } from './faults.ts';
import type { Counter, ProxmoxModel } from './model.ts';
import { addBackup, bumpCounter, migrate, type NewBackup, setGuestStatus } from './mutations.ts';
import { pbsRoutes } from './pbs-routes.ts';
import { type LeafCert, makeCa, makeLeaf } from './pki.ts';
import { pmgRoutes } from './pmg-routes.ts';
import { handlePve, type PveContext, pveRoutes } from './pve-routes.ts';
import { dispatch, fail, type Product, type Route } from './reply.ts';
import { type Endpoint, type RequestRecord, startEndpoint } from './server.ts';

export type { TokenCredential, UserCredential } from './auth.ts';
export type { FaultState, Faults } from './faults.ts';
export { guestUsage, mailHour, nodeUsage } from './metrics.ts';
export type * from './model.ts';
export type { NewBackup } from './mutations.ts';
export { mailTotals } from './pmg-routes.ts';
export type { Product } from './reply.ts';
export type { RequestRecord } from './server.ts';

export interface ProxmoxSimOptions {
  /** PVE cluster nodes, each with its own endpoint (default 3). */
  nodes?: number;
  /** Guests per node, alternating qemu and lxc (default 4). */
  guestsPerNode?: number;
  clusterName?: string;
  seed?: number;
}

export interface Target {
  url: string;
  /** SHA-256 of the served leaf certificate, lowercase hex without colons. */
  fingerprint: string;
  /** The same as Proxmox shows it: `AA:BB:...`. */
  fingerprintColon: string;
  /** PEM of the product's CA, for clients that verify the chain instead of pinning. */
  ca: string;
}

export interface ProxmoxSim {
  pve: { clusterName: string; endpoints: (Target & { node: string })[] };
  pbs: Target;
  pmg: Target;
  credentials: {
    pveToken: TokenCredential;
    pveUser: UserCredential;
    /** Authenticates, but lacks Sys.Audit/VM.Audit: every data path answers 403. */
    limitedPveToken: TokenCredential;
    pbsToken: TokenCredential;
    pbsUser: UserCredential;
    pmgToken: TokenCredential;
    pmgUser: UserCredential;
  };
  model: ProxmoxModel;
  faults: Faults;
  migrate(vmid: number, toNode: string): void;
  setGuestStatus(vmid: number, status: 'running' | 'stopped'): void;
  /** Returns the volid PVE lists for the new backup. */
  addBackup(backup: NewBackup): string;
  /** Adds delta to a guest counter; returns the value reported now. */
  bumpCounter(vmid: number, counter: Counter, delta: number): number;
  requests: RequestRecord[];
  close(): Promise<void>;
}

interface Served {
  product: Product;
  node?: string;
  endpoint: Endpoint;
  faults: FaultState;
  impostor?: LeafCert;
}

/** The loopback address of the i-th cluster node (0-based). */
function nodeAddress(i: number): string {
  return `127.0.${1 + Math.floor(i / 250)}.${1 + (i % 250)}`;
}

export async function startProxmoxSim(opts: ProxmoxSimOptions = {}): Promise<ProxmoxSim> {
  const seed = opts.seed ?? 20_261_122;
  const clock = createClock();
  const epoch = clock.now();
  const pve = buildPve(seed, epoch, {
    nodes: opts.nodes ?? 3,
    guestsPerNode: opts.guestsPerNode ?? 4,
    clusterName: opts.clusterName ?? 'sim-cluster',
  });
  // Like a real cluster, every node answers on its own address and the same port: 127.0.1.N on loopback.
  pve.nodes.forEach((n, i) => {
    n.ip = nodeAddress(i);
  });
  const model: ProxmoxModel = {
    seed,
    epoch,
    clock,
    pve,
    pbs: buildPbs(seed, epoch, pve.guests),
    pmg: buildPmg(seed, epoch),
  };

  const dir = await mkdtemp(join(tmpdir(), 'pve-sim-'));
  const [pveCa, pbsCa, pmgCa] = await Promise.all([
    makeCa(dir, 'pve', `/CN=Proxmox Virtual Environment/OU=${randomUUID()}/O=PVE Cluster Manager CA`),
    makeCa(dir, 'pbs', '/CN=pbs1.sim.lan'),
    makeCa(dir, 'pmg', '/CN=Proxmox Mail Gateway/O=PMG CA'),
  ]);
  const [nodeCerts, pbsCert, pmgCert] = await Promise.all([
    Promise.all(
      pve.nodes.map((n) =>
        makeLeaf(
          dir,
          pveCa,
          n.name,
          `/OU=PVE Cluster Node/O=Proxmox Virtual Environment/CN=${n.name}.sim.lan`,
          n.ip,
        ),
      ),
    ),
    makeLeaf(dir, pbsCa, PBS_HOST, '/CN=pbs1.sim.lan'),
    makeLeaf(dir, pmgCa, 'pmg1', '/OU=PMG/O=Proxmox Mail Gateway/CN=pmg1.sim.lan'),
  ]);

  const credentials: ProxmoxSim['credentials'] = {
    pveToken: { tokenName: 'pulse-monitor@pve!pulse', tokenValue: randomUUID() },
    pveUser: { user: 'root@pam', password: `pve-${randomUUID().slice(0, 8)}` },
    limitedPveToken: { tokenName: 'noaudit@pve!pulse', tokenValue: randomUUID() },
    pbsToken: { tokenName: 'pulse@pbs!monitor', tokenValue: randomUUID() },
    pbsUser: { user: 'root@pam', password: `pbs-${randomUUID().slice(0, 8)}` },
    pmgToken: { tokenName: 'pulse@pmg!monitor', tokenValue: randomUUID() },
    pmgUser: { user: 'root@pam', password: `pmg-${randomUUID().slice(0, 8)}` },
  };
  const auths = {
    pve: createAuth(
      'pve',
      clock.now,
      [credentials.pveUser],
      [credentials.pveToken, { ...credentials.limitedPveToken, limited: true }],
    ),
    pbs: createAuth('pbs', clock.now, [credentials.pbsUser], [credentials.pbsToken]),
    pmg: createAuth('pmg', clock.now, [credentials.pmgUser], [credentials.pmgToken]),
  };
  const requests: RequestRecord[] = [];
  const fingerprints = Object.fromEntries(
    pve.nodes.map((n, i) => [n.name, nodeCerts[i]?.fingerprintColon ?? '']),
  );

  const served: Served[] = [];
  const serve = async (
    product: Product,
    cert: LeafCert,
    routes: Route[],
    node?: string,
    ctx?: PveContext,
    listenOn: { host?: string; port?: number } = {},
  ) => {
    const faults = noFaults();
    const endpoint = await startEndpoint({
      ...listenOn,
      product,
      cert,
      auth: auths[product],
      faults,
      log: requests,
      ...(node ? { node } : {}),
      handle: (req, auth) =>
        ctx
          ? handlePve(ctx, routes, req, auth)
          : (dispatch(routes, req) ?? notFound(product, req.method, req.path)),
    });
    served.push({ product, endpoint, faults, ...(node ? { node } : {}) });
    return endpoint;
  };
  const serveNode = (i: number, port?: number) => {
    const n = pve.nodes[i];
    if (!n) throw new Error(`no node ${i}`);
    const ctx: PveContext = { model, local: n.name, fingerprints };
    return serve('pve', nodeCerts[i] ?? pbsCert, pveRoutes(ctx), n.name, ctx, {
      host: n.ip,
      ...(port === undefined ? {} : { port }),
    });
  };
  const first = await serveNode(0);
  const endpoints = [
    first,
    ...(await Promise.all(pve.nodes.slice(1).map((_, i) => serveNode(i + 1, first.port)))),
  ];
  const pbsRouteList = pbsRoutes(model);
  const pbsEndpoint = await serve('pbs', pbsCert, [
    ...pbsRouteList,
    // PBS answers for its own hostname as for "localhost".
    ...pbsRouteList
      .filter((r) => r.parts[1] === 'localhost')
      .map((r) => ({ ...r, parts: r.parts.map((s, i) => (i === 1 ? PBS_HOST : s)) })),
  ]);
  const pmgEndpoint = await serve('pmg', pmgCert, pmgRoutes(model, pmgCert.fingerprintColon));

  const select = (product: Product, node?: string) => {
    const list = served.filter((s) => s.product === product && (node === undefined || s.node === node));
    if (list.length === 0) throw new Error(`no ${product} endpoint${node ? ` for node ${node}` : ''}`);
    return list;
  };
  let impostorCa: Promise<Awaited<ReturnType<typeof makeCa>>> | undefined;
  const faults: Faults = {
    async nodeDown(node, down) {
      const [s] = select('pve', node);
      const n = pve.nodes.find((x) => x.name === node);
      if (!s || !n) return;
      n.online = !down;
      await (down ? s.endpoint.stop() : s.endpoint.start());
    },
    fail500(product, pattern, node) {
      for (const s of select(product, node)) s.faults.fail500 = pattern;
    },
    slow(product, ms, node) {
      for (const s of select(product, node)) s.faults.slowMs = ms;
    },
    expireTickets(product) {
      auths[product].expireTickets();
    },
    async wrongCertificate(product, on, node) {
      impostorCa ??= makeCa(dir, 'impostor', '/CN=Impostor CA');
      const ca = await impostorCa;
      for (const s of select(product, node)) {
        s.impostor ??= await makeLeaf(
          dir,
          ca,
          `impostor-${product}-${s.node ?? product}`,
          '/CN=impostor.sim.lan',
        );
        s.faults.wrongCert = on;
        s.endpoint.setCertificate(on ? s.impostor : s.endpoint.cert);
      }
    },
    html(product, pattern, node) {
      for (const s of select(product, node)) s.faults.html = pattern;
    },
  };

  const target = (e: Endpoint, ca: string): Target => ({
    url: e.url,
    fingerprint: e.cert.fingerprint,
    fingerprintColon: e.cert.fingerprintColon,
    ca,
  });
  return {
    pve: {
      clusterName: pve.clusterName,
      endpoints: endpoints.map((e, i) => ({ node: pve.nodes[i]?.name ?? '', ...target(e, pveCa.pem) })),
    },
    pbs: target(pbsEndpoint, pbsCa.pem),
    pmg: target(pmgEndpoint, pmgCa.pem),
    credentials,
    model,
    faults,
    migrate: (vmid, toNode) => void migrate(model, vmid, toNode),
    setGuestStatus: (vmid, status) => void setGuestStatus(model, vmid, status),
    addBackup: (b) => addBackup(model, b),
    bumpCounter: (vmid, counter, delta) => bumpCounter(model, vmid, counter, delta),
    requests,
    async close() {
      await Promise.all(served.map((s) => s.endpoint.stop()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function notFound(product: Product, method: string, path: string) {
  return product === 'pbs'
    ? fail(404, `Path '/api2/json${path}' not found.`)
    : fail(501, `Method '${method} ${path}' not implemented`);
}

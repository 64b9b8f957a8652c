import { describe, expect, it } from 'vitest';
import { closedPort, type Script, scriptedServers } from '../../../../testing/scripted-servers.ts';
import { type ConnectionReport, testConnection } from './diagnose.ts';
import type { EndpointOptions } from './types.ts';

const TOKEN_SECRET = 'diag-5ecret-9f1e-77aa';

const fx = scriptedServers();
const serve = (script: Script) => fx.serve(script);

const CLUSTER_STATUS = [
  { type: 'cluster', name: 'homelab', nodes: 2, quorate: 1, version: 4 },
  { type: 'node', name: 'pve1', ip: '10.0.0.1', online: 1, local: 1, nodeid: 1 },
  { type: 'node', name: 'pve2', ip: '10.0.0.2', online: 0, local: 0, nodeid: 2 },
];

/** Behaves like pveproxy: 401 without credentials, the token checked, then the scripted paths. */
function pve(paths: Record<string, ReturnType<Script>> = {}): Script {
  return (req) => {
    if (!req.headers.authorization) return { status: 401, statusText: 'No ticket' };
    if (req.headers.authorization !== `PVEAPIToken=pulse@pve!monitor=${TOKEN_SECRET}`) {
      return { status: 401, statusText: 'invalid token value!' };
    }
    return paths[req.path] ?? { data: { version: '8.2.4', release: '8.2', repoid: 'abc' } };
  };
}

async function diagnose(opts: Partial<EndpointOptions> & { baseUrl: string }): Promise<ConnectionReport> {
  const report = await testConnection({
    product: 'pve',
    credentials: { tokenName: 'pulse@pve!monitor', tokenValue: TOKEN_SECRET },
    verifySSL: false,
    ...opts,
  });
  expect(JSON.stringify(report)).not.toContain(TOKEN_SECRET);
  return report;
}

const names = (r: ConnectionReport) => r.steps.map((s) => `${s.name}:${s.ok ? 'ok' : 'fail'}`);

describe('testConnection', () => {
  it('reports every step, the fingerprint, the version and the cluster', async () => {
    const server = await serve(pve({ '/cluster/status': { data: CLUSTER_STATUS } }));
    const report = await diagnose({ baseUrl: server.url });
    expect(report.ok).toBe(true);
    expect(names(report)).toEqual([
      'dns:ok',
      'tcp:ok',
      'tls:ok',
      'http:ok',
      'auth:ok',
      'version:ok',
      'cluster:ok',
    ]);
    expect(report.steps[0]?.detail).toMatch(/skipped/);
    expect(report.fingerprint).toBe(fx.certs.a.fingerprint);
    expect(report.steps[2]?.detail).toMatch(/TLSv1\.[23]/);
    expect(report.steps[2]?.detail).toMatch(/not CA-verified/);
    expect(report.version).toBe('8.2.4');
    expect(report.cluster).toEqual({
      name: 'homelab',
      nodes: [
        { name: 'pve1', ip: '10.0.0.1', online: true },
        { name: 'pve2', ip: '10.0.0.2', online: false },
      ],
    });
    expect(report.message).toMatch(/Proxmox VE 8\.2\.4.*homelab/);
    expect(report.steps.every((s) => s.ms >= 0)).toBe(true);
  });

  it('a standalone node has no cluster', async () => {
    const server = await serve(
      pve({ '/cluster/status': { data: [{ type: 'node', name: 'pve', online: 1 }] } }),
    );
    const report = await diagnose({ baseUrl: server.url });
    expect(report.ok).toBe(true);
    expect(report.cluster).toBeUndefined();
    expect(report.steps.at(-1)?.detail).toMatch(/standalone/);
  });

  it('stops at dns for an unresolvable name', async () => {
    const report = await diagnose({ baseUrl: 'pve.pulse-test.invalid' });
    expect(report).toMatchObject({ ok: false, failedStep: 'dns' });
    expect(names(report)).toEqual(['dns:fail']);
  });

  it('stops at tcp for a refused port', async () => {
    const report = await diagnose({ baseUrl: `127.0.0.1:${await closedPort()}` });
    expect(report.failedStep).toBe('tcp');
    expect(names(report)).toEqual(['dns:ok', 'tcp:fail']);
    expect(report.message).toMatch(/refused/);
  });

  it('stops at tls for an untrusted certificate and offers its fingerprint', async () => {
    const server = await serve(pve());
    const report = await diagnose({ baseUrl: server.url, verifySSL: true });
    expect(report.failedStep).toBe('tls');
    expect(report.fingerprint).toBe(fx.certs.a.fingerprint);
    expect(report.message).toContain(report.steps[2]?.detail.match(/fingerprint (\S+)/)?.[1] ?? 'missing');
  });

  it('stops at tls when the pin does not match, naming both fingerprints', async () => {
    const server = await serve(pve());
    const report = await diagnose({ baseUrl: server.url, fingerprint: fx.certs.b.fingerprint });
    expect(report.failedStep).toBe('tls');
    expect(report.message).toContain(fx.certs.a.fingerprint);
    expect(report.message).toContain(fx.certs.b.fingerprint);
    expect(server.requests).toHaveLength(0);
  });

  it('stops at http when the port serves HTML', async () => {
    const server = await serve(() => ({
      body: '<html><body>NAS login</body></html>',
      contentType: 'text/html',
    }));
    const report = await diagnose({ baseUrl: server.url });
    expect(report.failedStep).toBe('http');
    expect(report.message).toMatch(/answered with HTML — is this the Proxmox port/);
  });

  it('stops at auth for a rejected token', async () => {
    const server = await serve(pve());
    const report = await diagnose({
      baseUrl: server.url,
      credentials: { tokenName: 'pulse@pve!monitor', tokenValue: 'wrong-secret-value' },
    });
    expect(report.failedStep).toBe('auth');
    expect(names(report)).toEqual(['dns:ok', 'tcp:ok', 'tls:ok', 'http:ok', 'auth:fail']);
    expect(report.message).toMatch(/401/);
    expect(report.message).not.toContain('wrong-secret-value');
  });

  it('stops at auth for incomplete credentials before sending them', async () => {
    const server = await serve(pve());
    const report = await diagnose({
      baseUrl: server.url,
      credentials: { user: 'root', password: 'pw-9876' },
    });
    expect(report.failedStep).toBe('auth');
    expect(report.message).toMatch(/realm/);
    expect(server.requests.every((r) => !r.body.includes('pw-9876'))).toBe(true);
  });

  it('a token without privileges fails the cluster step with the privilege hint', async () => {
    const server = await serve(
      pve({ '/cluster/status': { status: 403, statusText: 'Permission check failed (/, Sys.Audit)' } }),
    );
    const report = await diagnose({ baseUrl: server.url });
    expect(report.ok).toBe(false);
    expect(report.failedStep).toBe('cluster');
    expect(report.message).toMatch(/privilege separation/);
  });

  it('skips the cluster step for Backup Server', async () => {
    const server = await serve((req) =>
      req.headers.authorization === `PBSAPIToken=pulse@pbs!monitor:${TOKEN_SECRET}`
        ? { data: { version: '3.2', release: '7' } }
        : { status: 401 },
    );
    const report = await diagnose({
      product: 'pbs',
      baseUrl: server.url,
      credentials: { tokenName: 'pulse@pbs!monitor', tokenValue: TOKEN_SECRET },
    });
    expect(report.ok).toBe(true);
    expect(names(report)).toEqual(['dns:ok', 'tcp:ok', 'tls:ok', 'http:ok', 'auth:ok', 'version:ok']);
    expect(report.message).toBe('Connected to Proxmox Backup Server 3.2');
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Located } from '../collectors/kubernetes/kubeconfig-locate.ts';
import { clusterServer, pingCluster } from './cluster-ping.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cluster-ping-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function files(...texts: string[]): Located {
  const paths = texts.map((text, i) => {
    const path = join(dir, `config-${i}`);
    writeFileSync(path, text);
    return path;
  });
  return { kind: 'files', files: paths, source: 'test' };
}

const yaml = (server: string) =>
  ['apiVersion: v1', 'clusters:', '- name: c', '  cluster:', `    server: ${server}`, ''].join('\n');

describe('clusterServer', () => {
  it('reads the one server of a kubeconfig, plain, quoted or in JSON', () => {
    expect(clusterServer(files(yaml('https://10.0.0.1:6443')))).toBe('https://10.0.0.1:6443');
    expect(clusterServer(files(yaml('"https://10.0.0.1:6443"')))).toBe('https://10.0.0.1:6443');
    const json = JSON.stringify(
      { clusters: [{ name: 'c', cluster: { server: 'https://k8s.lan:443' } }] },
      null,
      2,
    );
    expect(clusterServer(files(json))).toBe('https://k8s.lan:443');
  });

  it('answers the in-cluster server', () => {
    const where: Located = { kind: 'in-cluster', server: 'https://10.96.0.1:443', dir, source: 'pod' };
    expect(clusterServer(where)).toBe('https://10.96.0.1:443');
  });

  it('leaves it to the module when only client-node can tell: several servers, a proxy, no server', () => {
    expect(clusterServer(files(yaml('https://a:6443'), yaml('https://b:6443')))).toBeUndefined();
    expect(clusterServer(files(`${yaml('https://a:6443')}    proxy-url: socks5://p:1080\n`))).toBeUndefined();
    expect(clusterServer(files('clusters: [{name: c, cluster: {server: https://a:6443}}]'))).toBeUndefined();
    expect(clusterServer({ kind: 'files', files: [join(dir, 'missing')], source: 'test' })).toBeUndefined();
  });

  it('counts the same server in two files once', () => {
    expect(clusterServer(files(yaml('https://a:6443'), yaml('https://a:6443')))).toBe('https://a:6443');
  });
});

describe('pingCluster', () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });

  it('takes any HTTP answer, 401 included, as an API server being there', async () => {
    const seen: Array<string | undefined> = [];
    server = createServer((req, res) => {
      seen.push(`${req.url} ${req.headers.authorization ?? 'no credentials'}`);
      res.writeHead(401).end();
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', () => resolve()));
    const { port } = server.address() as AddressInfo;
    expect(await pingCluster(files(yaml(`http://127.0.0.1:${port}`)))).toEqual({ ok: true });
    expect(seen).toEqual(['/version no credentials']);
  });

  it('says which server did not answer, and why', async () => {
    server = createServer();
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', () => resolve()));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    server = undefined;
    expect(await pingCluster(files(yaml(`https://127.0.0.1:${port}`)))).toEqual({
      ok: false,
      reason: `https://127.0.0.1:${port} (test): connection refused`,
    });
  });

  it('passes on why no credentials were found, and lets the module decide where it cannot tell', async () => {
    expect(await pingCluster({ kind: 'none', reason: 'no Kubernetes credentials: ...' })).toEqual({
      ok: false,
      reason: 'no Kubernetes credentials: ...',
    });
    expect(await pingCluster(files(yaml('https://a:6443'), yaml('https://b:6443')))).toEqual({ ok: true });
  });
});

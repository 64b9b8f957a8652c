import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PulseClient } from './client.ts';

// A real TLS server on loopback with a self-signed certificate made by openssl for this run.
let server: Server;
let url: string;
let certPath: string;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tls-'));
  certPath = join(dir, 'cert.pem');
  const keyPath = join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '-keyout',
      keyPath,
      '-out',
      certPath,
    ],
    { stdio: 'ignore' },
  );
  server = createServer({ key: readFileSync(keyPath), cert: readFileSync(certPath) }, (req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"success":true}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

function client(opts: { insecure?: boolean; cacert?: string }) {
  return new PulseClient({
    baseUrl: url,
    token: 't',
    userAgent: 'test',
    insecure: opts.insecure ?? false,
    cacert: opts.cacert,
  });
}

describe('PulseClient TLS', () => {
  it('refuses an unknown certificate by default', async () => {
    const c = client({});
    const res = await c.postJson('/x', {});
    expect(res.ok).toBe(false);
    if (!res.ok) expect(res.message).toMatch(/self[- ]signed|certificate/i);
    await c.close();
  });

  it('trusts the certificate given with --cacert', async () => {
    const c = client({ cacert: certPath });
    expect(await c.postJson('/x', {})).toMatchObject({ ok: true, status: 200, body: { success: true } });
    await c.close();
  });

  it('skips verification with --insecure', async () => {
    const c = client({ insecure: true });
    expect((await c.postJson('/x', {})).ok).toBe(true);
    await c.close();
  });
});

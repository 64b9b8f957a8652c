import { afterEach, describe, expect, it } from 'vitest';
import {
  closedPort,
  type ScriptedServer,
  scriptedServers,
  type TestCert,
} from '../../../../testing/scripted-servers.ts';
import { type ClientTuning, ProxmoxClient } from './endpoint-client.ts';
import { ProxmoxError } from './errors.ts';
import { formatFingerprint } from './normalize.ts';
import type { EndpointOptions, ProxmoxProduct } from './types.ts';

const PASSWORD = 'Corr3ct-Horse-Battery';
const TOKEN_SECRET = '0b8f2a6e-1c3d-4e5f-9a7b-c2d4e6f8a0b1';

const clients: ProxmoxClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

const fx = scriptedServers();
const serve = (script: ScriptedServer['script'], cert?: TestCert) => fx.serve(script, cert ? { cert } : {});

function client(opts: Partial<EndpointOptions> & { baseUrl: string }, tuning?: ClientTuning): ProxmoxClient {
  const c = new ProxmoxClient(
    {
      product: 'pve',
      credentials: { tokenName: 'pulse@pve!monitor', tokenValue: TOKEN_SECRET },
      verifySSL: false,
      ...opts,
    },
    tuning,
  );
  clients.push(c);
  return c;
}

async function failure(promise: Promise<unknown>): Promise<ProxmoxError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ProxmoxError) {
      // Every error a user can read is checked for leaked secrets, whatever the test is about.
      for (const text of [err.message, String(err.cause), JSON.stringify(err)]) {
        expect(text).not.toContain(PASSWORD);
        expect(text).not.toContain(TOKEN_SECRET);
      }
      return err;
    }
    throw err;
  }
  throw new Error('expected the call to fail');
}

describe('API token auth', () => {
  const cases: [ProxmoxProduct, string][] = [
    ['pve', `PVEAPIToken=pulse@pve!monitor=${TOKEN_SECRET}`],
    ['pbs', `PBSAPIToken=pulse@pve!monitor:${TOKEN_SECRET}`],
    ['pmg', `PMGAPIToken=pulse@pve!monitor:${TOKEN_SECRET}`],
  ];
  it.each(cases)('%s sends the exact Authorization header and unwraps data', async (product, header) => {
    const server = await serve(() => ({ data: { version: '8.2.4' } }));
    const c = client({ product, baseUrl: server.url });
    await expect(c.get('/version')).resolves.toEqual({ version: '8.2.4' });
    expect(server.requests[0]?.headers.authorization).toBe(header);
    expect(server.requests[0]?.path).toBe('/version');
  });

  it('joins a bare token id to the user', async () => {
    const server = await serve(() => ({ data: [] }));
    const c = client({
      baseUrl: server.url,
      credentials: { user: 'pulse@pve', tokenName: 'monitor', tokenValue: TOKEN_SECRET },
    });
    await c.get('/nodes');
    expect(server.requests[0]?.headers.authorization).toBe(`PVEAPIToken=pulse@pve!monitor=${TOKEN_SECRET}`);
  });

  it('encodes query strings and form bodies (booleans as 1/0, undefined left out)', async () => {
    const server = await serve(() => ({ data: 'UPID:x' }));
    const c = client({ baseUrl: server.url });
    await c.get('/nodes/pve1/tasks', { typefilter: 'vzdump', limit: 5, errors: true, since: undefined });
    await c.post('/nodes/pve1/qemu/100/snapshot', { snapname: 'before upgrade', vmstate: false });
    expect(server.requests[0]?.query.toString()).toBe('typefilter=vzdump&limit=5&errors=1');
    expect(server.requests[1]?.method).toBe('POST');
    expect(server.requests[1]?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(server.requests[1]?.body).toBe('snapname=before+upgrade&vmstate=0');
  });
});

/** A PVE-like login: tickets are numbered and only `valid` ones are accepted. */
function ticketServer(product: ProxmoxProduct = 'pve') {
  const cookie = { pve: 'PVEAuthCookie', pbs: 'PBSAuthCookie', pmg: 'PMGAuthCookie' }[product];
  const state = { logins: 0, valid: new Set<string>() };
  const script: ScriptedServer['script'] = async (req) => {
    if (req.path === '/access/ticket') {
      const form = new URLSearchParams(req.body);
      if (form.get('username') !== 'root@pam' || form.get('password') !== PASSWORD) {
        return { status: 401, statusText: 'authentication failure' };
      }
      state.logins++;
      const ticket = `PVE:root@pam:6650${state.logins}::sig+/=`;
      state.valid.add(ticket);
      // A slow login makes concurrent callers overlap.
      return {
        data: { ticket, CSRFPreventionToken: `csrf-${state.logins}`, username: 'root@pam' },
        delayMs: 30,
      };
    }
    const sent = String(req.headers.cookie ?? '').replace(`${cookie}=`, '');
    if (!state.valid.has(sent)) return { status: 401, statusText: 'No ticket' };
    if (req.method !== 'GET' && req.headers.csrfpreventiontoken !== `csrf-${state.logins}`) {
      return { status: 401, statusText: 'Permission check failed (invalid csrf token)' };
    }
    return { data: { ok: true, path: req.path } };
  };
  return { state, script };
}

describe('password login', () => {
  const password = { user: 'root@pam', password: PASSWORD };

  it.each(['pve', 'pbs', 'pmg'] as const)(
    '%s logs in once, sends the cookie, and CSRF only on POST',
    async (product) => {
      const { state, script } = ticketServer(product);
      const server = await serve(script);
      const c = client({ product, baseUrl: server.url, credentials: password });
      await expect(c.get('/nodes')).resolves.toEqual({ ok: true, path: '/nodes' });
      await c.post('/nodes/pve1/status', { command: 'reboot' });
      expect(state.logins).toBe(1);
      const [login, get, post] = server.requests;
      expect(login?.body).toBe(`username=root%40pam&password=${encodeURIComponent(PASSWORD)}`);
      expect(get?.headers.csrfpreventiontoken).toBeUndefined();
      expect(get?.headers.authorization).toBeUndefined();
      expect(post?.headers.csrfpreventiontoken).toBe('csrf-1');
    },
  );

  it('shares one login among concurrent calls', async () => {
    const { state, script } = ticketServer();
    const server = await serve(script);
    const c = client({ baseUrl: server.url, credentials: password });
    await Promise.all(Array.from({ length: 6 }, (_, i) => c.get(`/nodes/n${i}/status`)));
    expect(state.logins).toBe(1);
  });

  it('logs in again once after a 401 and retries the call', async () => {
    const { state, script } = ticketServer();
    const server = await serve(script);
    const c = client({ baseUrl: server.url, credentials: password });
    await c.get('/nodes');
    state.valid.clear();
    await expect(c.get('/nodes')).resolves.toEqual({ ok: true, path: '/nodes' });
    expect(state.logins).toBe(2);
  });

  it('gives up after one re-login instead of looping', async () => {
    const { state } = ticketServer();
    const server = await serve((req) =>
      req.path === '/access/ticket'
        ? { data: { ticket: `t${++state.logins}`, CSRFPreventionToken: 'c' } }
        : { status: 401, statusText: 'No ticket' },
    );
    const c = client({ baseUrl: server.url, credentials: password });
    const err = await failure(c.get('/nodes'));
    expect(err.kind).toBe('auth');
    expect(err.transient).toBe(false);
    expect(state.logins).toBe(2);
    expect(server.requests.filter((r) => r.path === '/nodes')).toHaveLength(2);
  });

  it('renews the ticket when it is older than its lifetime', async () => {
    const { state, script } = ticketServer();
    const server = await serve(script);
    let now = 0;
    const c = client(
      { baseUrl: server.url, credentials: password },
      { now: () => now, ticketLifetimeMs: 1000 },
    );
    await c.get('/nodes');
    now = 999;
    await c.get('/nodes');
    now = 1000;
    await c.get('/nodes');
    expect(state.logins).toBe(2);
  });

  it('reports a wrong password as auth without echoing it', async () => {
    const server = await serve(ticketServer().script);
    const c = client({ baseUrl: server.url, credentials: { user: 'root@pam', password: `${PASSWORD}x` } });
    const err = await failure(c.get('/nodes'));
    expect(err.kind).toBe('auth');
    expect(err.message).toMatch(/username .* password/);
    expect(err.message).not.toContain(`${PASSWORD}x`);
  });
});

describe('TLS', () => {
  const ok = () => ({ data: { version: '8.2.4' } });

  it('verifySSL refuses an untrusted certificate with kind tls', async () => {
    const server = await serve(ok);
    const err = await failure(client({ baseUrl: server.url, verifySSL: true }).get('/version'));
    expect(err.kind).toBe('tls');
    expect(err.transient).toBe(false);
    expect(err.message).toMatch(/fingerprint|verification/);
  });

  it('verifySSL accepts a certificate from a trusted CA', async () => {
    const server = await serve(ok);
    await expect(
      client({ baseUrl: server.url, verifySSL: true }, { ca: fx.certs.a.ca }).get('/version'),
    ).resolves.toEqual({ version: '8.2.4' });
  });

  it('verifySSL false accepts the self-signed certificate', async () => {
    const server = await serve(ok);
    await expect(client({ baseUrl: server.url, verifySSL: false }).get('/version')).resolves.toBeTruthy();
  });

  it('a pinned fingerprint accepts the right leaf even with verifySSL on', async () => {
    const server = await serve(ok);
    const c = client({
      baseUrl: server.url,
      verifySSL: true,
      fingerprint: formatFingerprint(fx.certs.a.fingerprint),
    });
    await expect(c.get('/version')).resolves.toEqual({ version: '8.2.4' });
    await expect(c.peerFingerprint()).resolves.toBe(fx.certs.a.fingerprint);
  });

  it('a pinned fingerprint refuses another certificate, naming both', async () => {
    const server = await serve(ok, fx.certs.b);
    const c = client({ baseUrl: server.url, verifySSL: false, fingerprint: fx.certs.a.fingerprint });
    const err = await failure(c.get('/version'));
    expect(err.kind).toBe('fingerprint');
    expect(err.message).toContain(formatFingerprint(fx.certs.a.fingerprint));
    expect(err.message).toContain(formatFingerprint(fx.certs.b.fingerprint));
    expect(server.requests).toHaveLength(0);
  });
});

describe('error mapping', () => {
  it('an HTML answer is not-proxmox with the port hint', async () => {
    const server = await serve(() => ({
      body: '<!DOCTYPE html><html>login</html>',
      contentType: 'text/html',
    }));
    const err = await failure(client({ baseUrl: server.url }).get('/version'));
    expect(err.kind).toBe('not-proxmox');
    expect(err.message).toContain(
      'answered with HTML — is this the Proxmox port (8006 for VE/MG, 8007 for Backup Server)?',
    );
  });

  it('JSON without the data envelope is not-proxmox', async () => {
    const server = await serve(() => ({ body: '{"status":"ok"}' }));
    expect((await failure(client({ baseUrl: server.url }).get('/version'))).kind).toBe('not-proxmox');
  });

  it('403 with a token explains privilege separation', async () => {
    const server = await serve(() => ({ status: 403, statusText: 'Permission check failed (/, Sys.Audit)' }));
    const err = await failure(client({ baseUrl: server.url }).get('/cluster/status'));
    expect(err.kind).toBe('forbidden');
    expect(err.status).toBe(403);
    expect(err.message).toContain('Sys.Audit');
    expect(err.message).toMatch(/token's user/);
    expect(err.message).toMatch(/privilege separation/);
  });

  it('404, 595 and 500 keep their status and Proxmox reason', async () => {
    const answers: Record<string, { status: number; statusText: string }> = {
      '/missing': { status: 404, statusText: 'Not Found' },
      '/nodes/pve2/status': { status: 595, statusText: 'Connection refused' },
      '/nodes/pve1/qemu/100/agent/info': { status: 500, statusText: 'QEMU guest agent is not running' },
    };
    const server = await serve((req) => answers[req.path] ?? { status: 200 });
    const c = client({ baseUrl: server.url });
    const notFound = await failure(c.get('/missing'));
    expect([notFound.kind, notFound.status, notFound.transient]).toEqual(['not-found', 404, false]);
    const unreachable = await failure(c.get('/nodes/pve2/status'));
    expect([unreachable.kind, unreachable.transient]).toEqual(['node-unreachable', true]);
    expect(unreachable.message).toMatch(/cluster proxy/);
    const agent = await failure(c.get('/nodes/pve1/qemu/100/agent/info'));
    expect([agent.kind, agent.status, agent.transient]).toEqual(['http', 500, true]);
    expect(agent.message).toContain('QEMU guest agent is not running');
  });

  it('a refused port is tcp and transient', async () => {
    const err = await failure(client({ baseUrl: `127.0.0.1:${await closedPort()}` }).get('/version'));
    expect([err.kind, err.transient]).toEqual(['tcp', true]);
    expect(err.message).toMatch(/refused/);
  });

  it('an unresolvable host is dns', async () => {
    const err = await failure(client({ baseUrl: 'pve.pulse-test.invalid' }).get('/version'));
    expect([err.kind, err.transient]).toEqual(['dns', true]);
    expect(err.message).toContain('pve.pulse-test.invalid');
  });

  it('a slow answer is a timeout (per-call and headers timeout)', async () => {
    // undici checks its headers timeout on a coarse (~0.5 s) timer, so the server must stall well past that.
    const server = await serve(() => ({ data: 1, delayMs: 2000 }));
    const perCall = await failure(client({ baseUrl: server.url }).get('/slow', undefined, { timeoutMs: 50 }));
    expect([perCall.kind, perCall.transient]).toEqual(['timeout', true]);
    const headers = await failure(client({ baseUrl: server.url }, { headersTimeoutMs: 50 }).get('/slow'));
    expect(headers.kind).toBe('timeout');
    expect(headers.message).toMatch(/response headers/);
  });

  it('scrubs secrets a server echoes back into its reason', async () => {
    const server = await serve((req) => ({
      status: 500,
      statusText: `bad header ${String(req.headers.authorization)}`,
    }));
    const err = await failure(client({ baseUrl: server.url }).get('/version'));
    expect(err.message).toContain('PVEAPIToken=pulse@pve!monitor=***');
  });
});

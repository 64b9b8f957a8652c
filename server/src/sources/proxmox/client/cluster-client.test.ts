import { afterEach, describe, expect, it, vi } from 'vitest';
import { closedPort, type Script, scriptedServers } from '../../../../testing/scripted-servers.ts';
import { ClusterClient, type ClusterClientOptions } from './cluster-client.ts';
import { ProxmoxError } from './errors.ts';

const TOKEN_SECRET = 'c1a5-7e11-secret-4b2d';

const clusters: ClusterClient[] = [];

afterEach(async () => {
  await Promise.all(clusters.splice(0).map((c) => c.close()));
});

const fx = scriptedServers();
const serve = (script: Script, port?: number) => fx.serve(script, port === undefined ? {} : { port });

function nodeAnswer(name: string): Script {
  return (req) => (req.path === '/version' ? { data: { version: '8.2.4' } } : { data: [{ node: name }] });
}

interface Harness {
  cluster: ClusterClient;
  clock: { now: number };
  sleeps: number[];
}

function cluster(
  endpoints: ClusterClientOptions['endpoints'],
  extra: Partial<ClusterClientOptions> = {},
): Harness {
  const clock = { now: 1_000_000 };
  const sleeps: number[] = [];
  const c = new ClusterClient({
    credentials: { tokenName: 'pulse@pve!monitor', tokenValue: TOKEN_SECRET },
    verifySSL: false,
    endpoints,
    now: () => clock.now,
    random: () => 0.5,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...extra,
  });
  clusters.push(c);
  return { cluster: c, clock, sleeps };
}

async function failure(promise: Promise<unknown>): Promise<ProxmoxError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ProxmoxError) {
      expect(`${err.message} ${String(err.cause)}`).not.toContain(TOKEN_SECRET);
      return err;
    }
    throw err;
  }
  throw new Error('expected the call to fail');
}

describe('ClusterClient', () => {
  it('fails over to the second endpoint when the first is closed, and marks the first unhealthy', async () => {
    const down = `https://127.0.0.1:${await closedPort()}`;
    const b = await serve(nodeAnswer('pve2'));
    const { cluster: c, clock } = cluster([down, b.url]);
    await expect(c.get('/nodes')).resolves.toEqual([{ node: 'pve2' }]);
    const [first, second] = c.health();
    expect(first).toMatchObject({ url: down, healthy: false, lastCheckedAt: clock.now });
    expect(first?.lastError).toMatch(/refused/);
    expect(second).toMatchObject({ url: b.url, healthy: true });
    // The unhealthy endpoint is skipped on the next call, not retried first.
    await c.get('/nodes');
    expect(b.requests).toHaveLength(2);
  });

  it('prefers the first healthy endpoint in order', async () => {
    const a = await serve(nodeAnswer('pve1'));
    const b = await serve(nodeAnswer('pve2'));
    const { cluster: c } = cluster([a.url, b.url]);
    await c.get('/nodes');
    await c.get('/nodes');
    expect([a.requests.length, b.requests.length]).toEqual([2, 0]);
  });

  it('backs off on 503 with jitter and stops after the retry budget of 2', async () => {
    const a = await serve(() => ({ status: 503, statusText: 'Service Unavailable' }));
    const { cluster: c, sleeps } = cluster([a.url]);
    const err = await failure(c.get('/nodes'));
    expect([err.kind, err.status]).toEqual(['http', 503]);
    expect(a.requests).toHaveLength(3);
    // 150 ms × retry number + up to 200 ms jitter (random 0.5 → 100 ms).
    expect(sleeps).toEqual([250, 400]);
    expect(c.health()[0]?.healthy).toBe(true);
  });

  it('recovers when a busy endpoint answers after a cooldown', async () => {
    let calls = 0;
    const a = await serve(() =>
      ++calls === 1 ? { status: 429, statusText: 'Too Many Requests' } : { data: 'ok' },
    );
    const { cluster: c, sleeps } = cluster([a.url]);
    await expect(c.get('/nodes')).resolves.toBe('ok');
    expect(sleeps).toEqual([250]);
  });

  it('sends the retry after a cooldown to another endpoint when there is one', async () => {
    const a = await serve(() => ({ status: 502, statusText: 'Bad Gateway' }));
    const b = await serve(nodeAnswer('pve2'));
    const { cluster: c } = cluster([a.url, b.url]);
    await expect(c.get('/nodes')).resolves.toEqual([{ node: 'pve2' }]);
    expect(a.requests).toHaveLength(1);
    expect(c.health()[0]).toMatchObject({ healthy: true, cooldownUntil: expect.any(Number) });
  });

  it('a guest-agent error reaches the caller and leaves the endpoint healthy', async () => {
    const a = await serve(() => ({ status: 500, statusText: 'QEMU guest agent is not running' }));
    const b = await serve(nodeAnswer('pve2'));
    const { cluster: c } = cluster([a.url, b.url]);
    const err = await failure(c.get('/nodes/pve1/qemu/100/agent/get-fsinfo'));
    expect(err.message).toContain('QEMU guest agent is not running');
    expect(c.health().map((h) => h.healthy)).toEqual([true, true]);
    expect(b.requests).toHaveLength(0);
  });

  it('a 4xx answer is the caller’s problem: no failover, no health change', async () => {
    const a = await serve(() => ({ status: 403, statusText: 'Permission check failed' }));
    const b = await serve(nodeAnswer('pve2'));
    const { cluster: c } = cluster([a.url, b.url]);
    expect((await failure(c.get('/cluster/status'))).kind).toBe('forbidden');
    expect(c.health().map((h) => h.healthy)).toEqual([true, true]);
    expect(b.requests).toHaveLength(0);
  });

  it('re-probes an unhealthy endpoint with GET /version no more often than every 10 s', async () => {
    const port = await closedPort();
    const b = await serve(nodeAnswer('pve2'));
    const { cluster: c, clock } = cluster([`https://127.0.0.1:${port}`, b.url]);
    await c.get('/nodes');
    expect(c.health()[0]?.healthy).toBe(false);

    const a = await serve(nodeAnswer('pve1'), port);
    clock.now += 9_999;
    await c.probeUnhealthy();
    await c.get('/nodes');
    expect(a.requests).toHaveLength(0);
    expect(c.health()[0]?.healthy).toBe(false);

    clock.now += 1;
    await c.get('/nodes');
    // The call itself went to the healthy endpoint; the probe ran beside it.
    await vi.waitFor(() => expect(c.health()[0]?.healthy).toBe(true));
    expect(a.requests.map((r) => r.path)).toEqual(['/version']);
    await c.get('/nodes');
    expect(a.requests.map((r) => r.path)).toEqual(['/version', '/nodes']);
  });

  it('reports every endpoint when none can answer', async () => {
    const urls = [`https://127.0.0.1:${await closedPort()}`, `https://127.0.0.1:${await closedPort()}`];
    const { cluster: c } = cluster(urls);
    const err = await failure(c.get('/nodes'));
    expect(err.kind).toBe('tcp');
    expect(err.message).toContain(urls[0]);
    expect(err.message).toContain(urls[1]);
    // Within the re-probe interval nothing is retried: the answer comes from the recorded health.
    const again = await failure(c.get('/nodes'));
    expect(again.message).toMatch(/No healthy cluster endpoint/);
  });

  it('fails over from an endpoint with the wrong certificate when each endpoint has its own pin', async () => {
    const a = await serve(nodeAnswer('pve1'));
    const b = await serve(nodeAnswer('pve2'));
    const { cluster: c } = cluster([
      { url: a.url, fingerprint: fx.certs.b.fingerprint },
      { url: b.url, fingerprint: fx.certs.a.fingerprint },
    ]);
    await expect(c.get('/nodes')).resolves.toEqual([{ node: 'pve2' }]);
    expect(c.health()[0]?.lastError).toMatch(/fingerprint mismatch/);
  });

  it('setEndpoints keeps known endpoints’ health and adds new ones', async () => {
    const down = `https://127.0.0.1:${await closedPort()}`;
    const b = await serve(nodeAnswer('pve2'));
    const d = await serve(nodeAnswer('pve3'));
    const { cluster: c } = cluster([down, b.url]);
    await c.get('/nodes');
    c.setEndpoints([down, b.url.replace('https://', ''), d.url]);
    expect(c.health().map((h) => [h.url, h.healthy])).toEqual([
      [down, false],
      [b.url, true],
      [d.url, true],
    ]);
    c.setEndpoints([d.url]);
    await expect(c.get('/nodes')).resolves.toEqual([{ node: 'pve3' }]);
  });
});

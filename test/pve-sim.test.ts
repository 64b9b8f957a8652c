// The Proxmox simulator answers like PVE, PBS and PMG: auth formats, envelopes, cluster failover and faults.
import { request } from 'node:https';
import { connect, type PeerCertificate } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guestUsage, type ProxmoxSim, startProxmoxSim } from './pve-sim/index.ts';
import { guestMemAvailable, guestMeminfo } from './pve-sim/metrics.ts';

interface Res {
  status: number;
  statusText: string;
  contentType: string;
  text: string;
  /** `data` of the envelope, when the body is JSON. */
  data: unknown;
}

interface Call {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  ca: string;
  signal?: AbortSignal;
}

/** One HTTPS call that trusts only the product's CA (no keep-alive, so certificate switches are seen). */
function call(url: string, opts: Call): Promise<Res> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: opts.method ?? 'GET',
        headers: opts.headers,
        ca: opts.ca,
        agent: false,
        ...(opts.signal ? { signal: opts.signal } : {}),
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          text += c;
        });
        res.on('end', () => {
          let data: unknown;
          try {
            data = (JSON.parse(text) as { data?: unknown }).data;
          } catch {}
          resolve({
            status: res.statusCode ?? 0,
            statusText: res.statusMessage ?? '',
            contentType: String(res.headers['content-type']),
            text,
            data,
          });
        });
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** The leaf certificate an endpoint serves, read without verifying it (this is what pinning looks at). */
function peerCertificate(url: string): Promise<PeerCertificate> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const s = connect({ host: hostname, port: Number(port), rejectUnauthorized: false }, () => {
      resolve(s.getPeerCertificate());
      s.end();
    });
    s.on('error', reject);
  });
}

async function caught(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}

type Row = Record<string, unknown>;
const rows = (r: Res) => r.data as Row[];

let sim: ProxmoxSim;
let pveAuth: Record<string, string>;
const pve = (node: number, path: string, headers = pveAuth, method = 'GET', body?: string) => {
  const e = sim.pve.endpoints[node];
  if (!e) throw new Error(`no endpoint ${node}`);
  return call(`${e.url}/api2/json${path}`, { ca: e.ca, headers, method, ...(body ? { body } : {}) });
};
const pbs = (path: string, headers: Record<string, string>) =>
  call(`${sim.pbs.url}/api2/json${path}`, { ca: sim.pbs.ca, headers });
const pmg = (path: string, headers: Record<string, string>, method = 'GET', body?: string) =>
  call(`${sim.pmg.url}/api2/json${path}`, { ca: sim.pmg.ca, headers, method, ...(body ? { body } : {}) });
const pbsAuth = () => ({
  Authorization: `PBSAPIToken=${sim.credentials.pbsToken.tokenName}:${sim.credentials.pbsToken.tokenValue}`,
});
const pmgAuth = () => ({
  Authorization: `PMGAPIToken=${sim.credentials.pmgToken.tokenName}:${sim.credentials.pmgToken.tokenValue}`,
});

async function pveLogin(): Promise<{ cookie: string; csrf: string }> {
  const { user, password } = sim.credentials.pveUser;
  const res = await pve(
    0,
    '/access/ticket',
    {
      'Content-Type': 'application/x-www-form-urlencoded',
    },
    'POST',
    new URLSearchParams({ username: user, password }).toString(),
  );
  expect(res.status).toBe(200);
  const d = res.data as { ticket: string; CSRFPreventionToken: string; username: string };
  expect(d.username).toBe(user);
  expect(d.ticket).toMatch(/^PVE:root@pam:[0-9A-F]{8}::/);
  return { cookie: `PVEAuthCookie=${encodeURIComponent(d.ticket)}`, csrf: d.CSRFPreventionToken };
}

beforeAll(async () => {
  sim = await startProxmoxSim({ seed: 7 });
  const t = sim.credentials.pveToken;
  pveAuth = { Authorization: `PVEAPIToken=${t.tokenName}=${t.tokenValue}` };
});
afterAll(async () => {
  await sim.close();
});

describe('authentication', () => {
  it('accepts each product token in its exact header format only', async () => {
    expect((await pve(0, '/version')).status).toBe(200);
    expect((await pbs('/version', pbsAuth())).status).toBe(200);
    expect((await pmg('/version', pmgAuth())).status).toBe(200);
    const t = sim.credentials.pveToken;
    const colon = await pve(0, '/version', { Authorization: `PVEAPIToken=${t.tokenName}:${t.tokenValue}` });
    expect([colon.status, colon.statusText, colon.text]).toEqual([
      401,
      'authentication failure',
      '{"data":null}',
    ]);
    const p = sim.credentials.pbsToken;
    const pbsEq = await pbs('/version', { Authorization: `PBSAPIToken=${p.tokenName}=${p.tokenValue}` });
    expect(pbsEq.status).toBe(401);
    const wrongScheme = await pmg('/version', {
      Authorization: `PVEAPIToken=${p.tokenName}=${p.tokenValue}`,
    });
    expect(wrongScheme.status).toBe(401);
  });

  it('answers 401 "No ticket" with an empty envelope on PVE and a plain message on PBS', async () => {
    const res = await pve(0, '/cluster/resources', {});
    expect([res.status, res.statusText, res.text]).toEqual([401, 'No ticket', '{"data":null}']);
    const b = await pbs('/admin/datastore', {});
    expect(b.status).toBe(401);
    expect(b.text).toBe('authentication failed - no authentication credentials provided.');
    expect(
      sim.requests.find((r) => r.product === 'pve' && r.path === '/cluster/resources' && r.status === 401)
        ?.auth,
    ).toBe('none');
  });

  it('logs in with a form, reads with the cookie and needs the CSRF header on POST', async () => {
    const { cookie, csrf } = await pveLogin();
    const list = await pve(0, '/nodes', { Cookie: cookie });
    expect(list.status).toBe(200);
    expect(sim.requests.at(-1)?.auth).toBe('ticket');
    const stopped = sim.model.pve.guests.find(
      (g) => g.status === 'stopped' && !g.template && g.type === 'qemu',
    );
    if (!stopped) throw new Error('no stopped VM in the model');
    // pve1's endpoint proxies to the guest's node, as PVE does.
    const path = `/nodes/${stopped.node}/qemu/${stopped.vmid}/status/start`;
    const noCsrf = await pve(0, path, { Cookie: cookie }, 'POST');
    expect([noCsrf.status, noCsrf.statusText]).toEqual([401, 'Permission denied - invalid csrf token']);
    const started = await pve(0, path, { Cookie: cookie, CSRFPreventionToken: csrf }, 'POST');
    expect(started.status).toBe(200);
    expect(started.data).toBe(
      sim.model.pve.tasks.find((t) => t.type === 'qmstart' && t.id === String(stopped.vmid))?.upid,
    );
    expect(started.data).toMatch(/^UPID:pve\d+:[0-9A-F]{8}:[0-9A-F]{8}:[0-9A-F]{8}:qmstart:\d+:root@pam:$/);
    expect(stopped.status).toBe('running');
  });

  it('logs in to PMG with JSON and to PBS with a form; a wrong password is 401', async () => {
    const u = sim.credentials.pmgUser;
    const ok = await pmg(
      '/access/ticket',
      { 'Content-Type': 'application/json' },
      'POST',
      JSON.stringify({ username: u.user, password: u.password }),
    );
    const ticket = (ok.data as { ticket: string }).ticket;
    expect(ticket).toMatch(/^PMG:root@pam:/);
    expect(
      (await pmg('/statistics/mail', { Cookie: `PMGAuthCookie=${encodeURIComponent(ticket)}` })).status,
    ).toBe(200);
    const bad = await pmg(
      '/access/ticket',
      { 'Content-Type': 'application/json' },
      'POST',
      JSON.stringify({ username: u.user, password: 'nope' }),
    );
    expect([bad.status, bad.text]).toEqual([401, '{"data":null}']);
    const b = sim.credentials.pbsUser;
    const form = new URLSearchParams({ username: b.user, password: b.password }).toString();
    const pbsLogin = await call(`${sim.pbs.url}/api2/json/access/ticket`, {
      ca: sim.pbs.ca,
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: form,
    });
    const pbsTicket = (pbsLogin.data as { ticket: string }).ticket;
    expect(
      (await pbs('/admin/datastore', { Cookie: `PBSAuthCookie=${encodeURIComponent(pbsTicket)}` })).status,
    ).toBe(200);
  });

  it('refuses data paths to a token without audit privileges with 403', async () => {
    const t = sim.credentials.limitedPveToken;
    const h = { Authorization: `PVEAPIToken=${t.tokenName}=${t.tokenValue}` };
    expect((await pve(0, '/version', h)).status).toBe(200);
    const res = await pve(0, '/nodes/pve1/status', h);
    expect([res.status, res.statusText, res.text]).toEqual([
      403,
      'Permission check failed (/nodes/pve1, Sys.Audit)',
      '{"data":null}',
    ]);
  });
});

describe('PVE cluster', () => {
  it('wraps data, prints booleans as 0/1 and matches the model at a frozen instant', async () => {
    const t = sim.model.epoch + 3_600;
    sim.model.clock.freeze(t);
    try {
      const status = rows(await pve(1, '/cluster/status'));
      expect(status[0]).toMatchObject({ type: 'cluster', name: sim.pve.clusterName, nodes: 3, quorate: 1 });
      expect(status.slice(1).map((n) => [n.name, n.online, n.local])).toEqual([
        ['pve1', 1, 0],
        ['pve2', 1, 1],
        ['pve3', 1, 0],
      ]);
      const vms = rows(await pve(0, '/cluster/resources?type=vm'));
      expect(vms).toHaveLength(sim.model.pve.guests.length);
      for (const row of vms) {
        const g = sim.model.pve.guests.find((x) => x.vmid === row.vmid);
        if (!g) throw new Error(`unknown vmid ${String(row.vmid)}`);
        const u = guestUsage(sim.model, g, t);
        expect(row).toMatchObject({
          id: `${g.type}/${g.vmid}`,
          node: g.node,
          status: g.status,
          cpu: u.cpu,
          mem: u.mem,
          netin: u.netin,
        });
        expect(row.template === 0 || row.template === 1).toBe(true);
        expect(Number(row.cpu)).toBeGreaterThanOrEqual(0);
        expect(Number(row.cpu)).toBeLessThanOrEqual(1);
      }
      const running = sim.model.pve.guests.find((g) => g.status === 'running');
      if (!running) throw new Error('no running guest');
      const before = Number(vms.find((r) => r.vmid === running.vmid)?.netin);
      sim.model.clock.advance(60);
      const later = rows(await pve(0, '/cluster/resources?type=vm')).find((r) => r.vmid === running.vmid);
      expect(Number(later?.netin)).toBe(before + running.rates.netin * 60);
      expect(sim.bumpCounter(running.vmid, 'netin', 1000)).toBe(before + running.rates.netin * 60 + 1000);
    } finally {
      sim.model.clock.freeze(null);
    }
  });

  it('lists nodes, storages (local and shared) and vzdump backups in the real naming scheme', async () => {
    const types = new Set(rows(await pve(0, '/cluster/resources')).map((r) => r.type));
    expect([...types].sort()).toEqual(['lxc', 'node', 'qemu', 'storage']);
    const storages = rows(await pve(2, '/nodes/pve3/storage'));
    expect(storages.map((s) => s.storage).sort()).toEqual([
      'ceph-vm',
      'cephfs',
      'local',
      'local-lvm',
      'nas-nfs',
      'pbs-main',
    ]);
    expect(storages.find((s) => s.storage === 'nas-nfs')).toMatchObject({
      shared: 1,
      active: 1,
      type: 'nfs',
    });
    const nfs = rows(await pve(0, '/nodes/pve1/storage/nas-nfs/content?content=backup'));
    expect(nfs[0]?.volid).toMatch(
      /^nas-nfs:backup\/vzdump-(qemu|lxc)-\d+-\d{4}_\d\d_\d\d-\d\d_\d\d_\d\d\.(vma|tar)\.zst$/,
    );
    const pbsVols = rows(await pve(0, '/nodes/pve1/storage/pbs-main/content?content=backup'));
    expect(pbsVols.find((v) => v.verification)?.volid).toMatch(
      /^pbs-main:backup\/(vm|ct)\/\d+\/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/,
    );
    const volid = sim.addBackup({ vmid: 101, storage: 'nas-nfs', notes: 'added by test' });
    const again = rows(await pve(1, '/nodes/pve2/storage/nas-nfs/content?content=backup&vmid=101'));
    expect(again.find((v) => v.volid === volid)).toMatchObject({
      notes: 'added by test',
      vmid: 101,
      format: 'tar.zst',
    });
    const tasks = rows(await pve(0, '/nodes/pve1/tasks?typefilter=vzdump&limit=3'));
    expect(tasks).toHaveLength(3);
    expect(tasks[0]?.upid).toMatch(/^UPID:pve1:[0-9A-F]{8}:[0-9A-F]{8}:[0-9A-F]{8}:vzdump:\d*:root@pam:$/);
  });

  it('serves guest agent data wrapped in result, and 500 where no agent runs', async () => {
    const agent = sim.model.pve.guests.find((g) => g.agent && g.status === 'running');
    const plain = sim.model.pve.guests.find((g) => g.type === 'qemu' && !g.agent && g.status === 'running');
    if (!agent || !plain) throw new Error('fixture lacks agent guests');
    const idx = Number(agent.node.slice(3)) - 1;
    const info = await pve(idx, `/nodes/${agent.node}/qemu/${agent.vmid}/agent/get-osinfo`);
    expect((info.data as { result: { id: string } }).result.id).toBe(agent.os.id);
    const none = await pve(0, `/nodes/${plain.node}/qemu/${plain.vmid}/agent/network-get-interfaces`);
    expect([none.status, none.statusText]).toEqual([500, 'QEMU guest agent is not running']);
    const snaps = rows(await pve(0, `/nodes/${agent.node}/qemu/${agent.vmid}/snapshot`));
    expect(snaps.at(-1)).toMatchObject({ name: 'current', description: 'You are here!' });
  });

  it("reads the guest's /proc/meminfo through agent/file-read, which differs from the host's mem", async () => {
    const agent = sim.model.pve.guests.find((g) => g.agent && g.status === 'running');
    const plain = sim.model.pve.guests.find((g) => g.type === 'qemu' && !g.agent && g.status === 'running');
    if (!agent || !plain) throw new Error('fixture lacks agent guests');
    const t = sim.model.clock.now();
    sim.model.clock.freeze(t);
    try {
      const base = `/nodes/${agent.node}/qemu/${agent.vmid}/agent/file-read`;
      const res = await pve(0, `${base}?file=${encodeURIComponent('/proc/meminfo')}`);
      expect(res.status).toBe(200);
      const content = (res.data as { content: string }).content;
      const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(content)?.[1]);
      const expected = guestMeminfo(sim.model, agent, t);
      expect(kb('MemTotal')).toBe(expected.memTotal);
      expect(kb('MemAvailable')).toBe(expected.memAvailable);
      expect(kb('MemFree')).toBeLessThanOrEqual(kb('MemAvailable'));
      expect(kb('MemAvailable') * 1024).toBe(guestMemAvailable(sim.model, agent, t));
      // The guest counts 60 % of what the host sees as used; the rest is page cache.
      const host = guestUsage(sim.model, agent, t).mem;
      expect((kb('MemTotal') - kb('MemAvailable')) * 1024).toBeCloseTo(host * 0.6, -4);

      const missing = await pve(0, `${base}?file=/etc/nope`);
      expect(missing.status).toBe(500);
      expect(missing.statusText).toMatch(/^can't open file - .*No such file or directory/);
      expect((await pve(0, base)).status).toBe(400);
      const none = await pve(0, `/nodes/${plain.node}/qemu/${plain.vmid}/agent/file-read?file=/proc/meminfo`);
      expect([none.status, none.statusText]).toEqual([500, 'QEMU guest agent is not running']);
    } finally {
      sim.model.clock.freeze(null);
    }
  });

  it('serves disks, ceph, pools, replication, apt and network at the real paths', async () => {
    const disks = rows(await pve(1, '/nodes/pve2/disks/list'));
    expect(disks.map((d) => d.health)).toContain('FAILED');
    const ceph = (await pve(0, '/cluster/ceph/status')).data as {
      health: { status: string };
      pgmap: { bytes_total: number };
    };
    expect(ceph.health.status).toBe('HEALTH_WARN');
    expect((await pve(0, '/cluster/ceph/df')).status).toBe(501);
    const pools = rows(await pve(0, '/nodes/pve1/ceph/pool'));
    expect(pools.map((p) => p.pool_name)).toContain('ceph-vm');
    expect(rows(await pve(0, '/cluster/replication')).length).toBeGreaterThan(0);
    expect(rows(await pve(0, '/nodes/pve1/apt/update'))[0]).toHaveProperty('Package');
    expect(rows(await pve(0, '/nodes/pve1/network?type=bridge')).map((i) => i.iface)).toEqual([
      'vmbr0',
      'vmbr1',
    ]);
    const unknown = await pve(0, '/nodes/pve1/nothing');
    expect([unknown.status, unknown.statusText]).toEqual([
      501,
      "Method 'GET /nodes/pve1/nothing' not implemented",
    ]);
  });

  it('takes a node down: its endpoint refuses, the others report it offline and answer 595 for it', async () => {
    const down = sim.pve.endpoints[1];
    if (!down) throw new Error('no pve2');
    await sim.faults.nodeDown('pve2', true);
    try {
      const err = await caught(pve(1, '/version'));
      expect((err as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
      const status = rows(await pve(0, '/cluster/status'));
      expect(status.find((n) => n.name === 'pve2')?.online).toBe(0);
      expect(status[0]?.quorate).toBe(1);
      const res = rows(await pve(2, '/cluster/resources'));
      expect(res.find((r) => r.id === 'node/pve2')?.status).toBe('offline');
      const guests = res.filter((r) => r.node === 'pve2' && (r.type === 'qemu' || r.type === 'lxc'));
      expect(guests.length).toBeGreaterThan(0);
      expect(new Set(guests.map((g) => g.status))).toEqual(new Set(['unknown']));
      const proxied = await pve(0, '/nodes/pve2/status');
      expect(proxied.status).toBe(595);
    } finally {
      await sim.faults.nodeDown('pve2', false);
    }
    expect((await pve(1, '/version')).status).toBe(200);
    expect(rows(await pve(0, '/cluster/status')).find((n) => n.name === 'pve2')?.online).toBe(1);
  });

  it('migrates a guest: same vmid, new node, old node no longer has it', async () => {
    const g = sim.model.pve.guests.find((x) => x.node === 'pve1' && x.type === 'lxc' && !x.template);
    if (!g) throw new Error('no lxc on pve1');
    sim.migrate(g.vmid, 'pve3');
    const row = rows(await pve(0, '/cluster/resources?type=vm')).find((r) => r.vmid === g.vmid);
    expect(row?.node).toBe('pve3');
    const old = await pve(0, `/nodes/pve1/lxc/${g.vmid}/status/current`);
    expect(old.status).toBe(500);
    expect((await pve(2, `/nodes/pve3/lxc/${g.vmid}/status/current`)).status).toBe(200);
    const back = await pve(
      2,
      `/nodes/pve3/lxc/${g.vmid}/migrate`,
      { ...pveAuth, 'Content-Type': 'application/x-www-form-urlencoded' },
      'POST',
      'target=pve1',
    );
    expect(back.status).toBe(200);
    expect(g.node).toBe('pve1');
  });
});

describe('faults', () => {
  it('fails a path with 500 and recovers', async () => {
    sim.faults.fail500('pve', /^\/cluster\/resources$/);
    expect((await pve(0, '/cluster/resources')).status).toBe(500);
    expect((await pve(0, '/version')).status).toBe(200);
    sim.faults.fail500('pve', null);
    expect((await pve(0, '/cluster/resources')).status).toBe(200);
  });

  it('answers HTML where a wrong port would', async () => {
    sim.faults.html('pbs', /.*/);
    const res = await pbs('/version', pbsAuth());
    expect(res.contentType).toMatch(/^text\/html/);
    expect(res.text).toMatch(/^<!DOCTYPE html>/);
    sim.faults.html('pbs', null);
    expect((await pbs('/version', pbsAuth())).contentType).toMatch(/^application\/json/);
  });

  it('delays answers while slow is on', async () => {
    sim.faults.slow('pmg', 5_000);
    // The answer is held back far longer than the client waits, so the client gives up first.
    const aborted = await caught(
      call(`${sim.pmg.url}/api2/json/version`, {
        ca: sim.pmg.ca,
        headers: pmgAuth(),
        signal: AbortSignal.timeout(200),
      }),
    );
    expect(aborted.name).toBe('AbortError');
    expect(sim.requests.at(-1)).toMatchObject({ product: 'pmg', path: '/version', status: 0 });
    sim.faults.slow('pmg', 0);
    expect((await pmg('/version', pmgAuth())).status).toBe(200);
  });

  it('expires tickets until the client logs in again', async () => {
    const first = await pveLogin();
    expect((await pve(0, '/nodes', { Cookie: first.cookie })).status).toBe(200);
    sim.faults.expireTickets('pve');
    const expired = await pve(0, '/nodes', { Cookie: first.cookie });
    expect([expired.status, expired.statusText]).toEqual([401, 'authentication failure']);
    expect((await pve(0, '/nodes')).status).toBe(200);
    const second = await pveLogin();
    expect((await pve(2, '/nodes', { Cookie: second.cookie })).status).toBe(200);
  });

  it('serves the fingerprint it advertises, and another one while the wrong certificate is on', async () => {
    for (const e of sim.pve.endpoints) {
      const cert = await peerCertificate(e.url);
      expect(cert.fingerprint256).toBe(e.fingerprintColon);
      expect(cert.fingerprint256.replaceAll(':', '').toLowerCase()).toBe(e.fingerprint);
    }
    expect((await peerCertificate(sim.pbs.url)).fingerprint256).toBe(sim.pbs.fingerprintColon);
    expect(sim.pbs.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    const nodes = rows(await pve(0, '/nodes'));
    expect(nodes.find((n) => n.node === 'pve3')?.ssl_fingerprint).toBe(
      sim.pve.endpoints[2]?.fingerprintColon,
    );

    await sim.faults.wrongCertificate('pmg', true);
    expect((await peerCertificate(sim.pmg.url)).fingerprint256).not.toBe(sim.pmg.fingerprintColon);
    const err = await caught(pmg('/version', pmgAuth()));
    expect((err as NodeJS.ErrnoException).code).toMatch(/CERT|SELF_SIGNED|UNABLE_TO_VERIFY/);
    await sim.faults.wrongCertificate('pmg', false);
    expect((await peerCertificate(sim.pmg.url)).fingerprint256).toBe(sim.pmg.fingerprintColon);
    expect((await pmg('/version', pmgAuth())).status).toBe(200);
  });
});

describe('PBS and PMG', () => {
  it('serves datastores, GC status, snapshots and job status lists', async () => {
    const h = pbsAuth();
    expect(rows(await pbs('/admin/datastore', h)).map((d) => d.store)).toEqual(['main', 'offsite']);
    const st = (await pbs('/admin/datastore/main/status?verbose=1', h)).data as Row;
    expect(st).toHaveProperty(['gc-status', 'index-data-bytes']);
    expect(st).toHaveProperty(['counts', 'vm', 'snapshots']);
    const snaps = rows(await pbs('/admin/datastore/main/snapshots', h));
    expect(snaps[0]).toHaveProperty('backup-type');
    expect(snaps.some((s) => s.protected === true)).toBe(true);
    const hosts = rows(await pbs('/admin/datastore/main/snapshots?ns=hosts', h));
    expect(new Set(hosts.map((s) => s['backup-type']))).toEqual(new Set(['host']));
    for (const p of ['/admin/sync', '/admin/verify', '/admin/prune', '/admin/gc']) {
      expect(rows(await pbs(p, h))[0]).toHaveProperty('last-run-state');
    }
    const missing = await pbs('/admin/nothing', h);
    expect([missing.status, missing.text]).toEqual([404, "Path '/api2/json/admin/nothing' not found."]);
  });

  it('serves mail statistics whose hourly rows add up to the totals', async () => {
    const h = pmgAuth();
    const now = sim.model.clock.now();
    const range = `?starttime=${now - 86_400}&endtime=${now}`;
    const total = (await pmg(`/statistics/mail${range}`, h)).data as Record<string, number>;
    const hourly = rows(await pmg(`/statistics/mailcount${range}`, h));
    expect(hourly.reduce((a, r) => a + Number(r.count), 0)).toBe(total.count);
    const scores = rows(await pmg(`/statistics/spamscores${range}`, h));
    expect(scores).toHaveLength(11);
    expect(scores.reduce((a, r) => a + Number(r.count), 0)).toBe(total.count_in);
    const cluster = rows(await pmg('/config/cluster/status', h));
    expect(cluster.map((n) => [n.name, n.type])).toEqual([
      ['pmg1', 'master'],
      ['pmg2', 'node'],
    ]);
    expect(rows(await pmg('/nodes/pmg1/postfix/queue', h)).map((q) => q.name)).toEqual([
      'deferred',
      'active',
      'incoming',
      'hold',
    ]);
    const deferred = await pmg('/nodes/pmg1/postfix/queue/deferred', h);
    expect(JSON.parse(deferred.text).total).toBe(rows(deferred).length);
    expect(rows(await pmg('/nodes/pmg1/postfix/qshape', h))[0]).toMatchObject({ domain: 'TOTAL' });
    expect((await pmg('/quarantine/virusstatus', h)).data).toHaveProperty('count');
  });
});

describe('benchmark size', () => {
  it('starts 30 nodes with 1,500 guests and lists them in /cluster/resources', async () => {
    const big = await startProxmoxSim({ nodes: 30, guestsPerNode: 50, seed: 3 });
    try {
      expect(big.pve.endpoints).toHaveLength(30);
      const e = big.pve.endpoints[29];
      if (!e) throw new Error('no endpoint 30');
      const t = big.credentials.pveToken;
      const res = await call(`${e.url}/api2/json/cluster/resources`, {
        ca: e.ca,
        headers: { Authorization: `PVEAPIToken=${t.tokenName}=${t.tokenValue}` },
      });
      const all = rows(res);
      expect(all.filter((r) => r.type === 'qemu' || r.type === 'lxc')).toHaveLength(1_500);
      expect(all.filter((r) => r.type === 'node')).toHaveLength(30);
    } finally {
      await big.close();
    }
  });
});

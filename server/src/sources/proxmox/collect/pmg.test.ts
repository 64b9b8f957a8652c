import { PmgInstance } from '@pulse/shared';
import { describe, expect, it } from 'vitest';
import { FakeApi } from '../../../../testing/fake-proxmox-api.ts';
import { collectPmg, toQueueStatus } from './pmg.ts';

const now = 1_800_000_000_000;

function pmgApi() {
  return new FakeApi()
    .on('/version', { version: '9.0.2', release: '9.0', repoid: '1234abcd' })
    .on(
      '/config/cluster/status',
      [
        { cid: 1, name: 'mx1', type: 'master', ip: '10.1.0.5' },
        { cid: 2, name: 'mx2', type: 'node', ip: '10.1.0.6' },
      ],
      { list_single_node: 1 },
    )
    .on('/nodes/mx1/status', { uptime: 7200, loadavg: ['0.10', '0.20', '0.30'] })
    .on('/nodes/mx2/status', { uptime: 3600, loadavg: ['1.00', '0.50', '0.25'] })
    .on('/nodes/mx1/postfix/queue', { active: 2, deferred: 5, hold: 1, incoming: 0, oldest_age: 5400 })
    .fail('/nodes/mx2/postfix/queue', 500, 'postqueue failed')
    .on('/statistics/mail', {
      count: 1500,
      count_in: 1000,
      count_out: 500,
      spamcount_in: 300,
      spamcount_out: 2,
      viruscount_in: 4,
      viruscount_out: 0,
      bounces_in: 10,
      bounces_out: 3,
      bytes_in: 50_000_000,
      bytes_out: 20_000_000,
      glcount: 120,
      junk_in: 40,
      rbl_rejects: 75,
      pregreet_rejects: 9,
      avptime: 0.8,
    })
    .on('/statistics/mailcount', [
      {
        index: 1,
        time: 1_799_917_200,
        count: 60,
        count_in: 40,
        count_out: 20,
        spamcount_in: 10,
        spamcount_out: 0,
        viruscount_in: 1,
        viruscount_out: 0,
        bounces_in: 0,
        bounces_out: 1,
        rbl_rejects: 3,
        pregreet_rejects: 0,
        glcount: 5,
      },
      {
        index: 0,
        time: 1_799_913_600,
        count: 50,
        count_in: 30,
        count_out: 20,
        spamcount_in: 8,
        spamcount_out: 0,
        viruscount_in: 0,
        viruscount_out: 0,
        bounces_in: 1,
        bounces_out: 0,
        rbl_rejects: 2,
        pregreet_rejects: 1,
        glcount: 4,
      },
    ])
    .on('/statistics/spamscores', [
      { level: '0', count: 900, ratio: 0.75 },
      { level: '5', count: 200, ratio: 0.17 },
      { level: '10', count: 100, ratio: 0.08 },
    ])
    .on('/quarantine/spamstatus', { count: 320, avgbytes: 20_000, avgspam: 7.5, mbytes: 6.1 })
    .on('/quarantine/virusstatus', { count: 4, avgbytes: 100_000, mbytes: 0.4 })
    .on('/config/domains', [{ domain: 'example.org', comment: 'main' }, { domain: 'example.net' }])
    .on('/statistics/domains', [
      {
        domain: 'example.org',
        count_in: 800,
        count_out: 400,
        spamcount_in: 250,
        spamcount_out: 1,
        viruscount_in: 3,
        viruscount_out: 0,
        bytes_in: 40_000_000,
        bytes_out: 15_000_000,
      },
    ]);
}

describe('collectPmg', () => {
  it('reads nodes with queues, mail statistics, the hourly series, spam scores and quarantine', async () => {
    const api = pmgApi();
    const snap = await collectPmg(api, { instanceName: 'mail', now, host: 'https://mx1:8006' });
    const pmg = PmgInstance.parse(snap.instance);
    expect(pmg).toMatchObject({
      id: 'pmg-mail',
      name: 'mail',
      host: 'https://mx1:8006',
      status: 'online',
      version: '9.0.2',
    });
    expect(pmg.nodes).toEqual([
      {
        name: 'mx1',
        status: 'online',
        role: 'master',
        uptime: 7200,
        loadAvg: [0.1, 0.2, 0.3],
        queueStatus: {
          active: 2,
          deferred: 5,
          hold: 1,
          incoming: 0,
          total: 8,
          oldestAge: 5400,
          updatedAt: now,
        },
      },
      { name: 'mx2', status: 'online', role: 'node', uptime: 3600, loadAvg: [1, 0.5, 0.25] },
    ]);
    expect(pmg.mailStats).toMatchObject({
      countTotal: 1500,
      countIn: 1000,
      spamIn: 300,
      virusIn: 4,
      rblRejects: 75,
      greylistCount: 120,
      averageProcessTime: 0.8,
    });
    expect(pmg.mailCount.map((p) => [p.timestamp, p.count, p.spamIn])).toEqual([
      [1_799_913_600_000, 50, 8],
      [1_799_917_200_000, 60, 10],
    ]);
    expect(pmg.spamDistribution).toEqual([
      { score: '0', count: 900 },
      { score: '5', count: 200 },
      { score: '10', count: 100 },
    ]);
    expect(pmg.quarantine).toEqual({ spam: 320, virus: 4, attachment: 0, blacklisted: 0 });
    expect(pmg.relayDomains).toEqual([{ domain: 'example.org', comment: 'main' }, { domain: 'example.net' }]);
    expect(pmg.domainStats).toEqual([
      { domain: 'example.org', mailCount: 1200, spamCount: 251, virusCount: 3, bytes: 55_000_000 },
    ]);
    expect(api.calls).toContain('/statistics/mailcount?starttime=1799913600&timespan=3600');
    // One failing queue call degrades the instance, it does not fail the poll.
    expect(pmg.connectionHealth).toBe('degraded');
    expect(snap.errors).toEqual([
      { path: '/nodes/mx2/postfix/queue', message: 'postqueue failed', status: 500 },
    ]);
  });

  it('skips switched-off sections', async () => {
    const api = pmgApi();
    const snap = await collectPmg(api, {
      instanceName: 'mail',
      now,
      monitor: { mailStats: false, quarantine: false, queues: false, domainStats: false },
    });
    PmgInstance.parse(snap.instance);
    expect(snap.instance.mailStats).toBeUndefined();
    expect(snap.instance.quarantine).toBeUndefined();
    expect(snap.instance.nodes.every((n) => n.queueStatus === undefined)).toBe(true);
    expect(api.called('/statistics/mail')).toBe(false);
    expect(snap.errors).toEqual([]);
  });

  it('falls back to /nodes for a gateway without cluster status', async () => {
    const api = pmgApi()
      .fail('/config/cluster/status', 403, 'permission denied')
      .on('/nodes', [{ node: 'mx1' }]);
    const snap = await collectPmg(api, { instanceName: 'mail', now });
    expect(snap.instance.nodes.map((n) => [n.name, n.role])).toEqual([['mx1', 'node']]);
  });

  it('reads queue counts given as one row per queue', () => {
    expect(
      toQueueStatus(
        [
          { name: 'deferred', count: 3 },
          { name: 'active', count: 1 },
        ],
        now,
      ),
    ).toEqual({
      active: 1,
      deferred: 3,
      hold: 0,
      incoming: 0,
      total: 4,
      updatedAt: now,
    });
  });

  it('throws when the gateway does not answer /version', async () => {
    await expect(
      collectPmg(pmgApi().fail('/version', 595, 'no route to host'), { instanceName: 'mail', now }),
    ).rejects.toThrow('no route to host');
  });
});

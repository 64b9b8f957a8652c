import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HostReport, HostReportResponse, Rfc3339, SequenceIdV1 } from './host-report.ts';

const at = '2026-03-04T05:06:07.123456789Z';

function minimalReport() {
  return {
    agent: { id: 'agent-1' },
    host: { hostname: 'node-a' },
    metrics: {},
    timestamp: at,
  };
}

function fullReport() {
  const disk = {
    device: 'rpool',
    mountpoint: '/',
    filesystem: 'rpool/ROOT/pve-1',
    type: 'zfs',
    totalBytes: 1_000_000,
    usedBytes: 400_000,
    freeBytes: 600_000,
    usage: 40,
    zfsDatasets: [
      {
        name: 'rpool/data',
        type: 'filesystem',
        mountpoint: '/rpool/data',
        usedBytes: 10,
        availableBytes: 20,
        referencedBytes: 5,
      },
    ],
  };
  const diskIO = {
    device: 'nvme0n1',
    readBytes: 1,
    writeBytes: 2,
    readOps: 3,
    writeOps: 4,
    readTimeMs: 5,
    writeTimeMs: 6,
    ioTimeMs: 7,
  };
  const sensors = {
    temperatureCelsius: { cpu_package: 51.5, cpu_core_0: 49 },
    fanRpm: { fan1: 1200 },
    powerWatts: { cpu_package: 35.2, dram: 3.1 },
    additional: { ddr5_0: 40 },
    custom: [
      {
        id: 'ups',
        name: 'UPS load',
        group: 'power',
        subgroup: 'ups',
        kind: 'number',
        unit: '%',
        value: 42,
        status: 'warning',
        observedAt: at,
        eventAt: at,
        error: 'slow',
        alertOnError: true,
        stale: false,
      },
    ],
    gpu: [
      {
        id: '0',
        name: 'RTX',
        temperatureCelsius: 60,
        utilizationPercent: 12.5,
        memoryUsedBytes: 100,
        memoryTotalBytes: 200,
      },
    ],
    thermalState: {
      source: 'pmset',
      pressure: 'nominal',
      thermalWarningLevel: 0,
      performanceWarningLevel: 0,
      cpuPowerStatus: 1,
      limitsPercent: { CPU_Speed_Limit: 100 },
    },
    smart: [
      {
        device: 'sda',
        model: 'WDC',
        serial: 'S1',
        wwn: '5000c500',
        type: 'sata',
        controller: 'ahci',
        target: '0:0:0:0',
        sizeBytes: 4_000_000_000_000,
        temperature: 34,
        health: 'PASSED',
        standby: false,
        pool: 'tank',
        io: diskIO,
        collection: {
          serial: { state: 'collected', source: 'smartctl' },
          temperature: { state: 'skipped', reason: 'standby' },
          io: { state: 'collected' },
          controller: { state: 'collected' },
          pool: { state: 'collected', source: 'zpool' },
        },
        attributes: {
          powerOnHours: 1000,
          powerCycles: 20,
          reallocatedSectors: 0,
          pendingSectors: 0,
          offlineUncorrectable: 0,
          udmaCrcErrors: 0,
          percentageUsed: 3,
          availableSpare: 100,
          mediaErrors: 0,
          unsafeShutdowns: 2,
        },
      },
    ],
  };
  return {
    agent: {
      id: 'agent-1',
      version: '0.1.0',
      type: 'unified',
      intervalSeconds: 30,
      hostname: 'node-a',
      updatedFrom: '0.0.9',
      commandsEnabled: false,
      operationReceiptVersion: 1,
      diskExclude: ['loop*'],
      appliedConfig: { version: 'host-agent-config/v1', hash: 'sha256:abc' },
      update: {
        state: 'idle',
        autoUpdate: true,
        updatedFrom: '0.0.9',
        availableVersion: '0.2.0',
        lastCheckedAt: at,
        lastAttemptAt: at,
        lastSuccessAt: at,
        lastError: 'none',
      },
      modules: [{ name: 'host', enabled: true, state: 'running', lastError: 'x', updatedAt: at }],
      privilege: { runningAsRoot: false, serviceUser: 'pulse', smartctlHelper: true, pctHelper: false },
    },
    host: {
      id: 'm-1',
      hostname: 'node-a',
      displayName: 'Node A',
      machineId: 'm-1',
      platform: 'linux',
      osName: 'debian',
      osVersion: '12',
      kernelVersion: '6.1.0',
      architecture: 'x86_64',
      cpuModel: 'EPYC',
      cpuCount: 8,
      uptimeSeconds: 3600,
      loadAverage: [0.5, 0.4, 0.3],
      reportIp: '192.0.2.10',
      packageUpdates: {
        supported: true,
        manager: 'apt',
        inventoryHash: 'h',
        pendingCount: 1,
        packages: [{ name: 'curl', installedVersion: '1', availableVersion: '2' }],
        checkedAt: '0001-01-01T00:00:00Z',
        rebootRequired: true,
        error: '',
      },
      storageCleanup: {
        supported: true,
        provider: 'apt-cache',
        fingerprint: 'f',
        reclaimableBytes: 1024,
        checkedAt: at,
        error: '',
      },
    },
    metrics: {
      cpuUsagePercent: 12.5,
      memory: {
        totalBytes: 1000,
        usedBytes: 400,
        freeBytes: 300,
        cacheBytes: 300,
        usage: 40,
        swapTotalBytes: 100,
        swapUsedBytes: 0,
      },
    },
    disks: [disk],
    diskIO: [diskIO],
    network: [
      {
        name: 'eth0',
        mac: '02:00:00:00:00:01',
        addresses: ['192.0.2.10/24', 'fe80::1/64'],
        rxBytes: 10,
        txBytes: 20,
        speedMbps: 1000,
      },
    ],
    sensors,
    raid: [
      {
        device: '/dev/md0',
        name: 'md0',
        level: 'raid1',
        state: 'clean, degraded, recovering',
        totalDevices: 2,
        activeDevices: 1,
        workingDevices: 2,
        failedDevices: 0,
        spareDevices: 1,
        uuid: 'u',
        devices: [
          { device: '/dev/sda1', state: 'active', slot: 0 },
          { device: '/dev/sdb1', state: 'spare', slot: -1 },
        ],
        rebuildPercent: 12.6,
        rebuildSpeed: '50000K/sec',
        operation: 'recovery',
      },
    ],
    unraid: {
      arrayStarted: true,
      arrayState: 'STARTED',
      syncAction: 'check P',
      syncProgress: 10.5,
      syncErrors: 0,
      numProtected: 4,
      numDisabled: 0,
      numInvalid: 0,
      numMissing: 0,
      disks: [
        {
          name: 'disk1',
          device: 'sdc',
          role: 'data',
          status: 'DISK_OK',
          rawStatus: 'DISK_OK',
          model: 'WD',
          serial: 'S2',
          filesystem: 'xfs',
          transport: 'sata',
          sizeBytes: 100,
          usedBytes: 50,
          freeBytes: 50,
          temperature: 30,
          spunDown: false,
          readCount: 1,
          writeCount: 2,
          errorCount: 0,
          slot: 1,
        },
      ],
    },
    ceph: {
      fsid: 'fsid-1',
      health: {
        status: 'HEALTH_WARN',
        checks: { OSD_DOWN: { severity: 'HEALTH_WARN', message: '1 osd down', detail: ['osd.3 is down'] } },
        summary: [{ severity: 'HEALTH_WARN', message: '1 osd down' }],
      },
      monMap: { epoch: 3, numMons: 3, monitors: [{ name: 'a', rank: 0, addr: '10.0.0.1', status: 'up' }] },
      mgrMap: { available: true, numMgrs: 2, activeMgr: 'a', standbys: 1 },
      osdMap: { epoch: 100, numOsds: 4, numUp: 3, numIn: 4, numDown: 1, numOut: 0 },
      pgMap: {
        numPgs: 128,
        bytesTotal: 1000,
        bytesUsed: 100,
        bytesAvailable: 900,
        dataBytes: 50,
        usagePercent: 10,
        degradedRatio: 0.01,
        misplacedRatio: 0,
        readBytesPerSec: 1,
        writeBytesPerSec: 2,
        readOpsPerSec: 3,
        writeOpsPerSec: 4,
      },
      pools: [{ id: 1, name: 'rbd', bytesUsed: 10, bytesAvailable: 90, objects: 5, percentUsed: 0.1 }],
      services: [{ type: 'mon', running: 3, total: 3, daemons: ['a', 'b', 'c'] }],
      collectedAt: at,
    },
    libvirt: {
      domains: [
        {
          id: '1',
          name: 'vm1',
          state: 'running',
          vcpus: 2,
          // Past 2^53: a long-running guest's CPU nanoseconds must not sink the report.
          cpuTimeNanoseconds: 2 ** 60,
          memoryCurrentBytes: 1,
          memoryMaximumBytes: 2,
          networkRxBytes: 3,
          networkTxBytes: 4,
          diskReadBytes: 5,
          diskWriteBytes: 6,
        },
      ],
      collectedAt: at,
    },
    xcpng: {
      poolUuid: 'p',
      poolName: 'pool',
      masterUuid: 'm',
      localHostUuid: 'l',
      vms: [
        {
          uuid: 'v',
          name: 'vm',
          powerState: 'running',
          vcpus: 1,
          memoryActualBytes: 1,
          memoryStaticMaxBytes: 2,
          residentHostUuid: 'l',
        },
      ],
      collectedAt: at,
    },
    proxmoxLxc: { containers: [{ vmid: 101, name: 'ct', disks: [disk] }], collectedAt: at },
    clusterSensors: [
      { nodeName: 'pve2', sensors: { temperatureCelsius: { cpu_package: 44 } }, collectedAt: at },
    ],
    availabilityResults: [
      {
        targetId: 't1',
        outcome: 'reachable',
        latencyMillis: 12,
        checkedAt: at,
        error: '',
        certificate: { notAfter: at, subject: 'CN=example' },
      },
    ],
    tags: ['prod', 'rack-1'],
    timestamp: at,
    sequenceId: 'v1:0123456789abcdef0123456789abcdef:7',
  };
}

function issuePaths(input: unknown) {
  const result = HostReport.safeParse(input);
  return result.success ? [] : result.error.issues.map((issue) => issue.path);
}

describe('HostReport', () => {
  it('parses a report with every section and keeps its values', () => {
    const input = fullReport();
    const result = HostReport.safeParse(input);
    expect(result.error?.issues).toBeUndefined();
    expect(result.data).toEqual(input);
  });

  it('parses a minimal report', () => {
    expect(HostReport.parse(minimalReport())).toEqual(minimalReport());
  });

  it('requires host.hostname and says so', () => {
    const input = { ...minimalReport(), host: {} };
    const result = HostReport.safeParse(input);
    expect(result.success).toBe(false);
    const issue = result.error?.issues.find((i) => i.path.join('.') === 'host.hostname');
    expect(issue?.path).toEqual(['host', 'hostname']);
    expect(issue?.message).toMatch(/required/);
  });

  it.each(['', '   ', '\t\n'])('rejects the blank hostname %j', (hostname) => {
    const result = HostReport.safeParse({ ...minimalReport(), host: { hostname } });
    expect(result.error?.issues.map((i) => [i.path, i.message])).toEqual([
      [['host', 'hostname'], 'is required and must not be blank'],
    ]);
  });

  it('trims the hostname', () => {
    expect(HostReport.parse({ ...minimalReport(), host: { hostname: ' node-a\n' } }).host.hostname).toBe(
      'node-a',
    );
  });

  it('requires agent, host, metrics and timestamp', () => {
    expect(issuePaths({})).toEqual([['agent'], ['host'], ['metrics'], ['timestamp']]);
  });

  it('reports wrong types at their path', () => {
    const report = fullReport();
    const input = { ...report, metrics: { memory: { ...report.metrics.memory, totalBytes: '1000' } } };
    expect(issuePaths(input)).toEqual([['metrics', 'memory', 'totalBytes']]);
    expect(issuePaths({ ...minimalReport(), agent: { id: 7 } })).toEqual([['agent', 'id']]);
    expect(issuePaths({ ...minimalReport(), diskIO: [{ device: 'sda', readBytes: 1.5 }] })).toEqual([
      ['diskIO', 0, 'readBytes'],
    ]);
    expect(issuePaths({ ...minimalReport(), host: { hostname: 'a', cpuCount: 2.5 } })).toEqual([
      ['host', 'cpuCount'],
    ]);
  });

  it('rejects negative byte counts and counters', () => {
    expect(issuePaths({ ...minimalReport(), metrics: { memory: { usedBytes: -1 } } })).toEqual([
      ['metrics', 'memory', 'usedBytes'],
    ]);
    expect(issuePaths({ ...minimalReport(), network: [{ name: 'eth0', rxBytes: -5 }] })).toEqual([
      ['network', 0, 'rxBytes'],
    ]);
  });

  it('bounds percentages to 0-100', () => {
    expect(issuePaths({ ...minimalReport(), metrics: { cpuUsagePercent: 100.5 } })).toEqual([
      ['metrics', 'cpuUsagePercent'],
    ]);
    expect(issuePaths({ ...minimalReport(), metrics: { memory: { usage: -0.1 } } })).toEqual([
      ['metrics', 'memory', 'usage'],
    ]);
    expect(issuePaths({ ...minimalReport(), disks: [{ usage: 101 }] })).toEqual([['disks', 0, 'usage']]);
    expect(
      issuePaths({ ...minimalReport(), metrics: { cpuUsagePercent: 100, memory: { usage: 0 } } }),
    ).toEqual([]);
  });

  it('requires the identifying keys of list entries', () => {
    expect(issuePaths({ ...minimalReport(), diskIO: [{ readBytes: 1 }] })).toEqual([['diskIO', 0, 'device']]);
    expect(issuePaths({ ...minimalReport(), network: [{ name: '' }] })).toEqual([['network', 0, 'name']]);
  });

  it('strips unknown keys at every level so newer agents keep working', () => {
    const input = {
      ...minimalReport(),
      futureSection: { a: 1 },
      agent: { id: 'agent-1', futureFlag: true },
      host: { hostname: 'node-a', futureField: 'x' },
      disks: [{ mountpoint: '/', futureMetric: 3 }],
    };
    const parsed = HostReport.parse(input);
    expect(parsed).toEqual({ ...minimalReport(), disks: [{ mountpoint: '/' }] });
    expect(parsed).not.toHaveProperty('futureSection');
  });

  it('reads a Go nil slice (null) in a required list as empty', () => {
    const report = fullReport();
    const raid = [{ ...report.raid[0], devices: null }];
    const parsed = HostReport.parse({
      ...minimalReport(),
      raid,
      libvirt: { domains: null, collectedAt: at },
    });
    expect(parsed.raid?.[0]?.devices).toEqual([]);
    expect(parsed.libvirt?.domains).toEqual([]);
  });

  it('accepts any sequenceId as an opaque value', () => {
    expect(issuePaths({ ...minimalReport(), sequenceId: 'v2:something-else' })).toEqual([]);
    expect(issuePaths({ ...minimalReport(), sequenceId: 'x'.repeat(257) })).toEqual([['sequenceId']]);
  });

  describe('array caps', () => {
    it.each([
      ['disks', 512, { mountpoint: '/' }],
      ['network', 512, { name: 'eth0' }],
      ['diskIO', 1024, { device: 'sda' }],
      ['tags', 64, 'tag'],
    ])('caps %s at %i entries', (key, max, entry) => {
      expect(issuePaths({ ...minimalReport(), [key]: Array(max).fill(entry) })).toEqual([]);
      expect(issuePaths({ ...minimalReport(), [key]: Array(max + 1).fill(entry) })).toEqual([[key]]);
    });

    it('caps tag length at 128 characters', () => {
      expect(issuePaths({ ...minimalReport(), tags: ['x'.repeat(128)] })).toEqual([]);
      expect(issuePaths({ ...minimalReport(), tags: ['ok', 'x'.repeat(129)] })).toEqual([['tags', 1]]);
    });

    it('caps packages at 10000 and loadAverage at 3', () => {
      const packageUpdates = (n: number) => ({
        supported: true,
        pendingCount: n,
        packages: Array(n).fill({ name: 'p' }),
      });
      const host = (extra: object) => ({ ...minimalReport(), host: { hostname: 'a', ...extra } });
      expect(issuePaths(host({ packageUpdates: packageUpdates(10_000) }))).toEqual([]);
      expect(issuePaths(host({ packageUpdates: packageUpdates(10_001) }))).toEqual([
        ['host', 'packageUpdates', 'packages'],
      ]);
      expect(issuePaths(host({ loadAverage: [1, 2, 3, 4] }))).toEqual([['host', 'loadAverage']]);
    });
  });

  describe('string caps', () => {
    it('refuses a hostname over 253 characters at host.hostname', () => {
      const host = (hostname: string) => ({ ...minimalReport(), host: { hostname } });
      expect(issuePaths(host('h'.repeat(253)))).toEqual([]);
      expect(issuePaths(host('h'.repeat(10_000)))).toEqual([['host', 'hostname']]);
    });

    it('gives paths 4 KiB and device names 256 characters', () => {
      const disk = (extra: object) => ({ ...minimalReport(), disks: [{ mountpoint: '/', ...extra }] });
      expect(issuePaths(disk({ mountpoint: `/${'m'.repeat(4095)}`, device: 'd'.repeat(256) }))).toEqual([]);
      expect(issuePaths(disk({ mountpoint: `/${'m'.repeat(4096)}` }))).toEqual([['disks', 0, 'mountpoint']]);
      expect(issuePaths(disk({ device: 'd'.repeat(257) }))).toEqual([['disks', 0, 'device']]);
    });

    it('caps free text such as an agent error at 4 KiB', () => {
      const agent = (lastError: string) => ({
        ...minimalReport(),
        agent: { id: 'a', update: { state: 'error', autoUpdate: false, lastError } },
      });
      expect(issuePaths(agent('e'.repeat(4096)))).toEqual([]);
      expect(issuePaths(agent('e'.repeat(4097)))).toEqual([['agent', 'update', 'lastError']]);
    });

    it('caps sensor reading maps at 1024 keys', () => {
      const readings = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`t${i}`, 40]));
      const sensors = (n: number) => ({ ...minimalReport(), sensors: { temperatureCelsius: readings(n) } });
      expect(issuePaths(sensors(1024))).toEqual([]);
      expect(issuePaths(sensors(1025))).toEqual([['sensors', 'temperatureCelsius']]);
    });
  });

  it('bounds the free-form certificate of an availability result', () => {
    const probe = (certificate: unknown) => ({
      ...minimalReport(),
      availabilityResults: [
        { targetId: 't', outcome: 'reachable', latencyMillis: 1, checkedAt: at, certificate },
      ],
    });
    expect(issuePaths(probe({ subject: 'CN=example', san: ['a', 'b'] }))).toEqual([]);
    expect(issuePaths(probe({ subject: 'x'.repeat(4097) }))).toEqual([
      ['availabilityResults', 0, 'certificate', 'subject'],
    ]);
    let deep: unknown = 1;
    for (let i = 0; i < 9; i++) deep = [deep];
    expect(issuePaths(probe({ chain: deep }))).toHaveLength(1);
  });

  it('parses the report recorded from a real Linux host', () => {
    const raw: unknown = JSON.parse(
      readFileSync(new URL('../../../test/fixtures/host-report-linux.json', import.meta.url), 'utf8'),
    );
    const report = HostReport.parse(raw);
    expect(report.host.hostname.length).toBeGreaterThan(0);
    expect(report.metrics.memory?.totalBytes).toBeGreaterThan(0);
    expect(report.agent.type).toBe('unified');
    expect(SequenceIdV1.safeParse(report.sequenceId).success).toBe(true);
  });
});

describe('Rfc3339', () => {
  it.each([
    '2026-03-04T05:06:07Z',
    '2026-03-04T05:06:07+02:00',
    '2026-03-04T05:06:07-07:30',
    '2026-03-04T05:06:07.5Z',
    '2026-03-04T05:06:07.123456789Z',
    '2026-03-04T05:06:07.123456789+02:00',
    '0001-01-01T00:00:00Z',
  ])('accepts %s', (value) => {
    expect(Rfc3339.safeParse(value).success).toBe(true);
  });

  it.each([
    'garbage',
    '',
    '2026-03-04',
    '2026-03-04 05:06:07Z',
    '2026-03-04T05:06:07',
    '2026-03-04T05:06:07+0200',
    '2026-13-04T05:06:07Z',
    '2026-02-30T05:06:07Z',
    '1772600767',
  ])('rejects %j', (value) => {
    expect(Rfc3339.safeParse(value).success).toBe(false);
  });

  it('rejects a non-string timestamp at its path', () => {
    expect(issuePaths({ ...minimalReport(), timestamp: 1772600767 })).toEqual([['timestamp']]);
  });
});

describe('SequenceIdV1', () => {
  it('accepts v1:<32 hex>:<n> with n from 1', () => {
    expect(SequenceIdV1.safeParse('v1:0123456789abcdef0123456789abcdef:1').success).toBe(true);
    expect(SequenceIdV1.safeParse('v1:0123456789abcdef0123456789abcdef:123456').success).toBe(true);
  });

  it.each([
    'v1:0123456789abcdef0123456789abcdef:0',
    'v1:0123456789abcdef0123456789abcdef:01',
    'v1:0123456789abcdef:1',
    'v2:0123456789abcdef0123456789abcdef:1',
    'v1:0123456789abcdef0123456789abcdeg:1',
    'v1:0123456789abcdef0123456789abcdef:1:2',
  ])('rejects %j', (value) => {
    expect(SequenceIdV1.safeParse(value).success).toBe(false);
  });
});

describe('HostReportResponse', () => {
  it('parses the server answer', () => {
    const body = {
      success: true,
      agentId: 'agent-1',
      lastSeen: at,
      platform: 'linux',
      osName: 'debian',
      osVersion: '12',
      serverVersion: '6.3.0',
      config: { commandsEnabled: false },
    };
    expect(HostReportResponse.parse(body)).toEqual(body);
    expect(HostReportResponse.parse({ success: true, agentId: 'a', lastSeen: at })).toEqual({
      success: true,
      agentId: 'a',
      lastSeen: at,
    });
  });

  it('carries the warnings about dropped items when there are any', () => {
    const body = {
      success: true,
      agentId: 'a',
      lastSeen: at,
      warnings: [{ path: 'disks[1]', message: 'Dropped disk "/": usage: too big' }],
    };
    expect(HostReportResponse.parse(body)).toEqual(body);
  });

  it('rejects a lastSeen that is not RFC 3339', () => {
    const result = HostReportResponse.safeParse({ success: true, agentId: 'a', lastSeen: 'yesterday' });
    expect(result.error?.issues.map((i) => i.path)).toEqual([['lastSeen']]);
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DockerReport, DockerReportResponse } from './docker-report.ts';

const at = '2026-05-14T09:30:00.412Z';
const zeroTime = '0001-01-01T00:00:00Z';

function container(extra: object = {}) {
  return {
    id: 'c0ffee',
    name: 'web',
    image: 'nginx:1.27',
    createdAt: at,
    state: 'running',
    status: 'Up 2 hours',
    cpuPercent: 0.5,
    memoryUsageBytes: 1024,
    memoryLimitBytes: 4096,
    memoryPercent: 25,
    uptimeSeconds: 7200,
    restartCount: 0,
    exitCode: 0,
    ...extra,
  };
}

function minimalReport() {
  return {
    agent: { id: 'agent-1', version: '0.1.0', intervalSeconds: 30 },
    host: { hostname: 'dock-1' },
    containers: [container()],
    timestamp: at,
  };
}

function fullReport() {
  return {
    agent: { id: 'agent-1', version: '0.1.0', type: 'unified', intervalSeconds: 30 },
    host: {
      hostname: 'dock-1',
      name: 'Dock one',
      machineId: 'm-1',
      os: 'Debian GNU/Linux 12',
      runtime: 'podman',
      runtimeVersion: '5.2.3',
      kernelVersion: '6.1.0',
      architecture: 'x86_64',
      dockerVersion: '5.2.3',
      totalCpu: 8,
      totalMemoryBytes: 34_000_000_000,
      uptimeSeconds: 99,
      swarm: {
        nodeId: 'n1',
        nodeRole: 'manager',
        localState: 'active',
        controlAvailable: true,
        clusterId: 'sw-1',
        clusterName: 'default',
        scope: 'cluster',
        error: 'none',
      },
      cpuUsagePercent: 12.5,
      loadAverage: [0.5, 0.4, 0.3],
      memory: { totalBytes: 100, usedBytes: 40, freeBytes: 60, usage: 40 },
      disks: [{ device: '/dev/sda1', mountpoint: '/', totalBytes: 10, usedBytes: 5, usage: 50 }],
      network: [{ name: 'eth0', addresses: ['192.0.2.5/24'], rxBytes: 1, txBytes: 2, speedMbps: -1 }],
      security: { authorizationPlugins: ['authz-broker'] },
    },
    containers: [
      container({
        imageDigest: 'sha256:abc',
        health: 'healthy',
        healthcheckTargets: ['http://127.0.0.1:80/health', { url: 'tcp://db:5432' }],
        cpuPercent: 340.2,
        memoryPercent: 100.4,
        exitCode: -1,
        oomKilled: false,
        startedAt: at,
        finishedAt: zeroTime,
        ports: [{ privatePort: 80, publicPort: 8080, protocol: 'tcp', ip: '0.0.0.0' }],
        labels: { 'com.docker.compose.project': 'shop' },
        env: ['TZ=UTC', 'DB_PASSWORD=***'],
        networks: [{ name: 'bridge', ipv4: '172.17.0.2', ipv6: 'fd00::2' }],
        networkRxBytes: 2 ** 60,
        networkTxBytes: 5,
        writableLayerBytes: 4096,
        rootFilesystemBytes: 8192,
        blockIo: { readBytes: 1, writeBytes: 2 },
        mounts: [
          {
            type: 'volume',
            source: '/var/lib/docker/volumes/data/_data',
            destination: '/data',
            mode: 'z',
            rw: true,
            propagation: 'rprivate',
            name: 'data',
            driver: 'local',
          },
        ],
        podman: {
          podName: 'pod-a',
          podId: 'p1',
          infra: false,
          composeProject: 'shop',
          composeService: 'web',
          composeWorkdir: '/srv/shop',
          composeConfigHash: 'h',
          autoUpdatePolicy: 'registry',
          autoUpdateRestart: 'true',
          userNamespace: 'keep-id',
        },
        updateStatus: {
          updateAvailable: true,
          currentDigest: 'sha256:a',
          latestDigest: 'sha256:b',
          lastChecked: at,
          error: 'rate limited',
        },
      }),
    ],
    images: [
      {
        id: 'sha256:i1',
        repoTags: ['nginx:1.27'],
        repoDigests: ['nginx@sha256:d'],
        sizeBytes: 50,
        sharedSizeBytes: -1,
        containers: -1,
        createdAt: at,
        labels: { maintainer: 'x' },
      },
    ],
    volumes: [
      {
        name: 'data',
        driver: 'local',
        mountpoint: '/var/lib/docker/volumes/data/_data',
        scope: 'local',
        createdAt: '2026-05-01T10:00:00+02:00',
        sizeBytes: -1,
        refCount: 1,
        labels: { a: 'b' },
        options: { type: 'tmpfs' },
      },
    ],
    networks: [
      {
        id: 'net1',
        name: 'bridge',
        driver: 'bridge',
        scope: 'local',
        createdAt: at,
        enableIpv4: true,
        enableIpv6: false,
        internal: false,
        attachable: true,
        ingress: false,
        configOnly: false,
        subnets: [{ subnet: '172.17.0.0/16', gateway: '172.17.0.1' }],
        labels: {},
        options: { 'com.docker.network.bridge.name': 'docker0' },
      },
    ],
    services: [
      {
        id: 's1',
        name: 'shop_web',
        stack: 'shop',
        image: 'nginx:1.27',
        mode: 'replicated',
        desiredTasks: 3,
        runningTasks: 2,
        completedTasks: 0,
        labels: { 'com.docker.stack.namespace': 'shop' },
        endpointPorts: [
          { name: 'http', protocol: 'tcp', targetPort: 80, publishedPort: 8080, publishMode: 'ingress' },
        ],
        updateStatus: { state: 'updating', message: 'update in progress', completedAt: zeroTime },
        createdAt: at,
        updatedAt: at,
      },
    ],
    tasks: [
      {
        id: 't1',
        serviceId: 's1',
        serviceName: 'shop_web',
        slot: 1,
        nodeId: 'n1',
        nodeName: 'dock-1',
        desiredState: 'running',
        currentState: 'running',
        error: '',
        message: 'started',
        containerId: 'c0ffee',
        containerName: 'shop_web.1.x',
        createdAt: zeroTime,
        updatedAt: at,
        startedAt: at,
        completedAt: at,
      },
    ],
    nodes: [
      {
        id: 'n1',
        hostname: 'dock-1',
        role: 'manager',
        availability: 'active',
        state: 'ready',
        message: '',
        address: '192.0.2.5',
        managerReachability: 'reachable',
        managerAddress: '192.0.2.5:2377',
        leader: true,
        engineVersion: '27.3.1',
        os: 'linux',
        architecture: 'x86_64',
        nanoCpus: 8_000_000_000,
        memoryBytes: 34_000_000_000,
        labels: { zone: 'a' },
        engineLabels: { ssd: 'true' },
        createdAt: at,
        updatedAt: at,
      },
    ],
    secrets: [
      {
        id: 'sec1',
        name: 'db_password',
        labels: {},
        driverName: 'vault',
        templatingDriver: 'golang',
        createdAt: at,
        updatedAt: at,
      },
    ],
    configs: [{ id: 'cfg1', name: 'nginx_conf', templatingDriver: 'golang', createdAt: at, updatedAt: at }],
    storageUsage: {
      images: { totalCount: 1, activeCount: 1, totalSizeBytes: 50, reclaimableBytes: 0 },
      containers: { totalCount: 1, activeCount: 1, totalSizeBytes: 4096, reclaimableBytes: 0 },
      volumes: { totalCount: 1, activeCount: 1, totalSizeBytes: 0, reclaimableBytes: 0 },
      buildCache: { totalCount: 2, activeCount: 0, totalSizeBytes: 10, reclaimableBytes: 10 },
    },
    timestamp: at,
  };
}

function issuePaths(input: unknown) {
  const result = DockerReport.safeParse(input);
  return result.success ? [] : result.error.issues.map((issue) => issue.path);
}

describe('DockerReport', () => {
  it('parses a report with every section and keeps its values', () => {
    const input = fullReport();
    const result = DockerReport.safeParse(input);
    expect(result.error?.issues).toBeUndefined();
    expect(result.data).toEqual(input);
  });

  it('parses a minimal report', () => {
    expect(DockerReport.parse(minimalReport())).toEqual(minimalReport());
  });

  it('requires host.hostname and says so', () => {
    const result = DockerReport.safeParse({ ...minimalReport(), host: {} });
    expect(result.error?.issues.map((i) => [i.path, i.message])).toEqual([
      [['host', 'hostname'], 'is required and must not be blank'],
    ]);
    expect(issuePaths({ ...minimalReport(), host: { hostname: '  ' } })).toEqual([['host', 'hostname']]);
  });

  it('requires agent, host, containers and timestamp', () => {
    expect(issuePaths({})).toEqual([['agent'], ['host'], ['containers'], ['timestamp']]);
    expect(issuePaths({ ...minimalReport(), agent: { id: 'a' } })).toEqual([
      ['agent', 'version'],
      ['agent', 'intervalSeconds'],
    ]);
  });

  it('requires a non-empty container id at its index', () => {
    const { id: _id, ...noId } = container();
    const containers = [container(), noId];
    const result = DockerReport.safeParse({ ...minimalReport(), containers });
    expect(result.error?.issues.map((i) => [i.path, i.message])).toEqual([
      [['containers', 1, 'id'], 'is required and must not be blank'],
    ]);
    expect(issuePaths({ ...minimalReport(), containers: [container({ id: '' })] })).toEqual([
      ['containers', 0, 'id'],
    ]);
  });

  it('reports wrong types at their path', () => {
    expect(issuePaths({ ...minimalReport(), containers: [container({ restartCount: '3' })] })).toEqual([
      ['containers', 0, 'restartCount'],
    ]);
    expect(issuePaths({ ...minimalReport(), containers: [container({ labels: { a: 1 } })] })).toEqual([
      ['containers', 0, 'labels', 'a'],
    ]);
    expect(issuePaths({ ...minimalReport(), containers: [container({ createdAt: '14/05/2026' })] })).toEqual([
      ['containers', 0, 'createdAt'],
    ]);
    expect(issuePaths({ ...minimalReport(), host: { hostname: 'a', runtime: 'lxc' } })).toEqual([
      ['host', 'runtime'],
    ]);
    expect(issuePaths({ ...minimalReport(), host: { hostname: 'a', totalCpu: 2.5 } })).toEqual([
      ['host', 'totalCpu'],
    ]);
    expect(issuePaths({ ...minimalReport(), images: [{ id: 'i', sizeBytes: 1.5 }] })).toEqual([
      ['images', 0, 'sizeBytes'],
    ]);
  });

  it('rejects negative memory, byte counts and counters', () => {
    expect(issuePaths({ ...minimalReport(), containers: [container({ memoryUsageBytes: -1 })] })).toEqual([
      ['containers', 0, 'memoryUsageBytes'],
    ]);
    expect(issuePaths({ ...minimalReport(), containers: [container({ memoryPercent: -0.1 })] })).toEqual([
      ['containers', 0, 'memoryPercent'],
    ]);
    expect(issuePaths({ ...minimalReport(), containers: [container({ restartCount: -1 })] })).toEqual([
      ['containers', 0, 'restartCount'],
    ]);
    expect(issuePaths({ ...minimalReport(), containers: [container({ cpuPercent: -3 })] })).toEqual([
      ['containers', 0, 'cpuPercent'],
    ]);
    expect(issuePaths({ ...minimalReport(), volumes: [{ name: 'v', sizeBytes: -2 }] })).toEqual([
      ['volumes', 0, 'sizeBytes'],
    ]);
  });

  it('lets container CPU pass 100 % but keeps the host CPU within 0-100', () => {
    expect(issuePaths({ ...minimalReport(), containers: [container({ cpuPercent: 780 })] })).toEqual([]);
    expect(issuePaths({ ...minimalReport(), host: { hostname: 'a', cpuUsagePercent: 101 } })).toEqual([
      ['host', 'cpuUsagePercent'],
    ]);
  });

  it('accepts any integer exit code', () => {
    for (const exitCode of [0, 137, 255, -1]) {
      expect(issuePaths({ ...minimalReport(), containers: [container({ exitCode })] })).toEqual([]);
    }
    expect(issuePaths({ ...minimalReport(), containers: [container({ exitCode: 1.5 })] })).toEqual([
      ['containers', 0, 'exitCode'],
    ]);
  });

  it('strips unknown keys at every level so newer agents keep working', () => {
    const input = {
      ...minimalReport(),
      futureSection: { a: 1 },
      agent: { ...minimalReport().agent, futureFlag: true },
      host: { hostname: 'dock-1', futureField: 'x' },
      containers: [container({ futureMetric: 3, blockIo: { readBytes: 1, readBytesPresent: true } })],
    };
    const parsed = DockerReport.parse(input);
    expect(parsed).toEqual({ ...minimalReport(), containers: [container({ blockIo: { readBytes: 1 } })] });
    expect(parsed).not.toHaveProperty('futureSection');
  });

  it('reads a Go nil containers slice (null) as empty', () => {
    expect(DockerReport.parse({ ...minimalReport(), containers: null }).containers).toEqual([]);
  });

  describe('array caps', () => {
    it.each([
      ['containers', 2000, container()],
      ['images', 5000, { id: 'i' }],
      ['volumes', 5000, { name: 'v' }],
      ['networks', 1000, { id: 'n', name: 'bridge' }],
      ['services', 2000, { id: 's', name: 'web' }],
      ['tasks', 10_000, { id: 't' }],
      ['nodes', 1000, { id: 'n' }],
      ['secrets', 2000, { id: 's', name: 'x' }],
      ['configs', 2000, { id: 'c', name: 'x' }],
    ])('caps %s at %i entries', (key, max, entry) => {
      expect(issuePaths({ ...minimalReport(), [key]: Array(max).fill(entry) })).toEqual([]);
      expect(issuePaths({ ...minimalReport(), [key]: Array(max + 1).fill(entry) })).toEqual([[key]]);
    });

    it('caps lists and label maps inside a container', () => {
      const labels = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 'v']));
      expect(issuePaths({ ...minimalReport(), containers: [container({ labels: labels(1024) })] })).toEqual(
        [],
      );
      expect(issuePaths({ ...minimalReport(), containers: [container({ labels: labels(1025) })] })).toEqual([
        ['containers', 0, 'labels'],
      ]);
      const env = (n: number) => Array(n).fill('A=1');
      expect(issuePaths({ ...minimalReport(), containers: [container({ env: env(512) })] })).toEqual([]);
      expect(issuePaths({ ...minimalReport(), containers: [container({ env: env(513) })] })).toEqual([
        ['containers', 0, 'env'],
      ]);
      const ports = (n: number) => Array(n).fill({ privatePort: 80, protocol: 'tcp' });
      expect(issuePaths({ ...minimalReport(), containers: [container({ ports: ports(4096) })] })).toEqual([]);
      expect(issuePaths({ ...minimalReport(), containers: [container({ ports: ports(4097) })] })).toEqual([
        ['containers', 0, 'ports'],
      ]);
    });
  });

  describe('string caps', () => {
    it('caps names at 256 characters and free text at 4 KiB, at the field', () => {
      const ok = container({
        name: 'n'.repeat(256),
        status: 's'.repeat(4096),
        env: [`A=${'v'.repeat(4094)}`],
      });
      expect(issuePaths({ ...minimalReport(), containers: [ok] })).toEqual([]);
      const long = container({
        name: 'n'.repeat(257),
        status: 's'.repeat(4097),
        env: [`A=${'v'.repeat(4095)}`],
      });
      expect(issuePaths({ ...minimalReport(), containers: [long] })).toEqual([
        ['containers', 0, 'name'],
        ['containers', 0, 'status'],
        ['containers', 0, 'env', 0],
      ]);
    });

    it('caps the container id like any other name', () => {
      expect(issuePaths({ ...minimalReport(), containers: [container({ id: 'c'.repeat(257) })] })).toEqual([
        ['containers', 0, 'id'],
      ]);
    });

    it('caps the hostname at 253 characters', () => {
      const host = (hostname: string) => ({ ...minimalReport(), host: { hostname } });
      expect(issuePaths(host('h'.repeat(253)))).toEqual([]);
      expect(issuePaths(host('h'.repeat(10_000)))).toEqual([['host', 'hostname']]);
    });

    it('caps label keys at 256 characters and values at 4 KiB', () => {
      const withLabels = (labels: Record<string, string>) => ({
        ...minimalReport(),
        containers: [container({ labels })],
      });
      expect(issuePaths(withLabels({ ['k'.repeat(256)]: 'v'.repeat(4096) }))).toEqual([]);
      expect(issuePaths(withLabels({ ['k'.repeat(257)]: 'v' })).map((p) => p.slice(0, 3))).toEqual([
        ['containers', 0, 'labels'],
      ]);
      expect(issuePaths(withLabels({ k: 'v'.repeat(4097) }))).toEqual([['containers', 0, 'labels', 'k']]);
    });
  });

  describe('healthcheck targets', () => {
    function nested(depth: number): unknown {
      let value: unknown = 'bottom';
      for (let i = 0; i < depth; i++) value = { d: value };
      return value;
    }
    const withTarget = (target: unknown) => ({
      ...minimalReport(),
      containers: [container({ healthcheckTargets: [target] })],
    });

    it('accepts a string or an object up to 8 levels deep', () => {
      expect(issuePaths(withTarget('http://127.0.0.1/health'))).toEqual([]);
      expect(issuePaths(withTarget(nested(8)))).toEqual([]);
    });

    it('refuses an object nested deeper than 8 levels, pointing inside the target', () => {
      const result = DockerReport.safeParse(withTarget(nested(9)));
      expect(result.error?.issues).toEqual([
        expect.objectContaining({
          path: ['containers', 0, 'healthcheckTargets', 0, 'd', 'd', 'd', 'd', 'd', 'd', 'd', 'd'],
          message: 'Too deep: expected at most 8 levels of nesting',
        }),
      ]);
    });

    it('refuses a string target over 4 KiB with the string problem', () => {
      const result = DockerReport.safeParse(withTarget('x'.repeat(4097)));
      expect(result.error?.issues.map((i) => [i.path, i.code])).toEqual([
        [['containers', 0, 'healthcheckTargets', 0], 'too_big'],
      ]);
    });

    it('survives a target nested 7,000 levels deep without recursing', () => {
      expect(issuePaths(withTarget(nested(7000)))).toHaveLength(1);
    });
  });

  it('parses the recorded fixture of a Docker host', () => {
    const raw: unknown = JSON.parse(
      readFileSync(new URL('../../../test/fixtures/docker-report.json', import.meta.url), 'utf8'),
    );
    const report = DockerReport.parse(raw);
    expect(report.host.hostname).toBe('dock-1');
    expect(report.containers).toHaveLength(5);
    const byName = new Map(report.containers.map((c) => [c.name, c]));
    expect(byName.get('worker')).toMatchObject({ state: 'exited', exitCode: 137, oomKilled: true });
    expect(byName.get('cache')).toMatchObject({ state: 'restarting', restartCount: 7 });
    expect(byName.get('search')?.health).toBe('unhealthy');
    expect(byName.get('db')?.env).toContain('POSTGRES_PASSWORD=***');
    expect(report.images).toHaveLength(3);
    expect(report.volumes).toHaveLength(2);
    expect(report.networks).toHaveLength(2);
    expect(report.storageUsage?.images?.totalCount).toBe(3);
  });
});

describe('DockerReportResponse', () => {
  const response = { success: true, agentId: 'agent-1', containers: 5, lastSeen: at };

  it('parses the answer with and without a queued command', () => {
    expect(DockerReportResponse.parse(response)).toEqual(response);
    const withCommand = {
      ...response,
      commands: [{ id: 'cmd-1', type: 'update_container', payload: { containerId: 'c0ffee' } }],
    };
    expect(DockerReportResponse.parse(withCommand)).toEqual(withCommand);
  });

  it('carries at most one command, each with an id and a type', () => {
    const command = { id: 'cmd-1', type: 'check_updates' };
    const twice = DockerReportResponse.safeParse({ ...response, commands: [command, command] });
    expect(twice.error?.issues.map((i) => i.path)).toEqual([['commands']]);
    const noType = DockerReportResponse.safeParse({ ...response, commands: [{ id: 'cmd-1' }] });
    expect(noType.error?.issues.map((i) => i.path)).toEqual([['commands', 0, 'type']]);
  });

  it('carries the warnings about dropped items when there are any', () => {
    const warnings = [{ path: 'containers[3]', message: 'Dropped container "web": name: too long' }];
    expect(DockerReportResponse.parse({ ...response, warnings })).toEqual({ ...response, warnings });
  });

  it('rejects a negative container count', () => {
    const result = DockerReportResponse.safeParse({ ...response, containers: -1 });
    expect(result.error?.issues.map((i) => i.path)).toEqual([['containers']]);
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KubernetesReport, KubernetesReportResponse } from './kubernetes-report.ts';

const at = '2026-05-14T09:31:02.88Z';
const zeroTime = '0001-01-01T00:00:00Z';
const clusterId = 'a'.repeat(64);

function minimalReport() {
  return {
    agent: { id: 'agent-1', version: '0.1.0', intervalSeconds: 30 },
    cluster: { id: clusterId },
    timestamp: at,
  };
}

function meta(name: string, extra: object = {}) {
  return { uid: `uid-${name}`, name, createdAt: at, labels: { app: name }, ...extra };
}

function fullReport() {
  const ns = { namespace: 'apps' };
  return {
    agent: { id: 'agent-1', version: '0.1.0', type: 'unified', intervalSeconds: 30 },
    cluster: {
      id: clusterId,
      name: 'homelab',
      server: 'https://10.0.0.1:6443',
      context: 'default',
      version: 'v1.31.4',
      provider: 'k3s',
      namespace: 'pulse',
    },
    nodes: [
      {
        uid: 'n1',
        name: 'node-1',
        ready: true,
        unschedulable: false,
        kubeletVersion: 'v1.31.4',
        containerRuntimeVersion: 'containerd://1.7.23',
        osImage: 'Ubuntu 24.04',
        kernelVersion: '6.8.0',
        architecture: 'amd64',
        capacity: { cpuCores: 8, memoryBytes: 34_000_000_000, pods: 110 },
        allocatable: { cpuCores: 8, memoryBytes: 33_000_000_000, pods: 110 },
        usage: { cpuMilliCores: 1500, memoryBytes: 9_000_000_000 },
        roles: ['control-plane'],
      },
    ],
    namespaces: [meta('apps', { phase: 'Active' })],
    pods: [
      {
        uid: 'p1',
        name: 'web-1',
        namespace: 'apps',
        nodeName: 'node-1',
        phase: 'Running',
        reason: 'Evicted',
        message: 'low on memory',
        qosClass: 'Burstable',
        createdAt: at,
        startTime: at,
        restarts: 3,
        labels: { app: 'web' },
        ownerKind: 'ReplicaSet',
        ownerName: 'web-5d8f',
        usage: {
          cpuMilliCores: 12,
          memoryBytes: 50_000_000,
          networkRxBytes: 1,
          networkTxBytes: 2,
          ephemeralStorageUsedBytes: 3,
          ephemeralStorageCapacityBytes: 4,
        },
        containers: [
          {
            name: 'web',
            image: 'nginx:1.27',
            ready: false,
            restartCount: 3,
            state: 'waiting',
            reason: 'CrashLoopBackOff',
            message: 'back-off 40s',
          },
        ],
      },
    ],
    deployments: [
      meta('web', {
        ...ns,
        desiredReplicas: 3,
        updatedReplicas: 3,
        readyReplicas: 2,
        availableReplicas: 2,
        observedGeneration: 7,
      }),
    ],
    replicaSets: [
      meta('web-5d8f', {
        ...ns,
        desiredReplicas: 3,
        readyReplicas: 2,
        availableReplicas: 2,
        fullyLabeledReplicas: 3,
        observedGeneration: 2,
        ownerKind: 'Deployment',
        ownerName: 'web',
      }),
    ],
    statefulSets: [
      meta('db', {
        ...ns,
        desiredReplicas: 1,
        readyReplicas: 1,
        currentReplicas: 1,
        updatedReplicas: 1,
        availableReplicas: 1,
        serviceName: 'db',
      }),
    ],
    daemonSets: [
      meta('agent', {
        ...ns,
        desiredNumberScheduled: 3,
        currentNumberScheduled: 3,
        numberReady: 2,
        updatedNumberScheduled: 3,
        numberAvailable: 2,
        numberUnavailable: 1,
        numberMisscheduled: 0,
      }),
    ],
    services: [
      meta('web', {
        ...ns,
        type: 'ClusterIP',
        clusterIp: '10.43.0.20',
        externalIps: ['192.0.2.10'],
        ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 'http', nodePort: 30080 }],
        selector: { app: 'web' },
      }),
    ],
    jobs: [
      meta('backup', {
        ...ns,
        desiredCompletions: 1,
        succeeded: 0,
        failed: 1,
        active: 0,
        startTime: at,
        completionTime: at,
      }),
    ],
    cronJobs: [
      meta('nightly', {
        ...ns,
        schedule: '0 2 * * *',
        suspend: false,
        active: 0,
        lastScheduleTime: at,
        lastSuccessfulTime: at,
      }),
    ],
    ingresses: [
      meta('web', { ...ns, className: 'traefik', hosts: ['shop.example'], addresses: ['192.0.2.10'] }),
    ],
    endpointSlices: [
      meta('web-abc', {
        ...ns,
        addressType: 'IPv4',
        serviceName: 'web',
        ports: [{ name: 'http', protocol: 'TCP', port: 80, appProtocol: 'http' }],
        endpointCount: 3,
        readyEndpointCount: 2,
      }),
    ],
    networkPolicies: [
      meta('deny-all', { ...ns, policyTypes: ['Ingress'], ingressRuleCount: 0, egressRuleCount: 1 }),
    ],
    persistentVolumes: [
      meta('pv-1', {
        phase: 'Bound',
        storageClass: 'local-path',
        capacityBytes: 10_737_418_240,
        accessModes: ['ReadWriteOnce'],
        reclaimPolicy: 'Delete',
        claimNamespace: 'apps',
        claimName: 'data-db-0',
      }),
    ],
    persistentVolumeClaims: [
      meta('data-db-0', {
        ...ns,
        phase: 'Bound',
        storageClass: 'local-path',
        requestedBytes: 10_737_418_240,
        capacityBytes: 10_737_418_240,
        accessModes: ['ReadWriteOnce'],
        volumeName: 'pv-1',
      }),
    ],
    storageClasses: [
      meta('local-path', {
        provisioner: 'rancher.io/local-path',
        reclaimPolicy: 'Delete',
        volumeBindingMode: 'WaitForFirstConsumer',
        allowVolumeExpansion: true,
        parameterKeys: ['nodePath'],
      }),
    ],
    configMaps: [
      meta('web-config', {
        ...ns,
        dataKeys: ['nginx.conf'],
        binaryDataKeys: [],
        immutable: false,
        metadataOnly: true,
      }),
    ],
    secrets: [meta('db-creds', { ...ns, type: 'Opaque', dataKeys: ['password'], immutable: true })],
    serviceAccounts: [
      meta('default', {
        ...ns,
        automountServiceAccountToken: false,
        secretCount: 1,
        imagePullSecrets: ['ghcr'],
      }),
    ],
    roles: [meta('reader', { ...ns, ruleCount: 2 })],
    clusterRoles: [meta('view', { ruleCount: 40, aggregationLabels: { 'rbac.example/aggregate': 'true' } })],
    roleBindings: [
      meta('reader', {
        ...ns,
        roleKind: 'Role',
        roleName: 'reader',
        subjectCount: 1,
        subjectKinds: ['User'],
      }),
    ],
    clusterRoleBindings: [
      meta('view', { roleKind: 'ClusterRole', roleName: 'view', subjectCount: 2, subjectKinds: ['Group'] }),
    ],
    resourceQuotas: [
      meta('quota', { ...ns, hard: { pods: '20', 'limits.memory': '8Gi' }, used: { pods: '4' } }),
    ],
    limitRanges: [meta('limits', { ...ns, limitTypes: ['Container'] })],
    podDisruptionBudgets: [
      meta('web', {
        ...ns,
        minAvailable: '50%',
        maxUnavailable: '1',
        desiredHealthy: 2,
        currentHealthy: 2,
        disruptionsAllowed: 0,
        expectedPods: 3,
      }),
    ],
    horizontalPodAutoscalers: [
      meta('web', {
        ...ns,
        targetKind: 'Deployment',
        targetName: 'web',
        minReplicas: 2,
        maxReplicas: 10,
        currentReplicas: 3,
        desiredReplicas: 4,
        metricTypes: ['Resource'],
      }),
    ],
    events: [
      {
        uid: 'e1',
        name: 'web-1.17f',
        namespace: 'apps',
        type: 'Warning',
        reason: 'BackOff',
        message: 'Back-off restarting failed container',
        involvedKind: 'Pod',
        involvedName: 'web-1',
        count: 12,
        firstSeen: at,
        lastSeen: at,
        eventTime: zeroTime,
      },
    ],
    recovery: {
      volumeSnapshots: [
        {
          uid: 'vs1',
          name: 'db-snap',
          namespace: 'apps',
          snapshotClass: 'csi-snap',
          sourcePvc: 'data-db-0',
          sourcePvcUid: 'uid-data-db-0',
          readyToUse: true,
          restoreSizeBytes: 10_737_418_240,
          creationTime: at,
          completionTime: at,
          contentName: 'snapcontent-1',
          error: 'none',
        },
      ],
      veleroBackups: [
        {
          uid: 'vb1',
          name: 'daily-20260514',
          namespace: 'velero',
          phase: 'Completed',
          startedAt: at,
          completedAt: at,
          expiration: at,
          storageLocation: 'default',
        },
      ],
    },
    timestamp: at,
  };
}

function issuePaths(input: unknown) {
  const result = KubernetesReport.safeParse(input);
  return result.success ? [] : result.error.issues.map((issue) => issue.path);
}

function pod(extra: object = {}) {
  return { uid: 'p1', name: 'web-1', namespace: 'apps', ...extra };
}

describe('KubernetesReport', () => {
  it('parses a report with every kind and keeps its values', () => {
    const input = fullReport();
    const result = KubernetesReport.safeParse(input);
    expect(result.error?.issues).toBeUndefined();
    expect(result.data).toEqual(input);
  });

  it('parses a minimal report', () => {
    expect(KubernetesReport.parse(minimalReport())).toEqual(minimalReport());
  });

  it('requires cluster.id and says so', () => {
    const missing = KubernetesReport.safeParse({ ...minimalReport(), cluster: { name: 'homelab' } });
    expect(missing.error?.issues.map((i) => [i.path, i.message])).toEqual([
      [['cluster', 'id'], 'is required and must not be blank'],
    ]);
    expect(issuePaths({ ...minimalReport(), cluster: { id: '' } })).toEqual([['cluster', 'id']]);
    expect(issuePaths({ ...minimalReport(), cluster: { id: ' \t' } })).toEqual([['cluster', 'id']]);
  });

  it('requires agent, cluster and timestamp', () => {
    expect(issuePaths({})).toEqual([['agent'], ['cluster'], ['timestamp']]);
  });

  it('requires the identifying keys of items', () => {
    expect(issuePaths({ ...minimalReport(), pods: [{ uid: 'p1', name: 'web-1' }] })).toEqual([
      ['pods', 0, 'namespace'],
    ]);
    expect(issuePaths({ ...minimalReport(), nodes: [{ uid: 'n1', name: 'node-1' }] })).toEqual([
      ['nodes', 0, 'ready'],
    ]);
    expect(
      issuePaths({
        ...minimalReport(),
        roleBindings: [{ uid: 'r', name: 'r', namespace: 'a', roleKind: 'Role' }],
      }),
    ).toEqual([['roleBindings', 0, 'roleName']]);
  });

  it('reports wrong types at their path', () => {
    expect(issuePaths({ ...minimalReport(), pods: [pod({ restarts: '3' })] })).toEqual([
      ['pods', 0, 'restarts'],
    ]);
    expect(
      issuePaths({
        ...minimalReport(),
        pods: [pod({ containers: [{ name: 'c', ready: true, state: 'paused' }] })],
      }),
    ).toEqual([['pods', 0, 'containers', 0, 'state']]);
    expect(
      issuePaths({
        ...minimalReport(),
        deployments: [
          { ...pod(), readyReplicas: 1.5 },
          { ...pod(), uid: 7 },
        ],
      }),
    ).toEqual([
      ['deployments', 0, 'readyReplicas'],
      ['deployments', 1, 'uid'],
    ]);
    expect(issuePaths({ ...minimalReport(), events: [{ lastSeen: 'yesterday' }] })).toEqual([
      ['events', 0, 'lastSeen'],
    ]);
  });

  it('rejects negative memory, byte counts and counters', () => {
    const node = { uid: 'n1', name: 'node-1', ready: true };
    expect(issuePaths({ ...minimalReport(), nodes: [{ ...node, usage: { memoryBytes: -1 } }] })).toEqual([
      ['nodes', 0, 'usage', 'memoryBytes'],
    ]);
    expect(issuePaths({ ...minimalReport(), pods: [pod({ usage: { memoryBytes: -5 } })] })).toEqual([
      ['pods', 0, 'usage', 'memoryBytes'],
    ]);
    expect(issuePaths({ ...minimalReport(), jobs: [{ ...pod(), failed: -1 }] })).toEqual([
      ['jobs', 0, 'failed'],
    ]);
  });

  it('accepts usage and capacity with their zero values omitted', () => {
    const node = { uid: 'n1', name: 'node-1', ready: false, capacity: {}, allocatable: {}, usage: {} };
    expect(
      issuePaths({ ...minimalReport(), nodes: [node], pods: [pod({ usage: { memoryBytes: 1 } })] }),
    ).toEqual([]);
  });

  it('strips unknown keys at every level so newer agents keep working', () => {
    const input = {
      ...minimalReport(),
      futureKinds: [{ uid: 'x' }],
      cluster: { id: clusterId, futureField: 1 },
      pods: [pod({ futureMetric: 3, containers: [{ name: 'c', ready: true, futureFlag: true }] })],
    };
    const parsed = KubernetesReport.parse(input);
    expect(parsed).toEqual({ ...minimalReport(), pods: [pod({ containers: [{ name: 'c', ready: true }] })] });
    expect(parsed).not.toHaveProperty('futureKinds');
  });

  describe('array caps', () => {
    it.each([
      ['nodes', 5000, { uid: 'n', name: 'n', ready: true }],
      ['pods', 10_000, pod()],
      ['deployments', 5000, pod()],
      ['configMaps', 5000, pod()],
      ['persistentVolumes', 5000, { uid: 'v', name: 'v' }],
      ['events', 1000, {}],
    ])('caps %s at %i entries', (key, max, entry) => {
      expect(issuePaths({ ...minimalReport(), [key]: Array(max).fill(entry) })).toEqual([]);
      expect(issuePaths({ ...minimalReport(), [key]: Array(max + 1).fill(entry) })).toEqual([[key]]);
    });

    it('caps containers per pod at 256 and recovery lists at 1000', () => {
      const containers = (n: number) => Array(n).fill({ name: 'c', ready: true });
      expect(issuePaths({ ...minimalReport(), pods: [pod({ containers: containers(256) })] })).toEqual([]);
      expect(issuePaths({ ...minimalReport(), pods: [pod({ containers: containers(257) })] })).toEqual([
        ['pods', 0, 'containers'],
      ]);
      const backups = Array(1001).fill({ name: 'b' });
      expect(issuePaths({ ...minimalReport(), recovery: { veleroBackups: backups } })).toEqual([
        ['recovery', 'veleroBackups'],
      ]);
    });
  });

  it('parses the recorded fixture of a small cluster', () => {
    const raw: unknown = JSON.parse(
      readFileSync(new URL('../../../test/fixtures/kubernetes-report.json', import.meta.url), 'utf8'),
    );
    const report = KubernetesReport.parse(raw);
    expect(report.cluster.id).toMatch(/^[0-9a-f]{64}$/);
    expect(report.cluster.name).toBe('homelab');
    expect(report.nodes?.filter((n) => !n.ready)).toHaveLength(1);
    expect(report.namespaces).toHaveLength(4);
    expect(report.pods?.map((p) => p.phase)).toEqual(['Running', 'Pending', 'Failed']);
    expect(report.pods?.[0]?.containers?.[0]).toMatchObject({ state: 'waiting', reason: 'CrashLoopBackOff' });
    expect(report.pods?.[1]?.reason).toBe('Unschedulable');
    const lagging = report.deployments?.filter((d) => (d.readyReplicas ?? 0) < (d.desiredReplicas ?? 0));
    expect(lagging?.map((d) => d.name)).toEqual(['jellyfin']);
    expect(report.services).toHaveLength(2);
    expect(report.events?.length).toBeGreaterThan(0);
  });
});

describe('KubernetesReport: what real clusters and other agents send', () => {
  it('accepts a Pending pod with no node and a terminating pod, keeping the deletion fields', () => {
    const parsed = KubernetesReport.parse({
      ...minimalReport(),
      pods: [
        pod({ name: 'queued', phase: 'Pending', reason: 'Unschedulable', restarts: 0 }),
        pod({
          name: 'leaving',
          nodeName: 'node-1',
          phase: 'Running',
          reason: 'Terminating',
          terminating: true,
          deletionTimestamp: at,
        }),
      ],
    });
    expect(parsed.pods?.[0]?.nodeName).toBeUndefined();
    expect(parsed.pods?.[1]).toMatchObject({ terminating: true, deletionTimestamp: at, phase: 'Running' });
  });

  it('reads null as absent on optional fields and lists, as a Go agent writes nil pointers and slices', () => {
    const input = {
      ...minimalReport(),
      cluster: { id: clusterId, name: null, server: null, provider: null },
      nodes: [
        {
          uid: 'n1',
          name: 'node-1',
          ready: false,
          capacity: null,
          usage: { cpuMilliCores: null },
          roles: null,
        },
      ],
      pods: [
        pod({
          nodeName: null,
          startTime: null,
          labels: null,
          ownerKind: null,
          ownerName: null,
          usage: null,
          containers: [{ name: 'app', ready: false, state: null, restartCount: null, image: null }],
        }),
      ],
      deployments: null,
      events: null,
      recovery: null,
    };
    const result = KubernetesReport.safeParse(input);
    expect(result.error?.issues).toBeUndefined();
    // JSON drops the keys that read as undefined, as the server's answers do.
    expect(JSON.parse(JSON.stringify(result.data))).toEqual({
      ...minimalReport(),
      nodes: [{ uid: 'n1', name: 'node-1', ready: false, usage: {} }],
      pods: [pod({ containers: [{ name: 'app', ready: false }] })],
    });
  });

  it('still refuses null where a field is required, at its path', () => {
    expect(issuePaths({ ...minimalReport(), pods: [pod({ name: null })] })).toEqual([['pods', 0, 'name']]);
    expect(issuePaths({ ...minimalReport(), nodes: [{ uid: 'n', name: 'n', ready: null }] })).toEqual([
      ['nodes', 0, 'ready'],
    ]);
    expect(issuePaths({ ...minimalReport(), cluster: { id: null } })).toEqual([['cluster', 'id']]);
    expect(issuePaths({ ...minimalReport(), agent: null })).toEqual([['agent']]);
  });

  describe('string caps', () => {
    const name = (n: number) => 'n'.repeat(n);

    it('names, ids, kinds and reasons: 256 characters', () => {
      const ok = pod({ uid: name(256), name: name(256), namespace: name(256), reason: name(256) });
      expect(issuePaths({ ...minimalReport(), pods: [ok] })).toEqual([]);
      const long = pod({ name: name(257), nodeName: name(257), ownerKind: name(257) });
      expect(issuePaths({ ...minimalReport(), pods: [long] })).toEqual([
        ['pods', 0, 'name'],
        ['pods', 0, 'nodeName'],
        ['pods', 0, 'ownerKind'],
      ]);
      expect(issuePaths({ ...minimalReport(), cluster: { id: name(257) } })).toEqual([['cluster', 'id']]);
      expect(
        issuePaths({ ...minimalReport(), nodes: [{ uid: 'n', name: 'n', ready: true, roles: [name(257)] }] }),
      ).toEqual([['nodes', 0, 'roles', 0]]);
    });

    it('messages, errors, image references and the server URL: 4096 characters', () => {
      const text = (n: number) => 'm'.repeat(n);
      const container = (n: number) => ({ name: 'c', ready: false, image: text(n), message: text(n) });
      const fits = {
        ...minimalReport(),
        cluster: { id: clusterId, server: text(4096) },
        pods: [pod({ message: text(4096), containers: [container(4096)] })],
        events: [{ message: text(4096) }],
      };
      expect(issuePaths(fits)).toEqual([]);
      const long = {
        ...minimalReport(),
        pods: [pod({ message: text(4097), containers: [container(4097)] })],
        recovery: { volumeSnapshots: [{ name: 's', namespace: 'n', error: text(4097) }] },
      };
      expect(issuePaths(long)).toEqual([
        ['pods', 0, 'message'],
        ['pods', 0, 'containers', 0, 'image'],
        ['pods', 0, 'containers', 0, 'message'],
        ['recovery', 'volumeSnapshots', 0, 'error'],
      ]);
    });

    it('bounds every string field of every kind (maps are bounded by stringMap)', () => {
      const maps = new Set(['labels', 'selector', 'hard', 'used', 'aggregationLabels']);
      type Path = Array<string | number>;
      const stringPaths = (value: unknown, path: Path): Path[] => {
        if (typeof value === 'string') return [path];
        if (Array.isArray(value)) return value.flatMap((v, i) => stringPaths(v, [...path, i]));
        if (typeof value !== 'object' || value === null) return [];
        return Object.entries(value).flatMap(([key, v]) =>
          maps.has(key) ? [] : stringPaths(v, [...path, key]),
        );
      };
      const replaced = (value: unknown, path: Path, text: string): unknown => {
        const [head, ...rest] = path;
        if (head === undefined) return text;
        if (Array.isArray(value)) return value.map((v, i) => (i === head ? replaced(v, rest, text) : v));
        if (typeof value !== 'object' || value === null) return value;
        return Object.fromEntries(
          Object.entries(value).map(([key, v]) => [key, key === head ? replaced(v, rest, text) : v]),
        );
      };
      const paths = stringPaths(fullReport(), []);
      expect(paths.length).toBeGreaterThan(100);
      for (const path of paths) {
        expect(issuePaths(replaced(fullReport(), path, 'x'.repeat(4097))), path.join('.')).toEqual([path]);
      }
    });
  });
});

describe('KubernetesReportResponse', () => {
  const response = { success: true, clusterId, nodes: 3, pods: 3, deployments: 2, lastSeen: at };

  it('parses the server answer', () => {
    expect(KubernetesReportResponse.parse(response)).toEqual(response);
  });

  it('rejects counts that are not whole numbers', () => {
    const result = KubernetesReportResponse.safeParse({ ...response, pods: 2.5, nodes: -1 });
    expect(result.error?.issues.map((i) => i.path)).toEqual([['nodes'], ['pods']]);
  });
});

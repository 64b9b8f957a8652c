// The Kubernetes collector against the simulator over HTTPS with a bearer token: what it reports, what it
// leaves out and says why, and how it fails.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VersionApi } from '@kubernetes/client-node';
import { createLogger, KubernetesReport } from '@pulse/shared';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createKubernetesCollector,
  type KubernetesCollection,
  type KubernetesCollectorOptions,
} from '../agent/src/collectors/kubernetes/collect.ts';
import { ClusterLost } from '../agent/src/collectors/kubernetes/errors.ts';
import { loadKubeConfig } from '../agent/src/collectors/kubernetes/kubeconfig.ts';
import { defaultFixtures, withExtraPods } from './k8s-sim/fixtures.ts';
import { ODD, oddFixtures } from './k8s-sim/fixtures-odd.ts';
import { nightlyJobName } from './k8s-sim/fixtures-pods.ts';
import { type KubeSim, startKubeSim } from './k8s-sim/server.ts';

const TOKEN = 'sim-token-7c1e2a';
const NOW = Date.now();
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** The problem pods of the default fixtures, problem-first order being namespace/name. */
const PROBLEM_PODS = [
  `default/${nightlyJobName(NOW)}-9zq7w`, // Failed: restic exited 2
  'default/homepage-7b8c9d6f5-8hmzc', // Pending: Unschedulable
  'default/homepage-7b8c9d6f5-t4wql', // Pending: Init:ImagePullBackOff
  'kube-system/kube-proxy-zt5hc', // Running on the unreachable node, Ready=False
  'media/sonarr-6c9f8d7b5d-qv8rn', // CrashLoopBackOff
];

interface LogLine {
  level: string;
  msg: string;
  [field: string]: unknown;
}

function options(sim: KubeSim, over: Partial<KubernetesCollectorOptions> = {}) {
  const lines: LogLine[] = [];
  const opts: KubernetesCollectorOptions = {
    kubeconfig: sim.kubeconfigPath,
    includeNamespaces: [],
    excludeNamespaces: [],
    includeAllPods: false,
    includeAllDeployments: false,
    maxPods: 200,
    env: {},
    log: createLogger('debug', (l) => lines.push(JSON.parse(l))),
    ...over,
  };
  return { opts, lines };
}

/** A connected collector; closed after the test. */
const open: Array<() => void> = [];
async function connected(sim: KubeSim, over: Partial<KubernetesCollectorOptions> = {}) {
  const { opts, lines } = options(sim, over);
  const collector = createKubernetesCollector(opts);
  open.push(() => collector.close());
  const connection = await collector.connect();
  expect(connection.ok).toBe(true);
  return { collector, lines };
}

/** Where a JSON value holds null: the agent leaves an unset field out instead. */
function nullPaths(value: unknown, path = ''): string[] {
  if (value === null) return [path];
  if (typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, v]) => nullPaths(v, `${path}/${key}`));
}

/** The report the agent would send, as the wire carries it, checked with the server's own schema. */
function report(c: KubernetesCollection) {
  const { notes: _notes, ...rest } = c;
  const out = {
    agent: { id: 'a', version: '0.1.0', type: 'unified', intervalSeconds: 30 },
    timestamp: new Date().toISOString(),
    ...rest,
  };
  const wire: unknown = JSON.parse(JSON.stringify(out));
  expect(nullPaths(wire)).toEqual([]);
  const parsed = KubernetesReport.safeParse(wire);
  expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
  return parsed;
}

const keys = (items: Array<{ namespace: string; name: string }> | undefined) =>
  items?.map((i) => `${i.namespace}/${i.name}`);
const byName = <T extends { name: string }>(items: T[] | undefined, name: string) =>
  items?.find((i) => i.name === name);

let sim: KubeSim;
beforeAll(async () => {
  sim = await startKubeSim({ fixtures: defaultFixtures(NOW), tls: true, token: TOKEN });
});
afterEach(() => {
  for (const close of open.splice(0)) close();
  sim.failures.forbidden = [];
  sim.failures.unavailable = [];
  delete sim.failures.metrics;
});
afterAll(async () => {
  await sim?.stop();
});

describe('connect', () => {
  it('identifies the cluster: id = sha256(server|context|name), version from /version', async () => {
    const { opts } = options(sim);
    const collector = createKubernetesCollector(opts);
    open.push(() => collector.close());
    const got = await collector.connect();
    expect(got).toEqual({
      ok: true,
      cluster: {
        id: sha256(`${sim.url}|sim|sim-homelab`),
        name: 'sim-homelab',
        server: sim.url,
        context: 'sim',
        version: 'v1.31.4',
      },
    });
    const version = sim.requestLog.findLast((r) => r.url === '/version');
    expect(version).toMatchObject({ status: 200, authorization: 'Bearer ***' });
    expect(version?.userAgent).toMatch(/^pulse-agent\//);
  });

  it('a wrong token: ok false with 401 Unauthorized, not retried', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kube-collector-'));
    try {
      const kubeconfig = join(dir, 'kubeconfig');
      writeFileSync(kubeconfig, sim.kubeconfig('not-the-token'));
      const before = sim.requests.length;
      const collector = createKubernetesCollector(options(sim, { kubeconfig }).opts);
      const got = await collector.connect();
      expect(got).toEqual({ ok: false, reason: `${sim.url} (--kubeconfig ${kubeconfig}): 401 Unauthorized` });
      expect(sim.requests.slice(before)).toEqual(['/version']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('no kubeconfig anywhere: ok false with what was tried', async () => {
    const collector = createKubernetesCollector(
      options(sim, { kubeconfig: undefined, env: { HOME: '/nonexistent' } }).opts,
    );
    const got = await collector.connect();
    expect(got.ok).toBe(false);
    if (!got.ok) expect(got.reason).toMatch(/^no Kubernetes credentials: no --kubeconfig; not in a pod/);
  });

  it('in-cluster: the service account files and KUBERNETES_SERVICE_* reach the sim', async () => {
    const sa = mkdtempSync(join(tmpdir(), 'kube-sa-'));
    try {
      writeFileSync(join(sa, 'token'), TOKEN);
      writeFileSync(join(sa, 'ca.crt'), readFileSync(sim.caCertPath ?? ''));
      writeFileSync(join(sa, 'namespace'), 'monitoring');
      const port = new URL(sim.url).port;
      const env = { KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: port };
      const loaded = loadKubeConfig({ env, serviceAccountDir: sa });
      expect(loaded).toMatchObject({
        ok: true,
        server: sim.url,
        namespace: 'monitoring',
        context: undefined,
      });
      if (!loaded.ok) return;
      expect((await loaded.kc.makeApiClient(VersionApi).getCode()).gitVersion).toBe('v1.31.4');
    } finally {
      rmSync(sa, { recursive: true, force: true });
    }
  });
});

describe('collect with the default fixtures', () => {
  it('reports nodes with readiness and metrics.k8s.io usage', async () => {
    const { collector } = await connected(sim);
    const got = await collector.collect();
    expect(got.notes).toEqual({});
    expect(got.nodes?.map((n) => [n.name, n.ready])).toEqual([
      ['k8s-cp-1', true],
      ['k8s-w-1', true],
      ['k8s-w-2', false],
    ]);
    expect(byName(got.nodes, 'k8s-cp-1')?.usage).toEqual({ cpuMilliCores: 250, memoryBytes: 1024 * 2 ** 20 });
    // 1534021876n rounds up to 1535m, as Go's MilliValue does; 6291456Ki is 6 GiB.
    expect(byName(got.nodes, 'k8s-w-1')?.usage).toEqual({ cpuMilliCores: 1535, memoryBytes: 6 * 2 ** 30 });
    expect(byName(got.nodes, 'k8s-w-2')?.usage).toBeUndefined();
    expect(byName(got.nodes, 'k8s-cp-1')).toMatchObject({
      roles: ['control-plane'],
      capacity: { cpuCores: 4, memoryBytes: 16_318_412 * 1024, pods: 110 },
      kubeletVersion: 'v1.31.4',
    });
    expect(byName(got.nodes, 'k8s-w-2')?.architecture).toBe('arm64');
    report(got);
  });

  it('reports only the problem pods, each with its reason', async () => {
    const { collector } = await connected(sim);
    const got = await collector.collect();
    expect(keys(got.pods)).toEqual(PROBLEM_PODS);
    const reasons = Object.fromEntries(got.pods?.map((p) => [p.name, [p.phase, p.reason]]) ?? []);
    expect(reasons).toMatchObject({
      'sonarr-6c9f8d7b5d-qv8rn': ['Running', 'CrashLoopBackOff'],
      'homepage-7b8c9d6f5-8hmzc': ['Pending', 'Unschedulable'],
      'homepage-7b8c9d6f5-t4wql': ['Pending', 'Init:ImagePullBackOff'],
      [`${nightlyJobName(NOW)}-9zq7w`]: ['Failed', 'Error'],
      'kube-proxy-zt5hc': ['Running', undefined],
    });
    const sonarr = byName(got.pods, 'sonarr-6c9f8d7b5d-qv8rn');
    expect(sonarr).toMatchObject({ restarts: 14, ownerKind: 'ReplicaSet', ownerName: 'sonarr-6c9f8d7b5d' });
    expect(sonarr?.containers).toEqual([
      expect.objectContaining({ name: 'sonarr', ready: false, state: 'waiting', reason: 'CrashLoopBackOff' }),
    ]);
  });

  it('with includeAllPods reports all 14 pods, problem pods first, with usage where metrics exist', async () => {
    const { collector } = await connected(sim, { includeAllPods: true });
    const got = await collector.collect();
    expect(got.pods).toHaveLength(14);
    expect(keys(got.pods)?.slice(0, 5)).toEqual(PROBLEM_PODS);
    expect(byName(got.pods, 'jellyfin-5d8f7b9c4b-x7t2m')?.usage).toEqual({
      cpuMilliCores: 813,
      memoryBytes: 1_843_200 * 1024,
    });
    expect(byName(got.pods, 'db-migrate-lx8kd')).toMatchObject({ phase: 'Succeeded', usage: undefined });
    report(got);
  });

  it('reports only the problem deployments unless includeAllDeployments', async () => {
    const problems = await (await connected(sim)).collector.collect();
    expect(problems.deployments?.map((d) => [d.name, d.desiredReplicas, d.readyReplicas])).toEqual([
      ['homepage', 3, 1],
      ['sonarr', 1, undefined],
    ]);
    const all = await (await connected(sim, { includeAllDeployments: true })).collector.collect();
    expect(keys(all.deployments)).toEqual([
      'default/homepage',
      'kube-system/coredns',
      'media/jellyfin',
      'media/sonarr',
    ]);
  });

  it('reports the other kinds with their counters', async () => {
    const { collector } = await connected(sim);
    const got = await collector.collect();
    expect(got.namespaces?.map((n) => [n.name, n.phase])).toEqual([
      ['default', 'Active'],
      ['kube-system', 'Active'],
      ['media', 'Active'],
      ['monitoring', 'Active'],
    ]);
    expect(got.replicaSets).toHaveLength(5);
    expect(byName(got.replicaSets, 'homepage-7b8c9d6f5')).toMatchObject({
      desiredReplicas: 3,
      readyReplicas: 1,
      ownerKind: 'Deployment',
      ownerName: 'homepage',
    });
    expect(got.statefulSets).toEqual([
      expect.objectContaining({
        name: 'prometheus',
        desiredReplicas: 1,
        readyReplicas: 1,
        serviceName: 'prometheus',
      }),
    ]);
    expect(got.daemonSets).toEqual([
      expect.objectContaining({
        name: 'kube-proxy',
        desiredNumberScheduled: 3,
        numberReady: 2,
        numberUnavailable: 1,
      }),
    ]);
    expect(got.jobs?.map((j) => [j.name, j.failed, j.succeeded])).toEqual([
      [nightlyJobName(NOW), 1, undefined],
      ['db-migrate', undefined, 1],
    ]);
    expect(got.cronJobs).toEqual([
      expect.objectContaining({ name: 'backup-nightly', schedule: '0 3 * * *', suspend: false }),
    ]);
    expect(got.cronJobs?.[0]?.lastScheduleTime).toMatch(/T03:00:00\.000Z$/);
    expect(got.services).toHaveLength(6);
    expect(byName(got.services, 'jellyfin')).toMatchObject({
      type: 'LoadBalancer',
      externalIps: ['192.168.10.240'],
      ports: [{ name: 'http', port: 8096, targetPort: '8096', nodePort: 31596, protocol: 'TCP' }],
    });
    expect(got.events).toHaveLength(8);
    expect(got.events?.slice(0, 5).every((e) => e.type === 'Warning')).toBe(true);
    const scheduling = got.events?.find((e) => e.reason === 'FailedScheduling');
    expect(scheduling).toMatchObject({
      count: 36,
      involvedKind: 'Pod',
      involvedName: 'homepage-7b8c9d6f5-8hmzc',
    });
    expect(scheduling?.lastSeen).toMatch(/Z$/);
  });

  it('lists in pages of 250', async () => {
    const before = sim.requests.length;
    await (await connected(sim)).collector.collect();
    const lists = sim.requests.slice(before).filter((u) => u !== '/version');
    expect(lists).toContain('/api/v1/pods?limit=250');
    expect(lists).toContain('/apis/apps/v1/deployments?limit=250');
    expect(
      lists.filter((u) => !u.startsWith('/apis/metrics.k8s.io/')).every((u) => u.endsWith('limit=250')),
    ).toBe(true);
  });
});

describe('namespace filters', () => {
  it('--kube-include-namespace lists those namespaces only, one request each', async () => {
    const before = sim.requests.length;
    const { collector } = await connected(sim, { includeNamespaces: ['media'], includeAllDeployments: true });
    const got = await collector.collect();
    expect(keys(got.pods)).toEqual(['media/sonarr-6c9f8d7b5d-qv8rn']);
    expect(keys(got.deployments)).toEqual(['media/jellyfin', 'media/sonarr']);
    expect(keys(got.services)).toEqual(['media/jellyfin', 'media/sonarr']);
    expect(got.events?.every((e) => e.namespace === 'media')).toBe(true);
    expect(got.namespaces?.map((n) => n.name)).toEqual(['media']);
    expect(got.nodes).toHaveLength(3);
    expect(sim.requests.slice(before)).toContain('/api/v1/namespaces/media/pods?limit=250');
    expect(sim.requests.slice(before)).not.toContain('/api/v1/pods?limit=250');
  });

  it('--kube-exclude-namespace drops those namespaces from every kind', async () => {
    const { collector } = await connected(sim, { excludeNamespaces: ['kube-system'], includeAllPods: true });
    const got = await collector.collect();
    expect(got.pods?.some((p) => p.namespace === 'kube-system')).toBe(false);
    expect(got.pods).toHaveLength(8);
    expect(got.daemonSets).toEqual([]);
    expect(got.namespaces?.map((n) => n.name)).toEqual(['default', 'media', 'monitoring']);
  });
});

describe('scale: 300 extra pods', () => {
  let big: KubeSim;
  beforeAll(async () => {
    big = await startKubeSim({
      fixtures: withExtraPods(defaultFixtures(NOW), 300, { now: NOW }),
      tls: true,
      token: TOKEN,
    });
  });
  afterAll(async () => {
    await big?.stop();
  });

  it('caps at --kube-max-pods (200), problem pods first, with a note; pages through continue', async () => {
    const { collector, lines } = await connected(big, { includeAllPods: true });
    const started = performance.now();
    const got = await collector.collect();
    const ms = performance.now() - started;
    expect(got.pods).toHaveLength(200);
    expect(keys(got.pods)?.slice(0, 5)).toEqual(PROBLEM_PODS);
    expect(got.notes.pods).toBe('314 pods matched; 200 reported (--kube-max-pods), problem pods first');
    expect(lines).toContainEqual(
      expect.objectContaining({ level: 'warn', kind: 'pods', note: got.notes.pods }),
    );
    expect(big.requests).toContain('/api/v1/pods?limit=250');
    expect(big.requests.filter((u) => /^\/api\/v1\/pods\?continue=[\w-]+&limit=250$/.test(u))).toHaveLength(
      1,
    );
    report(got);
    console.info(`kubernetes collect, 314 pods, includeAllPods: ${ms.toFixed(0)} ms`);
  });

  it('without includeAllPods the 300 healthy pods are left out', async () => {
    const { collector } = await connected(big);
    const got = await collector.collect();
    expect(keys(got.pods)).toEqual(PROBLEM_PODS);
    expect(got.notes).toEqual({});
  });
});

describe('odd cluster states still make a report the server accepts', () => {
  let odd: KubeSim;
  beforeAll(async () => {
    odd = await startKubeSim({ fixtures: oddFixtures(NOW), tls: true, token: TOKEN });
  });
  afterAll(async () => {
    await odd?.stop();
  });

  it('a pod the scheduler has not placed, sent with nulls, is a problem pod with no node', async () => {
    const { collector } = await connected(odd);
    const got = await collector.collect();
    const parsed = report(got);
    const queued = parsed.data?.pods?.find((p) => p.name === ODD.queued);
    expect(queued).toMatchObject({ namespace: 'default', phase: 'Pending', restarts: 0 });
    expect(queued?.nodeName).toBeUndefined();
    expect(queued?.startTime).toBeUndefined();
    expect(queued?.containers).toEqual([{ name: 'app', image: 'nginx:1.27.3', ready: false }]);
    // The rest of the cluster is still there: one odd pod no longer costs the whole report.
    expect(parsed.data?.nodes).toHaveLength(4);
    expect(parsed.data?.pods?.map((p) => p.name)).toContain('sonarr-6c9f8d7b5d-qv8rn');
  });

  it('a pod being deleted reads Terminating with its deadline, phase still Running', async () => {
    const { collector } = await connected(odd, { includeAllPods: true });
    const got = await collector.collect();
    const parsed = report(got);
    const leaving = parsed.data?.pods?.find((p) => p.name === ODD.leaving);
    expect(leaving).toMatchObject({
      phase: 'Running',
      reason: 'Terminating',
      terminating: true,
      nodeName: 'k8s-w-1',
      ownerKind: 'ReplicaSet',
    });
    const deadline = Date.parse(leaving?.deletionTimestamp ?? '');
    expect(Math.abs(deadline - (NOW + ODD.graceLeft * 1000))).toBeLessThan(1000);
    expect(byName(parsed.data?.pods, 'sonarr-6c9f8d7b5d-qv8rn')?.terminating).toBeUndefined();
  });

  it('a bare pod with no owner, no labels and no status block is reported by name only', async () => {
    const { collector } = await connected(odd, { includeAllPods: true });
    const parsed = report(await collector.collect());
    const bare = parsed.data?.pods?.find((p) => p.name === ODD.bare);
    expect(bare).toEqual({
      uid: expect.any(String),
      name: ODD.bare,
      namespace: 'default',
      createdAt: expect.any(String),
      restarts: 0,
      containers: [{ name: ODD.bare, image: 'busybox:1.37', ready: false }],
    });
  });

  it('a node that has not posted status is not ready and has no versions, capacity or usage', async () => {
    const { collector } = await connected(odd);
    const parsed = report(await collector.collect());
    expect(byName(parsed.data?.nodes, ODD.joining)).toEqual({
      uid: expect.any(String),
      name: ODD.joining,
      ready: false,
    });
    // metrics-server lists the nodes it could scrape; the others still have theirs.
    expect(byName(parsed.data?.nodes, 'k8s-w-1')?.usage).toBeDefined();
  });

  it('a deployment with no status yet is a problem with nothing ready', async () => {
    const { collector } = await connected(odd);
    const parsed = report(await collector.collect());
    expect(byName(parsed.data?.deployments, ODD.fresh)).toMatchObject({ desiredReplicas: 1 });
    expect(byName(parsed.data?.deployments, ODD.fresh)?.readyReplicas).toBeUndefined();
  });
});

describe('partial data is a note, not a failed cycle', () => {
  it('metrics.k8s.io missing: no usage and a note', async () => {
    sim.failures.metrics = 'missing';
    const { collector } = await connected(sim, { includeAllPods: true });
    const got = await collector.collect();
    expect(got.nodes?.every((n) => n.usage === undefined)).toBe(true);
    expect(got.pods?.every((p) => p.usage === undefined)).toBe(true);
    expect(got.notes).toEqual({
      metrics: 'no usage: metrics.k8s.io is not served (metrics-server not installed?)',
    });
    report(got);
  });

  it('metrics-server down (503): no usage and a note naming the 503', async () => {
    sim.failures.metrics = 'unavailable';
    const { collector } = await connected(sim);
    const got = await collector.collect();
    expect(got.nodes).toHaveLength(3);
    expect(got.notes.metrics).toBe('no usage: 503 ServiceUnavailable: service unavailable');
  });

  it('cronjobs forbidden by RBAC: the kind is absent, a note says why, logged once', async () => {
    sim.failures.forbidden = ['/apis/batch/v1/cronjobs'];
    const { collector, lines } = await connected(sim);
    const got = await collector.collect();
    expect(got.cronJobs).toBeUndefined();
    expect(got.jobs).toHaveLength(2);
    expect(got.notes).toEqual({
      cronJobs:
        'cronjobs.batch omitted: 403 Forbidden: cronjobs.batch is forbidden: User "system:serviceaccount:monitoring:pulse-agent" cannot list resource "cronjobs" in API group "batch" at the cluster scope',
    });
    report(got);
    await collector.collect();
    expect(lines.filter((l) => l.kind === 'cronJobs')).toHaveLength(1);
    sim.failures.forbidden = [];
    expect((await collector.collect()).cronJobs).toHaveLength(1);
    expect(lines.at(-1)).toMatchObject({
      level: 'info',
      msg: 'kubernetes: complete again',
      kind: 'cronJobs',
    });
  });

  it('a 503 on one kind is retried 3 times, then that kind is a note', async () => {
    sim.failures.unavailable = ['/apis/apps/v1/statefulsets'];
    const before = sim.requests.length;
    const { collector } = await connected(sim);
    const got = await collector.collect();
    expect(got.statefulSets).toBeUndefined();
    expect(got.notes.statefulSets).toMatch(/^statefulsets\.apps omitted: 503 ServiceUnavailable: /);
    expect(sim.requests.slice(before).filter((u) => u.startsWith('/apis/apps/v1/statefulsets'))).toHaveLength(
      4,
    );
  });
});

describe('ClusterLost', () => {
  it('pods forbidden: a core kind, so the cycle fails with ClusterLost and the 403', async () => {
    sim.failures.forbidden = ['/api/v1/pods'];
    const { collector } = await connected(sim);
    const err = await collector.collect().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClusterLost);
    expect(String(err)).toMatch(/^ClusterLost: listing pods: 403 Forbidden: pods is forbidden/);
  });

  it('the API server going away mid-run: collect throws ClusterLost naming the network error', async () => {
    const own = await startKubeSim({ fixtures: defaultFixtures(NOW), tls: true, token: TOKEN });
    // CA inline: the sim's own kubeconfig points at a CA file that stop() deletes, which would fail first.
    const dir = mkdtempSync(join(tmpdir(), 'kube-collector-'));
    const ca = readFileSync(own.caCertPath ?? '').toString('base64');
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      own.kubeconfig(TOKEN).replace(/certificate-authority: .*/, `certificate-authority-data: ${ca}`),
    );
    try {
      const { collector } = await connected(own, { kubeconfig });
      expect((await collector.collect()).nodes).toHaveLength(3);
      await own.stop();
      const err = await collector.collect().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ClusterLost);
      expect(String(err)).toMatch(/ECONNREFUSED/);
      expect(await collector.connect()).toMatchObject({ ok: false });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('collect before connect is ClusterLost', async () => {
    const collector = createKubernetesCollector(options(sim).opts);
    await expect(collector.collect()).rejects.toBeInstanceOf(ClusterLost);
  });
});

describe('timing', () => {
  it('one collect of the default fixtures', async () => {
    const { collector } = await connected(sim, { includeAllPods: true, includeAllDeployments: true });
    await collector.collect(); // warm: TLS session and JIT
    const runs: number[] = [];
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      await collector.collect();
      runs.push(performance.now() - started);
    }
    runs.sort((a, b) => a - b);
    console.info(`kubernetes collect, default fixtures: median ${runs[2]?.toFixed(0)} ms of 5`);
    expect(runs[2]).toBeLessThan(5000);
  });
});

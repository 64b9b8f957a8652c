// The Kubernetes simulator speaks the real protocol: @kubernetes/client-node 2.0.1 and (when installed)
// kubectl list from it over HTTPS with a bearer token, and it fails the way kube-apiserver fails.
import { execFile } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultFixtures } from './k8s-sim/fixtures.ts';
import { ODD, oddFixtures } from './k8s-sim/fixtures-odd.ts';
import { type KubeSim, startKubeSim } from './k8s-sim/server.ts';
import type { KubeFixtures, KubeObject } from './k8s-sim/types.ts';

const run = promisify(execFile);
const TOKEN = 'sim-token-3f9a1c';

/** kubectl on PATH, if any. */
function findKubectl(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, 'kubectl');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {}
  }
  return undefined;
}

/** namespace/name in etcd key order, as a list comes back. */
const keys = (objects: Array<{ metadata?: { namespace?: string; name?: string } }>) =>
  objects
    .map((o) => `${o.metadata?.namespace ?? ''}/${o.metadata?.name}`)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

/** The Status an ApiException carries (client-node keeps the raw response text as body). */
function statusOf(err: unknown): { code?: number; reason?: string; message?: string } {
  expect(err).toBeInstanceOf(k8s.ApiException);
  const body = (err as k8s.ApiException<unknown>).body;
  return typeof body === 'string' ? JSON.parse(body) : (body as object);
}

async function caught(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

let sim: KubeSim;
let fixtures: KubeFixtures;
let kc: k8s.KubeConfig;

beforeAll(async () => {
  fixtures = defaultFixtures();
  sim = await startKubeSim({ fixtures, tls: true, token: TOKEN });
  kc = new k8s.KubeConfig();
  kc.loadFromFile(sim.kubeconfigPath);
});

afterAll(async () => {
  await sim?.stop();
});

describe('@kubernetes/client-node against the simulator', () => {
  it('reads the kubeconfig the sim wrote', () => {
    expect(kc.getCurrentContext()).toBe('sim');
    expect(kc.getCurrentCluster()).toMatchObject({
      name: 'sim-homelab',
      server: sim.url,
      caFile: sim.caCertPath,
    });
    expect(sim.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  });

  it('lists nodes with their conditions and taints', async () => {
    const list = await kc.makeApiClient(k8s.CoreV1Api).listNode();
    expect(list.kind).toBe('NodeList');
    expect(list.metadata?.resourceVersion).toMatch(/^\d+$/);
    expect(list.items.map((n) => n.metadata?.name)).toEqual(['k8s-cp-1', 'k8s-w-1', 'k8s-w-2']);
    const ready = (n: k8s.V1Node) => n.status?.conditions?.find((c) => c.type === 'Ready')?.status;
    expect(list.items.map(ready)).toEqual(['True', 'True', 'Unknown']);
    const w2 = list.items[2];
    expect(w2?.spec?.taints?.map((t) => `${t.key}:${t.effect}`)).toEqual([
      'node.kubernetes.io/unreachable:NoSchedule',
      'node.kubernetes.io/unreachable:NoExecute',
    ]);
    expect(w2?.metadata?.creationTimestamp).toBeInstanceOf(Date);
    expect(w2?.status?.nodeInfo?.architecture).toBe('arm64');
    expect(w2?.metadata?.uid).toBe(fixtures.nodes[2]?.metadata.uid);
  });

  it('pages listPodForAllNamespaces with limit=5 through continue tokens', async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const names: string[] = [];
    const versions = new Set<string | undefined>();
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await core.listPodForAllNamespaces({ limit: 5, ...(token ? { _continue: token } : {}) });
      pages++;
      expect(page.items.length).toBeLessThanOrEqual(5);
      names.push(...page.items.map((p) => `${p.metadata?.namespace}/${p.metadata?.name}`));
      versions.add(page.metadata?.resourceVersion);
      token = page.metadata?._continue;
    } while (token && pages < 10);
    expect(names).toEqual(keys(fixtures.pods));
    expect(pages).toBe(Math.ceil(fixtures.pods.length / 5));
    expect(versions.size).toBe(1);
    const continued = sim.requests.filter((u) => /^\/api\/v1\/pods\?continue=[\w-]+&limit=5$/.test(u));
    expect(continued).toHaveLength(pages - 1);

    const crash = (await core.listNamespacedPod({ namespace: 'media' })).items.find((p) =>
      p.metadata?.name?.startsWith('sonarr-'),
    );
    expect(crash?.status?.containerStatuses?.[0]?.state?.waiting?.reason).toBe('CrashLoopBackOff');
    expect(crash?.status?.containerStatuses?.[0]?.restartCount).toBe(14);
  });

  it('lists deployments, the other workloads, services and events', async () => {
    const apps = kc.makeApiClient(k8s.AppsV1Api);
    const deployments = await apps.listDeploymentForAllNamespaces();
    expect(deployments.kind).toBe('DeploymentList');
    expect(keys(deployments.items)).toEqual(keys(fixtures.deployments));
    const homepage = deployments.items.find((d) => d.metadata?.name === 'homepage');
    expect([homepage?.spec?.replicas, homepage?.status?.readyReplicas]).toEqual([3, 1]);

    const core = kc.makeApiClient(k8s.CoreV1Api);
    const batch = kc.makeApiClient(k8s.BatchV1Api);
    const lists = {
      namespaces: core.listNamespace(),
      services: core.listServiceForAllNamespaces(),
      events: core.listEventForAllNamespaces(),
      replicasets: apps.listReplicaSetForAllNamespaces(),
      statefulsets: apps.listStatefulSetForAllNamespaces(),
      daemonsets: apps.listDaemonSetForAllNamespaces(),
      jobs: batch.listJobForAllNamespaces(),
      cronjobs: batch.listCronJobForAllNamespaces(),
    };
    for (const [collection, list] of Object.entries(lists)) {
      const got = keys((await list).items);
      expect(got, collection).toEqual(keys(fixtures[collection as keyof typeof lists]));
    }
    const ds = (await apps.listDaemonSetForAllNamespaces()).items[0];
    expect([ds?.status?.desiredNumberScheduled, ds?.status?.numberReady]).toEqual([3, 2]);
  });

  it('gets the server version', async () => {
    const version = await kc.makeApiClient(k8s.VersionApi).getCode();
    expect(version.gitVersion).toBe(fixtures.version.gitVersion);
    expect(version.major).toBe('1');
    expect(sim.requests).toContain('/version'); // the generated '/version/' loses its slash in RequestContext
  });

  it('lists metrics.k8s.io node and pod metrics', async () => {
    const custom = kc.makeApiClient(k8s.CustomObjectsApi);
    const nodes = await custom.listClusterCustomObject({
      group: 'metrics.k8s.io',
      version: 'v1beta1',
      plural: 'nodes',
    });
    expect(nodes).toMatchObject({ kind: 'NodeMetricsList', apiVersion: 'metrics.k8s.io/v1beta1' });
    const usage = Object.fromEntries(
      (nodes.items as Array<{ metadata: { name: string }; usage: object }>).map((n) => [
        n.metadata.name,
        n.usage,
      ]),
    );
    expect(usage).toEqual(Object.fromEntries(fixtures.nodeMetrics.map((m) => [m.metadata.name, m.usage])));
    expect(usage['k8s-cp-1']).toEqual({ cpu: '250m', memory: '1024Mi' });
    expect(usage['k8s-w-2']).toBeUndefined();
    const pods = await custom.listClusterCustomObject({
      group: 'metrics.k8s.io',
      version: 'v1beta1',
      plural: 'pods',
    });
    expect(pods.items).toHaveLength(fixtures.podMetrics.length);
  });

  it('sends the headers the client library sends', () => {
    const record = sim.requestLog.find((r) => r.url === '/api/v1/nodes');
    expect(record).toMatchObject({
      accept: 'application/json, */*;q=0.8',
      userAgent: 'kubernetes-client-javascript/2.0.1',
      authorization: 'Bearer ***',
      status: 200,
    });
  });
});

describe('odd objects as client-node hands them over', () => {
  it('keeps a JSON null as null, although its types say `string | undefined`', async () => {
    const odd = await startKubeSim({ fixtures: oddFixtures(), tls: true, token: TOKEN });
    try {
      const oddKc = new k8s.KubeConfig();
      oddKc.loadFromFile(odd.kubeconfigPath);
      const core = oddKc.makeApiClient(k8s.CoreV1Api);
      const pods = (await core.listNamespacedPod({ namespace: 'default' })).items;
      const queued = pods.find((p) => p.metadata?.name === ODD.queued);
      // Why the collector prunes nulls before mapping: passed on, this null refuses the whole report.
      expect(queued?.spec?.nodeName).toBeNull();
      expect(queued?.status?.containerStatuses).toBeNull();
      expect(pods.find((p) => p.metadata?.name === ODD.bare)?.status).toBeUndefined();
      const leaving = pods.find((p) => p.metadata?.name === ODD.leaving);
      expect(leaving?.metadata?.deletionTimestamp).toBeInstanceOf(Date);
      expect(leaving?.status?.phase).toBe('Running');
      const joining = (await core.readNode({ name: ODD.joining })).status;
      expect([joining?.addresses, joining?.nodeInfo, joining?.conditions]).toEqual([
        undefined,
        undefined,
        null,
      ]);
    } finally {
      await odd.stop();
    }
  });
});

describe('failures as kube-apiserver answers them', () => {
  it('a wrong token gets 401 Unauthorized', async () => {
    const bad = new k8s.KubeConfig();
    bad.loadFromString(sim.kubeconfig('not-the-token'));
    const err = await caught(bad.makeApiClient(k8s.CoreV1Api).listNode());
    expect(err).toBeInstanceOf(k8s.ApiException);
    expect((err as k8s.ApiException<unknown>).code).toBe(401);
    expect(sim.requestLog.at(-1)).toMatchObject({ url: '/api/v1/nodes', status: 401 });
  });

  it('an unknown path or object is a 404 Status', async () => {
    const custom = kc.makeApiClient(k8s.CustomObjectsApi);
    const err = await caught(
      custom.listClusterCustomObject({ group: 'nope.example.com', version: 'v1', plural: 'x' }),
    );
    expect((err as k8s.ApiException<unknown>).code).toBe(404);
    expect(statusOf(err)).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'the server could not find the requested resource',
      reason: 'NotFound',
      details: {},
      code: 404,
    });
    const missing = await caught(kc.makeApiClient(k8s.CoreV1Api).readNode({ name: 'k8s-w-9' }));
    expect(statusOf(missing)).toMatchObject({
      code: 404,
      reason: 'NotFound',
      message: 'nodes "k8s-w-9" not found',
    });
  });

  it('RBAC denial is a 403 Forbidden Status', async () => {
    sim.failures.forbidden = ['/api/v1/nodes'];
    try {
      const err = await caught(kc.makeApiClient(k8s.CoreV1Api).listNode());
      expect(statusOf(err)).toMatchObject({
        code: 403,
        reason: 'Forbidden',
        message:
          'nodes is forbidden: User "system:serviceaccount:monitoring:pulse-agent" cannot list resource "nodes" in API group "" at the cluster scope',
      });
    } finally {
      sim.failures.forbidden = [];
    }
  });

  it('metrics-server missing is 404 and absent from /apis; down is a plain-text 503', async () => {
    const custom = kc.makeApiClient(k8s.CustomObjectsApi);
    const apis = kc.makeApiClient(k8s.ApisApi);
    const nodeMetrics = { group: 'metrics.k8s.io', version: 'v1beta1', plural: 'nodes' };
    try {
      sim.failures.metrics = 'missing';
      expect((await apis.getAPIVersions()).groups.map((g) => g.name)).toEqual(['apps', 'batch']);
      expect(
        (await caught(custom.listClusterCustomObject(nodeMetrics))) as k8s.ApiException<unknown>,
      ).toMatchObject({
        code: 404,
      });
      sim.failures.metrics = 'unavailable';
      expect((await apis.getAPIVersions()).groups.map((g) => g.name)).toContain('metrics.k8s.io');
      const down = (await caught(custom.listClusterCustomObject(nodeMetrics))) as k8s.ApiException<unknown>;
      expect([down.code, String(down.body).trim()]).toEqual([503, 'service unavailable']);
    } finally {
      delete sim.failures.metrics;
    }
  });

  it('a continue token from before a compaction gets 410 Expired', async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const first = await core.listPodForAllNamespaces({ limit: 5 });
    sim.compact();
    const err = await caught(
      core.listPodForAllNamespaces({ limit: 5, _continue: first.metadata?._continue ?? '' }),
    );
    expect(statusOf(err)).toMatchObject({ code: 410, reason: 'Expired' });
    const bad = await caught(core.listPodForAllNamespaces({ _continue: 'not-a-token' }));
    expect(statusOf(bad)).toMatchObject({ code: 400, reason: 'BadRequest' });
  });
});

describe('kubectl against the simulator', () => {
  const kubectl = findKubectl();
  let cacheDir = '';
  beforeAll(() => {
    cacheDir = mkdtempSync(join(tmpdir(), 'kube-sim-kubectl-'));
  });
  afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

  const kubectlRun = async (...args: string[]) => {
    if (!kubectl) throw new Error('no kubectl');
    const { stdout } = await run(
      kubectl,
      ['--kubeconfig', sim.kubeconfigPath, '--cache-dir', cacheDir, ...args],
      {
        timeout: 60_000,
        env: { ...process.env, HOME: cacheDir },
      },
    );
    return stdout;
  };

  it('lists nodes, pods and deployments and reads the version', { timeout: 120_000 }, async (ctx) => {
    if (!kubectl) return ctx.skip('kubectl is not on PATH (e.g. apt-get install kubernetes-client)');
    const nodes = JSON.parse(await kubectlRun('get', 'nodes', '-o', 'json'));
    expect(nodes.items.map((n: KubeObject) => n.metadata.name)).toEqual(['k8s-cp-1', 'k8s-w-1', 'k8s-w-2']);
    const pods = JSON.parse(await kubectlRun('get', 'pods', '-A', '-o', 'json'));
    expect(keys(pods.items)).toEqual(keys(fixtures.pods));
    const table = await kubectlRun('get', 'deployments', '-A');
    expect(table).toMatch(/^NAMESPACE\s+NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE$/m);
    expect(table).toMatch(/^default\s+homepage\s+1\/3\s+3\s+1\s+9d$/m);
    for (const d of fixtures.deployments) expect(table).toContain(d.metadata.name);
    const version = JSON.parse(await kubectlRun('version', '-o', 'json'));
    expect(version.serverVersion.gitVersion).toBe(fixtures.version.gitVersion);
  });
});

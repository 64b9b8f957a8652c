// GET /api/state over stored data that is hostile to it: nesting deeper than the stack, an item the
// projection cannot handle, strings long enough to be multiplied by every resource that copies them.
import {
  type DockerHostState,
  type HostState,
  type KubernetesClusterState,
  Resource,
  ResourceListResponse,
} from '@pulse/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { dockerReport, kubernetesReport } from '../../../testing/container-reports.ts';
import { FakeClock, type Harness, makeHarness } from '../../../testing/harness.ts';
import { postReport, reportFor } from '../../../testing/reports.ts';

let h: Harness;
let clock: FakeClock;
let admin: string;

beforeEach(async () => {
  clock = new FakeClock(Date.parse('2026-11-22T10:00:00Z'));
  h = await makeHarness({ clock });
  admin = await h.token(['*'], 'admin');
  // One of each agent kind through its real route, so that the stored items are what ingest builds.
  const docker = await h.token(['docker:report'], 'docker-agent');
  const kube = await h.token(['kubernetes:report'], 'k8s-agent');
  const posted = [
    await postReport(h.app, docker, dockerReport(), { path: '/api/agents/docker/report', gzip: true }),
    await postReport(h.app, kube, kubernetesReport(), { path: '/api/agents/kubernetes/report', gzip: true }),
    await postReport(h.app, admin, reportFor({ hostname: 'web-1', machineId: 'machine-web-1' }), {
      gzip: true,
    }),
    await postReport(h.app, admin, reportFor({ hostname: 'db-1', machineId: 'machine-db-1' }), {
      gzip: true,
    }),
  ];
  expect(posted.map((r) => r.status)).toEqual([200, 200, 200, 200]);
});
afterEach(() => h.close());

async function readState(): Promise<{ status: number; text: string }> {
  const res = await h.app.request('/api/state', { headers: { 'X-API-Token': admin } });
  return { status: res.status, text: await res.text() };
}

/**
 * The parts of an answer these tests read. The stored items here break the report schemas on purpose, so
 * the collections are checked for what was kept rather than parsed with the schemas of valid data.
 */
const ServedState = z.object({
  dockerHosts: z.array(
    z.object({ id: z.string(), containers: z.array(z.object({ id: z.string() }).loose()) }),
  ),
  hosts: z.array(z.object({ id: z.string(), hostname: z.string() }).loose()),
  kubernetesClusters: z.array(z.object({ id: z.string() }).loose()),
  resources: z.array(Resource),
});

function only<T>(items: T[]): T {
  const [first] = items;
  if (items.length !== 1 || first === undefined) throw new Error(`expected one item, got ${items.length}`);
  return first;
}

const storedDocker = (): DockerHostState => only(h.deps.state.dockerHosts.list());
const storedCluster = (): KubernetesClusterState => only(h.deps.state.kubernetesClusters.list());
const storedHost = (hostname: string): HostState =>
  only(h.deps.state.hosts.list().filter((x) => x.hostname === hostname));

/** A JSON object of strings and objects: what a healthcheck target may hold under any report schema. */
interface Nested {
  [key: string]: string | Nested;
}

/**
 * `depth` levels of prototype-less objects, as zod builds the records of a report: one such object sends
 * V8's JSON.stringify down its recursive path, which overflows the stack after a few thousand levels.
 */
function nested(depth: number): Nested {
  let value: Nested = Object.create(null);
  value.leaf = 'end';
  for (let i = 0; i < depth; i++) {
    const outer: Nested = Object.create(null);
    outer.next = value;
    value = outer;
  }
  return value;
}

describe('GET /api/state over stored data it cannot serialise whole', () => {
  it('serves a Docker host whose healthcheck target nests 20,000 levels deep, and everything else whole', async () => {
    const host = storedDocker();
    const [first, ...rest] = host.containers;
    if (!first) throw new Error('the fixture has containers');
    h.deps.state.dockerHosts.upsert(
      { ...host, containers: [{ ...first, healthcheckTargets: [nested(20_000)] }, ...rest] },
      clock.now(),
    );

    for (let read = 0; read < 2; read++) {
      const { status, text } = await readState();
      expect(status).toBe(200);
      const state = ServedState.parse(JSON.parse(text));
      const served = only(state.dockerHosts);
      // The deep part is cut, the host and its containers are all there.
      expect(served.id).toBe(host.id);
      expect(served.containers.map((c) => c.id)).toEqual(host.containers.map((c) => c.id));
      expect(served.containers.slice(1)).toEqual(JSON.parse(JSON.stringify(rest)));
      expect(state.hosts.map((x) => x.hostname).sort()).toEqual(['db-1', 'web-1']);
      expect(state.kubernetesClusters).toHaveLength(1);
      const types = state.resources.map((r) => r.type);
      expect(types.filter((t) => t === 'app-container')).toHaveLength(host.containers.length);
      expect(types).toContain('docker-host');
    }
  });

  it('leaves out of resources only the item whose projection throws', async () => {
    const broken = { ...storedHost('db-1') };
    // Stored data no schema would let in, as a bug or an older version could leave it.
    Reflect.set(broken, 'networkInterfaces', null);
    h.deps.state.hosts.upsert(broken, clock.now());

    const { status, text } = await readState();
    expect(status).toBe(200);
    const { resources, hosts } = ServedState.parse(JSON.parse(text));
    expect(resources.filter((r) => r.type === 'agent').map((r) => r.name)).toEqual(['web-1']);
    expect(resources.some((r) => r.type === 'app-container')).toBe(true);
    // The collection still lists the host as stored.
    expect(hosts.map((x) => x.hostname).sort()).toEqual(['db-1', 'web-1']);

    const page = await h.app.request('/api/resources?type=agent', { headers: { 'X-API-Token': admin } });
    expect(page.status).toBe(200);
    expect(ResourceListResponse.parse(await page.json()).data.map((r) => r.name)).toEqual(['web-1']);
  });
});

/** JSON bytes of every stored item the answer lists: the inventory the answer is a projection of. */
function inventoryBytes(): number {
  const s = h.deps.state;
  return Buffer.byteLength(
    JSON.stringify([s.hosts.list(), s.dockerHosts.list(), s.kubernetesClusters.list()]),
  );
}

/** A resource is a summary of one item: fixed fields plus bounded copies of the item's names. */
const RESOURCE_BYTES = 4 * 1024;

describe('GET /api/state size', () => {
  it('copies a long stored string into resources a bounded number of times and bytes', async () => {
    const long = (c: string) => c.repeat(20_000);
    const host = storedDocker();
    const template = host.containers[0];
    if (!template) throw new Error('the fixture has containers');
    h.deps.state.dockerHosts.upsert(
      {
        ...host,
        hostname: long('h'),
        displayName: long('d'),
        containers: Array.from({ length: 200 }, (_, i) => ({
          ...template,
          id: `container-${i}`,
          name: long('n'),
          image: long('i'),
          state: 'running',
          health: long('x'),
          networks: Array.from({ length: 50 }, (_, n) => ({
            name: `net-${n}`,
            ipv4: long('4').slice(0, 500),
          })),
        })),
      },
      clock.now(),
    );
    const cluster = storedCluster();
    const pod = cluster.pods[0];
    if (!pod) throw new Error('the fixture has pods');
    h.deps.state.kubernetesClusters.upsert(
      {
        ...cluster,
        name: long('c'),
        displayName: long('k'),
        pods: Array.from({ length: 500 }, (_, i) => ({ ...pod, name: `pod-${i}` })),
      },
      clock.now(),
    );
    const web = storedHost('web-1');
    h.deps.state.hosts.upsert(
      { ...web, hostname: long('w'), displayName: long('v'), osName: long('o') },
      clock.now(),
    );

    const { status, text } = await readState();
    expect(status).toBe(200);
    const state = ServedState.parse(JSON.parse(text));
    const oversized = state.resources.filter((r) => Buffer.byteLength(JSON.stringify(r)) > RESOURCE_BYTES);
    expect(oversized.map((r) => r.type)).toEqual([]);
    const inventory = inventoryBytes();
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(
      2 * inventory + RESOURCE_BYTES * state.resources.length,
    );
  });
});

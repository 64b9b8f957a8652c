// The catalog answers exactly what the full scan answers (queryResources over allResources), after any
// sequence of changes, for any query; and a report costs a re-projection of its own item only.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
  DockerHostState,
  KubernetesClusterState,
  Resource,
  ResourceListResponse,
  ResourceQuery,
} from '@pulse/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  cephItem,
  clusterItem,
  Dice,
  diskItem,
  dockerItem,
  dockerReport,
  guestItem,
  hostItem,
  hostReport,
  nodeItem,
  pbsItem,
  pmgItem,
  randomQuery,
  storageItem,
  type Templates,
  templatesFromFixtures,
} from '../../testing/resource-inventory.ts';
import type { Clock } from '../clock.ts';
import { openDb } from '../db/client.ts';
import { type MetadataKind, MetadataStore } from '../metadata/metadata-store.ts';
import { HostLinkStore } from '../sources/proxmox/host-links.ts';
import type { SerialiseFailure } from './json-stream.ts';
import { LiveState } from './live-state.ts';
import { allResources } from './project-state.ts';
import { ProxmoxLists } from './proxmox-lists.ts';
import { ResourceCatalog } from './resource-catalog.ts';
import { queryResources, resourceStats } from './resource-query.ts';

const NOW = Date.parse('2026-11-01T12:00:00Z');
const templates: Templates = templatesFromFixtures(NOW);
/** The real metadata and link stores, on a real SQLite file of each test's own. */
let stores: { metadata: MetadataStore; hostLinks: HostLinkStore; close(): void };

beforeEach(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pulse-catalog-'));
  const { db, close } = await openDb(dir);
  const clock: Clock = { now: () => NOW };
  try {
    stores = {
      metadata: await MetadataStore.load(db, clock),
      hostLinks: await HostLinkStore.load(db, clock),
      close: () => {
        close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    close();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
});
afterEach(() => stores.close());

/** A state of its own, read by a catalog and by the full scan over the harness's real metadata and link stores. */
class World {
  readonly state = new LiveState(NOW);
  readonly lists = new ProxmoxLists(NOW);
  readonly failures: SerialiseFailure[] = [];
  readonly catalog: ResourceCatalog;
  /** Removed items, to add again later (they then go to the end of their collection). */
  private readonly removed: (() => void)[] = [];
  private n = 0;

  constructor() {
    this.catalog = this.newCatalog();
  }

  newCatalog(): ResourceCatalog {
    return new ResourceCatalog({
      state: this.state,
      metadata: stores.metadata,
      hostLinks: stores.hostLinks,
      lists: this.lists,
      onFailure: (f) => this.failures.push(f),
    });
  }

  /** What the route answered before the catalog: the reference every answer is compared with. */
  reference(): Resource[] {
    return allResources(
      this.state,
      stores.metadata.forResources(),
      { lists: this.lists, links: stores.hostLinks.current() },
      () => {},
    );
  }

  /** One random change of the kind a running server sees. */
  async mutate(dice: Dice): Promise<void> {
    const { state } = this;
    const n = this.n++;
    const hosts = state.hosts.list();
    const dockers = state.dockerHosts.list();
    const nodes = state.nodes.list();
    // Reports (new figures for a known item) are what a server mostly sees: rolls past 26 are those.
    const roll = dice.int(40);
    if (roll > 26) return this.report(dice);
    const some = <T>(list: readonly T[]) => (list.length > 0 ? dice.pick(list) : undefined);
    const host = some(hosts);
    const docker = some(dockers);
    switch (roll) {
      case 0:
      case 1:
        return state.hosts.upsert(hostItem(dice, templates, n), NOW);
      case 2:
      case 3:
        if (host) state.hosts.upsert(hostReport(dice, host), NOW);
        return;
      case 4:
        if (host) state.hosts.upsert({ ...hostItem(dice, templates, n), id: host.id }, NOW);
        return;
      case 5:
        if (host)
          this.remove(
            () => state.hosts.remove(host.id, NOW),
            () => state.hosts.upsert(host, NOW),
          );
        return;
      case 6:
        return state.dockerHosts.upsert(dockerItem(dice, templates, n), NOW);
      case 7:
      case 8:
        if (docker) state.dockerHosts.upsert(dockerReport(dice, docker), NOW);
        return;
      case 9:
        if (docker) state.dockerHosts.upsert({ ...dockerItem(dice, templates, n), id: docker.id }, NOW);
        return;
      case 10:
        if (docker) {
          this.remove(
            () => state.dockerHosts.remove(docker.id, NOW),
            () => state.dockerHosts.upsert(docker, NOW),
          );
        }
        return;
      case 11: {
        // By id a node is its connection and name; the name is sometimes changed under the same id.
        const node = nodeItem(dice, dice.pick(['lab', 'prod']), dice.pick(['pve1', 'pve2', 'pve3']));
        const old = dice.chance(0.2) ? some(nodes) : undefined;
        return state.nodes.upsert(old ? { ...node, id: old.id } : node, NOW);
      }
      case 12: {
        const node = some(nodes);
        if (!node) return;
        if (dice.chance(0.3)) {
          this.remove(
            () => state.nodes.remove(node.id, NOW),
            () => state.nodes.upsert(node, NOW),
          );
        } else {
          state.nodes.patch(
            node.id,
            { status: dice.pick(['online', 'offline'] as const), cpu: dice.next() },
            NOW,
          );
        }
        return;
      }
      case 13:
      case 14: {
        const g = guestItem(dice, dice.int(12));
        return (g.type === 'qemu' ? state.vms : state.containers).upsert(g, NOW);
      }
      case 15: {
        const g = some([...state.vms.list(), ...state.containers.list()]);
        const list = g?.type === 'qemu' ? state.vms : state.containers;
        if (g)
          this.remove(
            () => list.remove(g.id, NOW),
            () => list.upsert(g, NOW),
          );
        return;
      }
      case 16: {
        if (dice.chance(0.7)) return state.storage.upsert(storageItem(dice, dice.int(6)), NOW);
        const s = some(state.storage.list());
        if (s) state.storage.remove(s.id, NOW);
        return;
      }
      case 17: {
        if (dice.chance(0.7)) return state.physicalDisks.upsert(diskItem(dice, dice.int(6)), NOW);
        const d = some(state.physicalDisks.list());
        if (d) state.physicalDisks.remove(d.id, NOW);
        return;
      }
      case 18: {
        if (dice.chance(0.7)) return state.cephClusters.upsert(cephItem(dice, dice.int(3)), NOW);
        const c = some(state.cephClusters.list());
        if (c) state.cephClusters.remove(c.id, NOW);
        return;
      }
      case 19: {
        const c: KubernetesClusterState | undefined = some(state.kubernetesClusters.list());
        if (c && dice.chance(0.3)) {
          this.remove(
            () => state.kubernetesClusters.remove(c.id, NOW),
            () => state.kubernetesClusters.upsert(c, NOW),
          );
        } else if (c && dice.chance(0.5)) {
          state.kubernetesClusters.patch(
            c.id,
            { hidden: !c.hidden, lastSeen: new Date(NOW).toISOString() },
            NOW,
          );
        } else {
          state.kubernetesClusters.upsert(clusterItem(dice, templates, dice.int(3)), NOW);
        }
        return;
      }
      case 20:
      case 21:
        return this.editMetadata(dice);
      case 22: {
        const node = some(nodes);
        if (host && node && dice.chance(0.6)) return stores.hostLinks.link(host.id, node.id);
        if (host && dice.chance(0.5)) return stores.hostLinks.unlink(host.id);
        if (host) return stores.hostLinks.forget(host.id);
        return;
      }
      case 23: {
        const instance = dice.pick(['pbs-a', 'pbs-b']);
        if (dice.chance(0.2)) return this.lists.removeInstance(instance);
        const count = dice.int(3);
        return this.lists.set(instance, {
          pbs: Array.from({ length: count }, (_, i) => pbsItem(dice, i)),
          pmg: Array.from({ length: dice.int(2) }, (_, i) => pmgItem(dice, i)),
        });
      }
      case 24: {
        const again = this.removed.splice(dice.int(this.removed.length), 1)[0];
        again?.();
        return;
      }
      case 25:
        return this.broken(dice);
      default:
        if (host)
          state.hosts.patch(host.id, { status: host.status === 'online' ? 'offline' : 'online' }, NOW);
    }
  }

  /** New figures for a known item, changing nothing that ties it to other items. */
  private report(dice: Dice): void {
    const { state } = this;
    const pick = <T>(list: readonly T[]) => (list.length > 0 ? dice.pick(list) : undefined);
    const host = pick(state.hosts.list());
    const docker = pick(state.dockerHosts.list());
    const node = pick(state.nodes.list());
    const guest = pick(state.vms.list());
    switch (dice.int(4)) {
      case 0:
        if (host) state.hosts.upsert(hostReport(dice, host), NOW);
        return;
      case 1:
        if (docker) state.dockerHosts.upsert(dockerReport(dice, docker), NOW);
        return;
      case 2:
        if (node) state.nodes.patch(node.id, { cpu: dice.next(), lastSeen: NOW + dice.int(3) * 1000 }, NOW);
        return;
      default:
        if (guest)
          state.vms.patch(guest.id, { cpu: dice.next(), status: dice.pick(['running', 'stopped']) }, NOW);
    }
  }

  private remove(now: () => void, later: () => void): void {
    now();
    this.removed.push(later);
  }

  /** Stored data no schema would let in, as a bug or an older version could leave it: its projection throws. */
  private broken(dice: Dice): void {
    const { state } = this;
    const roll = dice.int(4);
    if (roll < 2) {
      // Unreadable addresses also fail the link inference; unreadable disks fail the projection alone.
      const host = dice.chance(0.5)
        ? dice.pick([...state.hosts.list(), hostItem(dice, templates, this.n++)])
        : hostItem(dice, templates, this.n++);
      const broken = { ...host };
      Reflect.set(broken, roll === 0 ? 'networkInterfaces' : 'disks', null);
      state.hosts.upsert(broken, NOW);
      return;
    }
    if (roll === 2) {
      const fresh = nodeItem(dice, dice.pick(['lab', 'prod']), dice.pick(['pve1', 'pve2', 'pve3']));
      const node = { ...dice.pick([...state.nodes.list(), fresh]) };
      Reflect.set(node, 'memory', null);
      state.nodes.upsert(node, NOW);
      return;
    }
    // The merge into an agent host is written before the containers fail: it stays, as on the full scan.
    const docker: DockerHostState = dockerItem(dice, templates, this.n++);
    Reflect.set(docker, 'containers', [...docker.containers, null]);
    state.dockerHosts.upsert(docker, NOW);
  }

  private async editMetadata(dice: Dice): Promise<void> {
    const { state } = this;
    const targets: [MetadataKind, string][] = [
      ...state.hosts.list().map((x): [MetadataKind, string] => ['host', x.id]),
      ...state.dockerHosts.list().map((x): [MetadataKind, string] => ['docker-host', x.id]),
      // A broken Docker host's containers include a null, or (after a report) an object without an id.
      ...state.dockerHosts
        .list()
        .flatMap((x) =>
          x.containers.flatMap((c): [MetadataKind, string][] => (c?.id ? [['docker-container', c.id]] : [])),
        ),
      ...state.vms.list().map((x): [MetadataKind, string] => ['guest', x.id]),
    ];
    if (targets.length === 0) return;
    const [kind, id] = dice.pick(targets);
    if (dice.chance(0.2)) {
      await stores.metadata.delete(kind, id);
      return;
    }
    await stores.metadata.put(kind, id, {
      tags: dice.some(['web', 'Prod', 'prod', 'db', 'edge'], 0.4),
      customUrl: dice.chance(0.3) ? 'https://example.test/' : '',
    });
  }
}

/** Equal as values and as JSON text, so that key order (which the answer's bytes show) is the same too. */
function same<T>(actual: T, expected: T, what: string): void {
  expect(actual, what).toStrictEqual(expected);
  expect(JSON.stringify(actual), what).toBe(JSON.stringify(expected));
}

describe('ResourceCatalog against the full scan', () => {
  // Fixed seeds, plus one new each run (printed on failure, and reproducible with CATALOG_SEED).
  const seeds = process.env.CATALOG_SEED
    ? [Number(process.env.CATALOG_SEED)]
    : [1, 2, 3, 42, Math.floor(Math.random() * 2 ** 31)];

  it.each(seeds)(
    'answers every query as queryResources(allResources(...)) after random changes (seed %i)',
    async (seed) => {
      const dice = new Dice(seed);
      const world = new World();
      let late: ResourceCatalog | undefined;
      let handedOut: { value: unknown; json: string }[] = [];
      let compared = 0;
      let most = 0;
      for (let step = 0; step < 120; step++) {
        const burst = dice.chance(0.1) ? 12 : 1 + dice.int(3);
        for (let i = 0; i < burst; i++) await world.mutate(dice);
        // A catalog started on a state that already holds items follows from there.
        if (step === 40) late = world.newCatalog();
        const at = `seed ${seed} step ${step}`;

        // Answers handed out earlier are never changed by later reads (they may still be streaming).
        for (const { value, json } of handedOut)
          expect(JSON.stringify(value), `${at}: an earlier answer changed`).toBe(json);
        handedOut = [];

        const catalogs = late ? [world.catalog, late] : [world.catalog];
        let expected: Resource[];
        try {
          expected = world.reference();
        } catch (error) {
          // A broken host whose name two nodes share fails the link inference, and so the whole full scan:
          // the catalog fails the same way, until the host is fixed or gone.
          for (const catalog of catalogs)
            expect(() => catalog.list(), at).toThrow(String(error).replace(/^\w+: /, ''));
          continue;
        }
        compared++;
        most = Math.max(most, expected.length);
        for (const catalog of catalogs) {
          const list = catalog.list();
          same(list, expected, `${at}: list()`);
          same(catalog.stats(), resourceStats(expected), `${at}: stats()`);
          for (let k = 0; k < 12; k++) {
            const q: ResourceQuery = randomQuery(dice);
            const answer: ResourceListResponse = catalog.query(q);
            same(answer, queryResources(expected, q), `${at}: query ${JSON.stringify(q)}`);
            handedOut.push({ value: answer, json: JSON.stringify(answer) });
          }
          for (const r of [...dice.some(expected, 0.1), ...expected.slice(-1)]) {
            same(
              catalog.get(r.id),
              expected.find((x) => x.id === r.id),
              `${at}: get(${r.id})`,
            );
          }
          expect(catalog.get('agent-0000000000000000')).toBeUndefined();
          handedOut.push({ value: list, json: JSON.stringify(list) });
        }
      }
      // The run reached the cases that matter: many resources, failures left out, many reads without a rebuild.
      expect(compared).toBeGreaterThan(60);
      expect(most).toBeGreaterThan(30);
      expect(world.failures.length).toBeGreaterThan(0);
      expect(world.catalog.effort.rebuilds).toBeLessThan(100);
    },
  );
});

describe('ResourceCatalog work per change', () => {
  it('re-projects only the item that reported, and the agent host a node or Docker host merges into', async () => {
    const dice = new Dice(7);
    const world = new World();
    const { state } = world;
    const host = { ...hostItem(dice, templates, 1), hostname: 'pve1', machineId: 'm-1' };
    delete host.identityConflict;
    state.hosts.upsert(host, NOW);
    state.hosts.upsert({ ...hostItem(dice, templates, 2), hostname: 'other', machineId: 'm-2' }, NOW);
    const node = { ...nodeItem(dice, 'lab', 'pve1'), host: 'https://10.9.9.9:8006' };
    state.nodes.upsert(node, NOW);
    const docker = { ...dockerItem(dice, templates, 3), machineId: 'm-1', hidden: false };
    state.dockerHosts.upsert(docker, NOW);
    const guest = { ...guestItem(dice, 1), instance: 'lab', id: 'lab:101', node: 'pve1' };
    state.vms.upsert({ ...guest, type: 'qemu' }, NOW);
    const { catalog } = world;

    const merged = catalog
      .list()
      .find((r) => r.id === catalog.query(q({ type: ['agent'], q: 'pve1' })).data[0]?.id);
    expect(merged?.sources).toEqual(['agent', 'proxmox', 'docker']);
    const before = { ...catalog.effort };
    const read = () => same(catalog.list(), world.reference(), 'list');

    state.hosts.upsert(hostReport(dice, host), NOW);
    read();
    expect(catalog.effort).toEqual({ rebuilds: before.rebuilds, itemsPlaced: before.itemsPlaced + 1 });
    state.nodes.patch(node.id, { cpu: 0.5, lastSeen: NOW + 1 }, NOW);
    read();
    expect(catalog.effort).toEqual({ rebuilds: before.rebuilds, itemsPlaced: before.itemsPlaced + 2 });
    state.dockerHosts.upsert(dockerReport(dice, docker), NOW);
    read();
    // The Docker host's containers, and the agent host resource that carries its facet.
    expect(catalog.effort).toEqual({ rebuilds: before.rebuilds, itemsPlaced: before.itemsPlaced + 4 });
    state.vms.upsert({ ...guest, type: 'qemu', cpu: 0.9 }, NOW);
    read();
    expect(catalog.effort).toEqual({ rebuilds: before.rebuilds, itemsPlaced: before.itemsPlaced + 5 });

    // Edits that change who merges with whom fall back to a full rebuild, once per read.
    await stores.metadata.put('host', host.id, { tags: ['web'] });
    state.hosts.upsert({ ...host, hostname: 'renamed' }, NOW);
    read();
    read();
    expect(catalog.effort.rebuilds).toBe(before.rebuilds + 1);
  });
});

describe('ResourceCatalog when a projection starts or stops failing', () => {
  it('leaves a failing node out, and its guests lose their parent until it projects again', () => {
    const dice = new Dice(11);
    const world = new World();
    const { state, catalog } = world;
    const node = { ...nodeItem(dice, 'lab', 'pve2'), host: 'https://10.9.9.9:8006' };
    state.nodes.upsert(node, NOW);
    state.vms.upsert(
      { ...guestItem(dice, 1), id: 'lab:101', instance: 'lab', node: 'pve2', type: 'qemu' },
      NOW,
    );
    const parentOfGuest = () => catalog.list().find((r) => r.type === 'vm')?.parentId;
    const nodeResource = catalog.list().find((r) => r.proxmox?.nodeName === 'pve2' && r.type === 'agent');
    expect(parentOfGuest()).toBe(nodeResource?.id);

    const broken = { ...node, cpu: 0.7 };
    Reflect.set(broken, 'memory', null);
    state.nodes.upsert(broken, NOW);
    same(catalog.list(), world.reference(), 'node failing');
    expect(parentOfGuest()).toBeUndefined();
    expect(world.failures.map((f) => [f.path, f.id])).toEqual([['nodes', node.id]]);

    state.nodes.upsert(node, NOW);
    same(catalog.list(), world.reference(), 'node fixed');
    expect(parentOfGuest()).toBe(nodeResource?.id);
  });

  it('leaves a failing agent host out, and the Docker host of its machine stands on its own meanwhile', () => {
    const dice = new Dice(12);
    const world = new World();
    const { state, catalog } = world;
    const host = { ...hostItem(dice, templates, 1), machineId: 'm-1' };
    state.hosts.upsert(host, NOW);
    state.dockerHosts.upsert({ ...dockerItem(dice, templates, 2), machineId: 'm-1', hidden: false }, NOW);
    const types = () => catalog.list().map((r) => r.type);
    expect(types()).not.toContain('docker-host');

    const broken = { ...host };
    Reflect.set(broken, 'disks', null);
    state.hosts.upsert(broken, NOW);
    same(catalog.list(), world.reference(), 'host failing');
    expect(types()).toContain('docker-host');
    expect(types()).not.toContain('agent');

    state.hosts.upsert(host, NOW);
    same(catalog.list(), world.reference(), 'host fixed');
    expect(types()).not.toContain('docker-host');
  });
});

function q(over: Partial<ResourceQuery>): ResourceQuery {
  return { page: 1, limit: 100, sort: 'name', order: 'asc', ...over };
}

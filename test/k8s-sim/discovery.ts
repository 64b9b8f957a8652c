// The simulator's resource registry and the legacy discovery documents (/api, /apis, APIResourceList)
// built from it, in the shapes kube-apiserver sends.
import type { Collection } from './types.ts';

export interface ResourceDef {
  /** '' for the core (legacy) group. */
  group: string;
  version: string;
  plural: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  collection: Collection;
}

const core = (
  plural: string,
  kind: string,
  namespaced: boolean,
  collection: Collection,
  shortNames?: string[],
): ResourceDef => ({
  group: '',
  version: 'v1',
  plural,
  singular: kind.toLowerCase(),
  kind,
  namespaced,
  collection,
  ...(shortNames ? { shortNames } : {}),
  ...(plural === 'pods' || plural === 'services' ? { categories: ['all'] } : {}),
});

const grouped = (
  group: string,
  version: string,
  plural: string,
  kind: string,
  collection: Collection,
  shortNames?: string[],
  namespaced = true,
): ResourceDef => ({
  group,
  version,
  plural,
  singular: kind.toLowerCase(),
  kind,
  namespaced,
  collection,
  ...(shortNames ? { shortNames } : {}),
  ...(group === 'metrics.k8s.io' ? {} : { categories: ['all'] }),
});

export const RESOURCES: readonly ResourceDef[] = [
  core('namespaces', 'Namespace', false, 'namespaces', ['ns']),
  core('nodes', 'Node', false, 'nodes', ['no']),
  core('pods', 'Pod', true, 'pods', ['po']),
  core('services', 'Service', true, 'services', ['svc']),
  core('events', 'Event', true, 'events', ['ev']),
  grouped('apps', 'v1', 'deployments', 'Deployment', 'deployments', ['deploy']),
  grouped('apps', 'v1', 'replicasets', 'ReplicaSet', 'replicasets', ['rs']),
  grouped('apps', 'v1', 'statefulsets', 'StatefulSet', 'statefulsets', ['sts']),
  grouped('apps', 'v1', 'daemonsets', 'DaemonSet', 'daemonsets', ['ds']),
  grouped('batch', 'v1', 'jobs', 'Job', 'jobs'),
  grouped('batch', 'v1', 'cronjobs', 'CronJob', 'cronjobs', ['cj']),
  grouped('metrics.k8s.io', 'v1beta1', 'nodes', 'NodeMetrics', 'nodeMetrics', undefined, false),
  grouped('metrics.k8s.io', 'v1beta1', 'pods', 'PodMetrics', 'podMetrics'),
];

export const METRICS_GROUP = 'metrics.k8s.io';

export function groupVersion(group: string, version: string): string {
  return group === '' ? version : `${group}/${version}`;
}

/** Named groups (not the legacy core group), in registry order. */
function groups(withMetrics: boolean): Array<{ name: string; version: string }> {
  const seen = new Map<string, string>();
  for (const r of RESOURCES) {
    if (r.group !== '' && (withMetrics || r.group !== METRICS_GROUP)) seen.set(r.group, r.version);
  }
  return [...seen].map(([name, version]) => ({ name, version }));
}

export function findResource(group: string, version: string, plural: string): ResourceDef | undefined {
  return RESOURCES.find((r) => r.group === group && r.version === version && r.plural === plural);
}

export function hasGroupVersion(group: string, version: string): boolean {
  return RESOURCES.some((r) => r.group === group && r.version === version);
}

/** GET /api */
export function apiVersions(serverAddress: string): object {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function apiGroup(name: string, version: string): object {
  const gv = { groupVersion: `${name}/${version}`, version };
  return { name, versions: [gv], preferredVersion: gv };
}

/** GET /apis */
export function apiGroupList(withMetrics: boolean): object {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: groups(withMetrics).map((g) => apiGroup(g.name, g.version)),
  };
}

/** GET /apis/{group} */
export function apiGroupDoc(group: string): object | undefined {
  const g = groups(true).find((x) => x.name === group);
  return g ? { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(g.name, g.version) } : undefined;
}

/** GET /api/v1 or /apis/{group}/{version}; the legacy list carries no apiVersion, as on a real server. */
export function apiResourceList(group: string, version: string): object {
  const resources = RESOURCES.filter((r) => r.group === group && r.version === version).map((r) => ({
    name: r.plural,
    singularName: r.singular,
    namespaced: r.namespaced,
    kind: r.kind,
    verbs: ['get', 'list'],
    ...(r.shortNames ? { shortNames: r.shortNames } : {}),
    ...(r.categories ? { categories: r.categories } : {}),
  }));
  const head = group === '' ? {} : { apiVersion: 'v1' };
  return { kind: 'APIResourceList', ...head, groupVersion: groupVersion(group, version), resources };
}

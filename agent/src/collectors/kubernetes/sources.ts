// Which API call lists each kind, cluster-wide and (for namespaced kinds) one namespace at a time.
import type {
  CoreV1Event,
  V1CronJob,
  V1DaemonSet,
  V1Deployment,
  V1Job,
  V1Namespace,
  V1Node,
  V1Pod,
  V1ReplicaSet,
  V1Service,
  V1StatefulSet,
} from '@kubernetes/client-node';
import type { KubeApi } from './kube-api.ts';
import type { Page, PageParams } from './paging.ts';

export interface Source<T> {
  /** The resource as RBAC names it (`cronjobs.batch`), for notes and errors. */
  resource: string;
  all(params: PageParams): Promise<Page<T>>;
  /** Namespaced kinds only: with --kube-include-namespace, RBAC may allow just those namespaces. */
  inNamespace?(namespace: string, params: PageParams): Promise<Page<T>>;
}

export function sources(api: KubeApi) {
  const { core, apps, batch } = api;
  return {
    nodes: { resource: 'nodes', all: (p) => core.listNode(p) } satisfies Source<V1Node>,
    namespaces: { resource: 'namespaces', all: (p) => core.listNamespace(p) } satisfies Source<V1Namespace>,
    pods: {
      resource: 'pods',
      all: (p) => core.listPodForAllNamespaces(p),
      inNamespace: (namespace, p) => core.listNamespacedPod({ namespace, ...p }),
    } satisfies Source<V1Pod>,
    services: {
      resource: 'services',
      all: (p) => core.listServiceForAllNamespaces(p),
      inNamespace: (namespace, p) => core.listNamespacedService({ namespace, ...p }),
    } satisfies Source<V1Service>,
    events: {
      resource: 'events',
      all: (p) => core.listEventForAllNamespaces(p),
      inNamespace: (namespace, p) => core.listNamespacedEvent({ namespace, ...p }),
    } satisfies Source<CoreV1Event>,
    deployments: {
      resource: 'deployments.apps',
      all: (p) => apps.listDeploymentForAllNamespaces(p),
      inNamespace: (namespace, p) => apps.listNamespacedDeployment({ namespace, ...p }),
    } satisfies Source<V1Deployment>,
    replicaSets: {
      resource: 'replicasets.apps',
      all: (p) => apps.listReplicaSetForAllNamespaces(p),
      inNamespace: (namespace, p) => apps.listNamespacedReplicaSet({ namespace, ...p }),
    } satisfies Source<V1ReplicaSet>,
    statefulSets: {
      resource: 'statefulsets.apps',
      all: (p) => apps.listStatefulSetForAllNamespaces(p),
      inNamespace: (namespace, p) => apps.listNamespacedStatefulSet({ namespace, ...p }),
    } satisfies Source<V1StatefulSet>,
    daemonSets: {
      resource: 'daemonsets.apps',
      all: (p) => apps.listDaemonSetForAllNamespaces(p),
      inNamespace: (namespace, p) => apps.listNamespacedDaemonSet({ namespace, ...p }),
    } satisfies Source<V1DaemonSet>,
    jobs: {
      resource: 'jobs.batch',
      all: (p) => batch.listJobForAllNamespaces(p),
      inNamespace: (namespace, p) => batch.listNamespacedJob({ namespace, ...p }),
    } satisfies Source<V1Job>,
    cronJobs: {
      resource: 'cronjobs.batch',
      all: (p) => batch.listCronJobForAllNamespaces(p),
      inNamespace: (namespace, p) => batch.listNamespacedCronJob({ namespace, ...p }),
    } satisfies Source<V1CronJob>,
  };
}

/** metrics.k8s.io/v1beta1 lists; client-node types them `any`, so they come back as unknown. */
export async function listMetrics(api: KubeApi, plural: 'nodes' | 'pods'): Promise<unknown> {
  const list: unknown = await api.custom.listClusterCustomObject({
    group: 'metrics.k8s.io',
    version: 'v1beta1',
    plural,
  });
  return list;
}

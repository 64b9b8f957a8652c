// Docker and Kubernetes agent routes: report ingest plus fleet management for each.
import { CONTAINER_REPORT_LIMITS, DockerReport, KubernetesReport, PATHS } from '@pulse/shared';
import type { AppDeps } from '../../deps.ts';
import { readReport, type TolerantList, withWarnings } from '../../http/tolerant-parse.ts';
import { WarningLog } from '../../http/warning-log.ts';
import { type RouteSpec, route } from '../route.ts';
import { fleetRoutes } from './fleet-routes.ts';

const limits = {
  maxWireBytes: CONTAINER_REPORT_LIMITS.wireBytes,
  maxDecodedBytes: CONTAINER_REPORT_LIMITS.decodedBytes,
  tooLarge: 'report_too_large' as const,
};

// Lists whose items stand alone: a malformed one is dropped with a warning instead of failing the report.

const DOCKER_REPORT_LISTS: TolerantList[] = [
  { path: ['containers'], noun: 'container' },
  { path: ['host', 'disks'], noun: 'disk' },
  { path: ['host', 'network'], noun: 'network interface' },
  { path: ['images'], noun: 'image' },
  { path: ['volumes'], noun: 'volume' },
  { path: ['networks'], noun: 'network' },
  { path: ['services'], noun: 'service' },
  { path: ['tasks'], noun: 'task' },
  { path: ['nodes'], noun: 'Swarm node' },
  { path: ['secrets'], noun: 'secret' },
  { path: ['configs'], noun: 'config' },
];

/** Every object list of the Kubernetes report, keyed by the report's field so a renamed one fails tsc. */
const KUBERNETES_KINDS = {
  nodes: 'node',
  namespaces: 'namespace',
  pods: 'pod',
  deployments: 'deployment',
  replicaSets: 'replica set',
  statefulSets: 'stateful set',
  daemonSets: 'daemon set',
  services: 'service',
  jobs: 'job',
  cronJobs: 'cron job',
  ingresses: 'ingress',
  endpointSlices: 'endpoint slice',
  networkPolicies: 'network policy',
  persistentVolumes: 'persistent volume',
  persistentVolumeClaims: 'persistent volume claim',
  storageClasses: 'storage class',
  configMaps: 'config map',
  secrets: 'secret',
  serviceAccounts: 'service account',
  roles: 'role',
  clusterRoles: 'cluster role',
  roleBindings: 'role binding',
  clusterRoleBindings: 'cluster role binding',
  resourceQuotas: 'resource quota',
  limitRanges: 'limit range',
  podDisruptionBudgets: 'pod disruption budget',
  horizontalPodAutoscalers: 'horizontal pod autoscaler',
  events: 'event',
} satisfies Partial<Record<keyof KubernetesReport, string>>;

const KUBERNETES_REPORT_LISTS: TolerantList[] = [
  ...Object.entries(KUBERNETES_KINDS).map(([key, noun]) => ({ path: [key], noun })),
  { path: ['recovery', 'volumeSnapshots'], noun: 'volume snapshot' },
  { path: ['recovery', 'veleroBackups'], noun: 'Velero backup' },
];

export function containerAgentRoutes({ dockerAgents, kubernetesAgents, log }: AppDeps): RouteSpec[] {
  const dropped = new WarningLog(log);
  return [
    route('POST', PATHS.dockerReport, 'docker:report', async (c) => {
      const { data, warnings } = await readReport(c.req, DockerReport, limits, DOCKER_REPORT_LISTS);
      const answer = await dockerAgents.ingest(data, c.get('token'));
      dropped.note(`docker:${answer.agentId}`, warnings);
      return c.json(withWarnings(answer, warnings));
    }),
    route('POST', PATHS.kubernetesReport, 'kubernetes:report', async (c) => {
      const { data, warnings } = await readReport(c.req, KubernetesReport, limits, KUBERNETES_REPORT_LISTS);
      const answer = await kubernetesAgents.ingest(data, c.get('token'));
      dropped.note(`kubernetes:${answer.clusterId}`, warnings);
      return c.json(withWarnings(answer, warnings));
    }),
    ...fleetRoutes(dockerAgents.fleet, '/api/agents/docker/hosts', 'docker:manage'),
    ...fleetRoutes(kubernetesAgents.fleet, '/api/agents/kubernetes/clusters', 'kubernetes:manage'),
  ];
}

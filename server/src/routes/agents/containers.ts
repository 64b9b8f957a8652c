// Docker and Kubernetes agent routes: report ingest plus fleet management for each.
import { CONTAINER_REPORT_LIMITS, DockerReport, KubernetesReport, PATHS } from '@pulse/shared';
import type { AppDeps } from '../../deps.ts';
import { readJson } from '../../http/body.ts';
import { type RouteSpec, route } from '../route.ts';
import { fleetRoutes } from './fleet-routes.ts';

const limits = {
  maxWireBytes: CONTAINER_REPORT_LIMITS.wireBytes,
  maxDecodedBytes: CONTAINER_REPORT_LIMITS.decodedBytes,
  tooLarge: 'report_too_large' as const,
};

export function containerAgentRoutes({ dockerAgents, kubernetesAgents }: AppDeps): RouteSpec[] {
  return [
    route('POST', PATHS.dockerReport, 'docker:report', async (c) => {
      const report = await readJson(c.req, DockerReport, limits, 'invalid_report');
      return c.json(await dockerAgents.ingest(report, c.get('token')));
    }),
    route('POST', PATHS.kubernetesReport, 'kubernetes:report', async (c) => {
      const report = await readJson(c.req, KubernetesReport, limits, 'invalid_report');
      return c.json(await kubernetesAgents.ingest(report, c.get('token')));
    }),
    ...fleetRoutes(dockerAgents.fleet, '/api/agents/docker/hosts', 'docker:manage'),
    ...fleetRoutes(kubernetesAgents.fleet, '/api/agents/kubernetes/clusters', 'kubernetes:manage'),
  ];
}

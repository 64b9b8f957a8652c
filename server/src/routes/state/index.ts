// GET /api/state: every collection of the live state plus unified resources.
import type { AppDeps } from '../../deps.ts';
import { projectState } from '../../state/project-state.ts';
import { type RouteSpec, route } from '../route.ts';

export function stateRoutes(deps: AppDeps): RouteSpec[] {
  return [
    route('GET', '/api/state', 'monitoring:read', (c) => {
      const now = deps.clock.now();
      return c.json(
        projectState({
          state: deps.state,
          lists: deps.proxmoxLists,
          links: deps.hostLinks.current(),
          metadata: deps.metadata.forResources(),
          removed: {
            removedHostAgents: deps.blocks.list('host', now),
            removedDockerHosts: deps.blocks.list('docker', now),
            removedKubernetesClusters: deps.blocks.list('kubernetes', now),
          },
          now,
          startedAt: deps.startedAt,
          version: deps.version.version,
        }),
      );
    }),
  ];
}

// GET /api/state: every collection of the live state plus unified resources.
import type { AppDeps } from '../../deps.ts';
import { jsonAnswer } from '../../http/compress.ts';
import { jsonStream, logFailuresOnce } from '../../state/json-stream.ts';
import { projectState } from '../../state/project-state.ts';
import { type RouteSpec, route } from '../route.ts';

export function stateRoutes(deps: AppDeps): RouteSpec[] {
  // Stored data that cannot be projected or serialised costs its own item, logged once, never the answer.
  const onFailure = logFailuresOnce(deps.log, 'GET /api/state');
  return [
    route('GET', '/api/state', 'monitoring:read', (c) => {
      const now = deps.clock.now();
      const state = projectState({
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
        onFailure,
        // Kept up to date on change by the catalog rather than projected for every read.
        resources: [...deps.resources.list()],
      });
      return jsonAnswer(c, jsonStream(state, onFailure));
    }),
  ];
}

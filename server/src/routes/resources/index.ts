// /api/resources: query, stats and one resource by id.
import { ResourceQuery } from '@pulse/shared';
import type { AppDeps } from '../../deps.ts';
import { parseQuery } from '../../http/body.ts';
import { ApiError } from '../../http/errors.ts';
import { allResources } from '../../state/project-state.ts';
import { queryResources, resourceStats } from '../../state/resource-query.ts';
import { pathParam, type RouteSpec, route } from '../route.ts';

export function resourceRoutes({ state, metadata, proxmoxLists, hostLinks }: AppDeps): RouteSpec[] {
  const resources = () =>
    allResources(state, metadata.forResources(), { lists: proxmoxLists, links: hostLinks.current() });
  return [
    route('GET', '/api/resources', 'monitoring:read', (c) =>
      c.json(queryResources(resources(), parseQuery(ResourceQuery, c.req.query()))),
    ),
    route('GET', '/api/resources/stats', 'monitoring:read', (c) => c.json(resourceStats(resources()))),
    route('GET', '/api/resources/:id', 'monitoring:read', (c) => {
      const id = pathParam(c, 'id');
      const found = resources().find((r) => r.id === id);
      if (!found) throw new ApiError('not_found', `No resource with id '${id}'`);
      return c.json(found);
    }),
  ];
}

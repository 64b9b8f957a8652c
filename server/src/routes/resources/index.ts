// /api/resources: query, stats and one resource by id.
import { ResourceQuery } from '@pulse/shared';
import type { AppDeps } from '../../deps.ts';
import { parseQuery } from '../../http/body.ts';
import { ApiError } from '../../http/errors.ts';
import { jsonStream, logFailuresOnce } from '../../state/json-stream.ts';
import { allResources } from '../../state/project-state.ts';
import { queryResources, resourceStats } from '../../state/resource-query.ts';
import { pathParam, type RouteSpec, route } from '../route.ts';

const JSON_TYPE = { 'Content-Type': 'application/json' };

export function resourceRoutes({ state, metadata, proxmoxLists, hostLinks, log }: AppDeps): RouteSpec[] {
  // As on /api/state: an item that cannot be projected or serialised is left out and logged once.
  const onFailure = logFailuresOnce(log, 'GET /api/resources');
  const resources = () =>
    allResources(
      state,
      metadata.forResources(),
      { lists: proxmoxLists, links: hostLinks.current() },
      onFailure,
    );
  return [
    route('GET', '/api/resources', 'monitoring:read', (c) => {
      const page = queryResources(resources(), parseQuery(ResourceQuery, c.req.query()));
      return c.body(jsonStream(page, onFailure), 200, JSON_TYPE);
    }),
    route('GET', '/api/resources/stats', 'monitoring:read', (c) => c.json(resourceStats(resources()))),
    route('GET', '/api/resources/:id', 'monitoring:read', (c) => {
      const id = pathParam(c, 'id');
      const found = resources().find((r) => r.id === id);
      if (!found) throw new ApiError('not_found', `No resource with id '${id}'`);
      return c.body(jsonStream(found, onFailure), 200, JSON_TYPE);
    }),
  ];
}

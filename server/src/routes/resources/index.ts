// /api/resources: query, stats and one resource by id, answered from the resource catalog's indexes.
import { ResourceQuery } from '@pulse/shared';
import type { AppDeps } from '../../deps.ts';
import { parseQuery } from '../../http/body.ts';
import { jsonAnswer } from '../../http/compress.ts';
import { ApiError } from '../../http/errors.ts';
import { jsonStream, logFailuresOnce } from '../../state/json-stream.ts';
import { pathParam, type RouteSpec, route } from '../route.ts';

export function resourceRoutes({ resources, log }: AppDeps): RouteSpec[] {
  // As on /api/state: an item that cannot be serialised is left out and logged once (one that cannot be
  // projected is left out by the catalog, which logs it).
  const onFailure = logFailuresOnce(log, 'GET /api/resources');
  return [
    route('GET', '/api/resources', 'monitoring:read', (c) => {
      const page = resources.query(parseQuery(ResourceQuery, c.req.query()));
      return jsonAnswer(c, jsonStream(page, onFailure));
    }),
    route('GET', '/api/resources/stats', 'monitoring:read', (c) => c.json(resources.stats())),
    route('GET', '/api/resources/:id', 'monitoring:read', (c) => {
      const id = pathParam(c, 'id');
      const found = resources.get(id);
      if (!found) throw new ApiError('not_found', `No resource with id '${id}'`);
      return jsonAnswer(c, jsonStream(found, onFailure));
    }),
  ];
}

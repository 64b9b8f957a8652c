// /api/hosts/metadata: notes, tags and custom URLs that users keep per host.
import { HostMetadataInput, LIMITS } from '@pulse/shared';
import type { AppDeps } from '../../deps.ts';
import { readJson } from '../../http/body.ts';
import { ApiError } from '../../http/errors.ts';
import { pathParam, type RouteSpec, route } from '../route.ts';

const limits = { maxWireBytes: LIMITS.defaultBodyBytes, maxDecodedBytes: LIMITS.defaultBodyBytes };

export function hostMetadataRoutes({ metadata }: AppDeps): RouteSpec[] {
  return [
    route('GET', '/api/hosts/metadata', 'monitoring:read', (c) => c.json(metadata.all())),
    route('GET', '/api/hosts/metadata/:hostId', 'monitoring:read', (c) =>
      c.json(metadata.get(pathParam(c, 'hostId'))),
    ),
    route('PUT', '/api/hosts/metadata/:hostId', 'monitoring:write', async (c) => {
      const body = await readJson(c.req.raw, HostMetadataInput, limits);
      return c.json(await metadata.put(pathParam(c, 'hostId'), body));
    }),
    route('DELETE', '/api/hosts/metadata/:hostId', 'monitoring:write', async (c) => {
      const id = pathParam(c, 'hostId');
      if (!(await metadata.delete(id))) throw new ApiError('not_found', `Host '${id}' has no metadata`);
      return c.body(null, 204);
    }),
  ];
}

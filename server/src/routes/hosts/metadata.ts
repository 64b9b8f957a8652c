// /api/hosts/metadata: notes, tags and custom URLs that users keep per host.
import { HostMetadataInput, LIMITS } from '@pulse/shared';
import type { Context } from 'hono';
import type { AppDeps } from '../../deps.ts';
import { readJson } from '../../http/body.ts';
import type { AppEnv } from '../../http/context.ts';
import { ApiError } from '../../http/errors.ts';
import { pathParam, type RouteSpec, route } from '../route.ts';

const limits = { maxWireBytes: LIMITS.defaultBodyBytes, maxDecodedBytes: LIMITS.defaultBodyBytes };

/** Host ids are sanitised at ingest to this alphabet; anything else cannot name a host. */
function hostId(c: Context<AppEnv>): string {
  const id = pathParam(c, 'hostId');
  if (!/^[A-Za-z0-9._:-]{1,128}$/.test(id)) {
    throw new ApiError(
      'bad_request',
      `Invalid hostId '${id.slice(0, 64)}': use letters, digits, '.', '_', ':' or '-' (at most 128)`,
    );
  }
  return id;
}

export function hostMetadataRoutes({ metadata }: AppDeps): RouteSpec[] {
  return [
    route('GET', '/api/hosts/metadata', 'monitoring:read', (c) => c.json(metadata.all())),
    route('GET', '/api/hosts/metadata/:hostId', 'monitoring:read', (c) => c.json(metadata.get(hostId(c)))),
    route('PUT', '/api/hosts/metadata/:hostId', 'monitoring:write', async (c) => {
      const body = await readJson(c.req.raw, HostMetadataInput, limits);
      return c.json(await metadata.put(hostId(c), body));
    }),
    route('DELETE', '/api/hosts/metadata/:hostId', 'monitoring:write', async (c) => {
      const id = hostId(c);
      if (!(await metadata.delete(id))) throw new ApiError('not_found', `Host '${id}' has no metadata`);
      return c.body(null, 204);
    }),
  ];
}

// Metadata routes (GET all, GET/PUT/DELETE one) for hosts, Docker hosts, containers and Proxmox guests.
import { HostMetadataInput, LIMITS } from '@pulse/shared';
import type { Context } from 'hono';
import type { AppDeps } from '../../deps.ts';
import { readJson } from '../../http/body.ts';
import type { AppEnv } from '../../http/context.ts';
import { ApiError } from '../../http/errors.ts';
import type { MetadataKind } from '../../metadata/metadata-store.ts';
import { pathParam, type RouteSpec, route } from '../route.ts';

const limits = { maxWireBytes: LIMITS.defaultBodyBytes, maxDecodedBytes: LIMITS.defaultBodyBytes };

/** Ids are sanitised at ingest to this alphabet; anything else cannot name a resource. */
function idParam(c: Context<AppEnv>, name: string): string {
  const id = pathParam(c, name);
  if (!/^[A-Za-z0-9._:-]{1,128}$/.test(id)) {
    throw new ApiError(
      'bad_request',
      `Invalid ${name} '${id.slice(0, 64)}': use letters, digits, '.', '_', ':' or '-' (at most 128)`,
    );
  }
  return id;
}

function metadataRoutes({ metadata }: AppDeps, base: string, kind: MetadataKind, param: string): RouteSpec[] {
  const one = `${base}/:${param}`;
  return [
    route('GET', base, 'monitoring:read', (c) => c.json(metadata.all(kind))),
    route('GET', one, 'monitoring:read', (c) => c.json(metadata.get(kind, idParam(c, param)))),
    route('PUT', one, 'monitoring:write', async (c) => {
      const id = idParam(c, param);
      const body = await readJson(c.req, HostMetadataInput, limits);
      return c.json(await metadata.put(kind, id, body));
    }),
    route('DELETE', one, 'monitoring:write', async (c) => {
      const id = idParam(c, param);
      if (!(await metadata.delete(kind, id))) throw new ApiError('not_found', `'${id}' has no metadata`);
      return c.body(null, 204);
    }),
  ];
}

export function allMetadataRoutes(deps: AppDeps): RouteSpec[] {
  return [
    ...metadataRoutes(deps, '/api/hosts/metadata', 'host', 'hostId'),
    ...metadataRoutes(deps, '/api/docker/hosts/metadata', 'docker-host', 'hostId'),
    ...metadataRoutes(deps, '/api/docker/metadata', 'docker-container', 'containerId'),
    ...metadataRoutes(deps, '/api/guests/metadata', 'guest', 'guestId'),
  ];
}

// /api/security/tokens: list, create (the raw token is shown once), revoke.
import { CreateTokenRequest, LIMITS } from '@pulse/shared';
import type { AppDeps } from '../../deps.ts';
import { readJson } from '../../http/body.ts';
import { ApiError } from '../../http/errors.ts';
import { pathParam, type RouteSpec, route } from '../route.ts';

const limits = { maxWireBytes: LIMITS.defaultBodyBytes, maxDecodedBytes: LIMITS.defaultBodyBytes };

export function tokenRoutes({ tokens }: AppDeps): RouteSpec[] {
  return [
    route('GET', '/api/security/tokens', 'settings:read', (c) => c.json({ tokens: tokens.list() })),
    route(
      'POST',
      '/api/security/tokens',
      'settings:write',
      async (c) => {
        const body = await readJson(c.req, CreateTokenRequest, limits);
        return c.json(await tokens.create(body), 201);
      },
      { acceptSetupToken: true },
    ),
    route('DELETE', '/api/security/tokens/:id', 'settings:write', async (c) => {
      const id = pathParam(c, 'id');
      const outcome = await tokens.revoke(id);
      if (outcome === 'not_found') throw new ApiError('not_found', `No API token with id '${id}'`);
      if (outcome === 'env') {
        throw new ApiError(
          'conflict',
          `Token '${id}' comes from the API_TOKENS/API_TOKEN environment; remove it there and restart`,
        );
      }
      return c.body(null, 204);
    }),
  ];
}

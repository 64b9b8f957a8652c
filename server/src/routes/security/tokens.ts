// /api/security/tokens: list, create (the raw token is shown once), revoke.
import { CreateTokenRequest, LIMITS, type Scope, scopesBeyond } from '@pulse/shared';
import type { AppDeps } from '../../deps.ts';
import { readJson } from '../../http/body.ts';
import { ApiError } from '../../http/errors.ts';
import type { TokenRecord } from '../../security/tokens.ts';
import { pathParam, type RouteSpec, route } from '../route.ts';

const limits = { maxWireBytes: LIMITS.defaultBodyBytes, maxDecodedBytes: LIMITS.defaultBodyBytes };

/**
 * A token may only mint scopes it holds itself, so settings:write cannot escalate into '*'.
 * No token on this route means the first-run setup token, which exists to mint the first '*' token.
 */
function assertMayGrant(minter: TokenRecord | undefined, requested: readonly Scope[]): void {
  if (!minter) return;
  const beyond = scopesBeyond(minter.scopes, requested);
  if (beyond.length === 0) return;
  const list = beyond.map((s) => `'${s}'`).join(', ');
  const hint = beyond.includes('*')
    ? " Omitting 'scopes' asks for full access ('*'); list the scopes the new token needs instead."
    : '';
  throw new ApiError(
    'insufficient_scope',
    `The API token '${minter.name}' cannot grant scopes it does not hold itself: ${list}.${hint}`,
    { missingScopes: beyond.join(',') },
  );
}

export function tokenRoutes({ tokens }: AppDeps): RouteSpec[] {
  return [
    route('GET', '/api/security/tokens', 'settings:read', (c) => c.json({ tokens: tokens.list() })),
    route(
      'POST',
      '/api/security/tokens',
      'settings:write',
      async (c) => {
        const body = await readJson(c.req, CreateTokenRequest, limits);
        assertMayGrant(c.get('token'), body.scopes ?? ['*']);
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

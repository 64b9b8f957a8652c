// Token authentication and per-route scope checks.
import { HEADERS, hasScope, type Scope } from '@pulse/shared';
import type { MiddlewareHandler } from 'hono';
import { SETUP_TOKEN_FILE, type SetupToken } from '../security/setup-token.ts';
import type { TokenStore } from '../security/tokens.ts';
import type { AppEnv } from './context.ts';
import { ApiError } from './errors.ts';

/** Query parameters that would carry a token; refused everywhere because URLs end up in logs. */
const QUERY_TOKEN_PARAMS = ['token', 'api_token', 'apiToken', 'apitoken'];

export function presentedToken(headers: Headers): string | undefined {
  const direct = headers.get(HEADERS.apiToken)?.trim();
  if (direct) return direct;
  const auth = headers.get('authorization')?.trim();
  if (auth && /^bearer\s+/i.test(auth)) {
    const value = auth.replace(/^bearer\s+/i, '').trim();
    if (value) return value;
  }
  return undefined;
}

export function refuseQueryTokens(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    // Most requests have no query string at all; only those pay for parsing one.
    const url = c.req.url.includes('?') ? new URL(c.req.url) : undefined;
    const param = url && QUERY_TOKEN_PARAMS.find((p) => url.searchParams.has(p));
    if (param) {
      throw new ApiError(
        'token_in_query',
        `API tokens in the query string ('${param}') are refused because URLs are logged; send the token in the X-API-Token header or as Authorization: Bearer`,
      );
    }
    await next();
  };
}

export interface AuthOptions {
  scope: Scope;
  /** The first API token may be created with the setup token while no token exists. */
  acceptSetupToken?: boolean;
}

export function requireToken(
  tokens: TokenStore,
  setup: SetupToken,
  opts: AuthOptions,
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const raw = presentedToken(c.req.raw.headers);
    if (!raw) {
      const setupRaw = c.req.header(HEADERS.setupToken);
      if (opts.acceptSetupToken && setupRaw && setup.active && tokens.count() === 0) {
        if (!setup.matches(setupRaw)) throw new ApiError('invalid_token', 'The X-Setup-Token is not valid');
        if (!setup.claim()) {
          throw new ApiError(
            'conflict',
            'Another request is creating the first API token with the setup token; retry if it fails',
          );
        }
        c.set('token', undefined);
        try {
          await next();
        } finally {
          setup.release();
        }
        return;
      }
      if (tokens.count() === 0) {
        throw new ApiError(
          'setup_required',
          // Anyone can trigger this answer, so it names the file but not where the data directory lives.
          `No API token exists yet, so this route cannot be used. Create the first token with POST /api/security/tokens and the header X-Setup-Token set to the contents of ${SETUP_TOKEN_FILE} in the server's data directory (PULSE_DATA_DIR; the server logs its path at start), or start the server with API_TOKENS set`,
        );
      }
      throw new ApiError(
        'unauthorized',
        'Authentication required: send an API token in the X-API-Token header or as Authorization: Bearer',
      );
    }
    const result = tokens.verify(raw);
    if (!result.ok) {
      throw new ApiError(
        'invalid_token',
        result.reason === 'expired'
          ? 'The API token has expired'
          : 'The API token is not valid (revoked or mistyped)',
      );
    }
    if (!hasScope(result.token.scopes, opts.scope)) {
      throw new ApiError(
        'insufficient_scope',
        `The API token '${result.token.name}' lacks the '${opts.scope}' scope that ${c.req.method} ${c.req.routePath} requires`,
        { requiredScope: opts.scope },
      );
    }
    c.set('token', result.token);
    await next();
  };
}

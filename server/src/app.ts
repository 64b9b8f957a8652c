// createApp(deps): middleware order, route mounting and error handling. No side effects.
import { Hono } from 'hono';
import type { AppDeps } from './deps.ts';
import { refuseQueryTokens, requireToken } from './http/auth.ts';
import type { AppEnv } from './http/context.ts';
import { errorHandler } from './http/error-handler.ts';
import { ApiError } from './http/errors.ts';
import { requestId } from './http/request-id.ts';
import { requestLog } from './http/request-log.ts';
import { securityHeaders } from './http/security-headers.ts';
import { apiRoutes } from './routes/index.ts';
import type { RouteSpec } from './routes/route.ts';

function pathPattern(path: string): RegExp {
  const escaped = path
    .split('/')
    .map((seg) => (seg.startsWith(':') ? '[^/]+' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${escaped}/?$`);
}

export function createApp(deps: AppDeps): Hono<AppEnv> {
  // strict: false lets `/api/health/` reach the same route as `/api/health`.
  const app = new Hono<AppEnv>({ strict: false });
  const routes = apiRoutes(deps);

  app.use('*', securityHeaders());
  app.use('*', requestId());
  app.use('*', requestLog(deps.log));
  app.use('/api/*', refuseQueryTokens());

  for (const spec of routes) {
    if (spec.scope === 'public') app.on(spec.method, spec.path, spec.handler);
    else {
      const auth = requireToken(deps.tokens, deps.setup, {
        scope: spec.scope,
        acceptSetupToken: spec.acceptSetupToken,
      });
      app.on(spec.method, spec.path, auth, spec.handler);
    }
  }

  const patterns: Array<{ spec: RouteSpec; re: RegExp }> = routes.map((spec) => ({
    spec,
    re: pathPattern(spec.path),
  }));
  app.notFound((c) => {
    const allowed = [...new Set(patterns.filter((p) => p.re.test(c.req.path)).map((p) => p.spec.method))];
    if (allowed.length > 0) {
      c.header('Allow', allowed.join(', '));
      throw new ApiError(
        'method_not_allowed',
        `${c.req.method} is not allowed on ${c.req.path}; use ${allowed.join(' or ')}`,
      );
    }
    throw new ApiError('not_found', `No route for ${c.req.method} ${c.req.path}`);
  });
  app.onError(errorHandler(deps.log, () => deps.clock.now()));
  return app;
}

// Public routes: GET /api/health and GET /api/version.
import type { AppDeps } from '../../deps.ts';
import { type RouteSpec, route } from '../route.ts';

export function systemRoutes(deps: AppDeps): RouteSpec[] {
  return [
    route('GET', '/api/health', 'public', (c) => {
      const now = deps.clock.now();
      return c.json({
        status: 'healthy' as const,
        timestamp: Math.floor(now / 1000),
        uptime: (now - deps.startedAt) / 1000,
      });
    }),
    route('GET', '/api/version', 'public', (c) => c.json(deps.version)),
  ];
}

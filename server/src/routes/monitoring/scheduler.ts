// GET /api/monitoring/scheduler/health: poll queue, breakers, dead letters and staleness per instance.
import type { AppDeps } from '../../deps.ts';
import { type RouteSpec, route } from '../route.ts';

export function schedulerRoutes({ proxmox }: AppDeps): RouteSpec[] {
  return [
    route('GET', '/api/monitoring/scheduler/health', 'monitoring:read', (c) => c.json(proxmox.health())),
  ];
}

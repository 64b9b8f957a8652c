// GET /api/config/system: the system settings the server runs with, read-only (set through the environment).
import type { SystemConfigResponse } from '@pulse/shared';
import type { AppDeps } from '../../deps.ts';
import { type RouteSpec, route } from '../route.ts';

export function systemConfigRoutes({ history }: AppDeps): RouteSpec[] {
  return [
    route('GET', '/api/config/system', 'settings:read', (c) => {
      const r = history.retention;
      const body: SystemConfigResponse = {
        metricsRetentionRawHours: r.rawHours,
        metricsRetentionMinuteHours: r.minuteHours,
        metricsRetentionHourlyDays: r.hourlyDays,
        metricsRetentionDailyDays: r.dailyDays,
      };
      return c.json(body);
    }),
  ];
}

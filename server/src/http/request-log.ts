// One log line per request; the query string is left out so nothing secret reaches the log.

import type { Logger } from '@pulse/shared';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './context.ts';

export function requestLog(log: Logger): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    await next();
    const status = c.res.status;
    const fields = {
      request_id: c.get('requestId'),
      method: c.req.method,
      path: c.req.path,
      status,
      duration_ms: Math.round((performance.now() - started) * 100) / 100,
      token_id: c.get('token')?.id,
    };
    if (status >= 500) log.error('request', fields);
    else log.info('request', fields);
  };
}

// One log line per request; the query string is left out so nothing secret reaches the log.

import type { Logger } from '@pulse/shared';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './context.ts';

/** 502 and 504 mean a system we called did not answer well: worth a warning, not a server fault. */
const UPSTREAM_STATUSES = new Set([502, 503, 504]);

export function requestLog(log: Logger): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    await next();
    const status = c.res.status;
    const apiError = c.get('apiError');
    const fields: Record<string, unknown> = {
      request_id: c.get('requestId'),
      method: c.req.method,
      path: c.req.path,
      status,
      duration_ms: Math.round((performance.now() - started) * 100) / 100,
      token_id: c.get('token')?.id,
    };
    if (apiError) {
      fields.error_code = apiError.code;
      // A server-side failure's message (host, failed step) is what the operator needs; a client's
      // own mistake is in the answer it got.
      if (status >= 500) fields.error = apiError.message;
    }
    if (UPSTREAM_STATUSES.has(status)) log.warn('request', fields);
    else if (status >= 500) log.error('request', fields);
    else log.info('request', fields);
  };
}

// Gives every request an id (the client's X-Request-ID when it is sane) and echoes it back.
import { randomUUID } from 'node:crypto';
import { HEADERS } from '@pulse/shared';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './context.ts';

const SAFE_ID = /^[A-Za-z0-9._-]{1,64}$/;

export function requestId(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const incoming = c.req.header(HEADERS.requestId);
    const id = incoming && SAFE_ID.test(incoming) ? incoming : randomUUID();
    c.set('requestId', id);
    c.header(HEADERS.requestId, id);
    await next();
  };
}

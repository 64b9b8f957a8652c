// The three error tiers: ours (ApiError), Hono's HTTPException, and anything else (500, logged).

import type { Logger } from '@pulse/shared';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { AppEnv } from './context.ts';
import { ApiError, type ErrorCode, errorEnvelope } from './errors.ts';

function fromHttpException(err: HTTPException): ApiError {
  const byStatus: Record<number, ErrorCode> = {
    400: 'bad_request',
    401: 'unauthorized',
    403: 'forbidden',
    404: 'not_found',
    405: 'method_not_allowed',
    413: 'payload_too_large',
    415: 'unsupported_encoding',
  };
  return new ApiError(byStatus[err.status] ?? 'bad_request', err.message || 'Bad request');
}

export function errorHandler(log: Logger, now: () => number) {
  return (err: Error, c: Context<AppEnv>) => {
    let apiError: ApiError;
    if (err instanceof ApiError) apiError = err;
    else if (err instanceof HTTPException && err.status < 500) apiError = fromHttpException(err);
    else {
      log.error('unhandled error', {
        request_id: c.get('requestId'),
        path: c.req.path,
        err: err.stack ?? String(err),
      });
      apiError = new ApiError('internal_error', 'Internal server error; the request id is in the server log');
    }
    c.set('apiError', apiError);
    return c.json(errorEnvelope(apiError, c.get('requestId') ?? '', now()), apiError.status);
  };
}

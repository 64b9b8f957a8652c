// The error envelope check every route test makes: status, code, a message, and the request id echoed.
import { ErrorEnvelope, HEADERS } from '@pulse/shared';
import { expect } from 'vitest';

export async function expectError(res: Response, status: number, code: string): Promise<ErrorEnvelope> {
  const body = ErrorEnvelope.parse(await res.json());
  expect({ status: res.status, code: body.code }).toEqual({ status, code });
  expect(body.error).not.toBe('');
  expect(body.status_code).toBe(status);
  expect(body.request_id).toBe(res.headers.get(HEADERS.requestId));
  return body;
}

import { ApiException } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { describeApiError } from './errors.ts';

describe('describeApiError', () => {
  it('a 401 (client-node leaves the body undefined) reads "401 Unauthorized"', () => {
    expect(describeApiError(new ApiException(401, 'Unauthorized', undefined, {}))).toEqual({
      kind: 'unauthorized',
      status: 401,
      message: '401 Unauthorized',
      retryable: false,
    });
  });

  it('a 403 carries the RBAC message from the Status body text', () => {
    const body = JSON.stringify({
      kind: 'Status',
      code: 403,
      reason: 'Forbidden',
      message: 'cronjobs.batch is forbidden: User "x" cannot list resource "cronjobs"',
    });
    expect(describeApiError(new ApiException(403, 'x', body, {}))).toMatchObject({
      kind: 'forbidden',
      message: '403 Forbidden: cronjobs.batch is forbidden: User "x" cannot list resource "cronjobs"',
      retryable: false,
    });
  });

  it("the aggregator's plain-text 503 is retryable", () => {
    expect(describeApiError(new ApiException(503, 'x', 'service unavailable\n', {}))).toMatchObject({
      kind: 'http',
      message: '503 ServiceUnavailable: service unavailable',
      retryable: true,
    });
  });

  it('undici network failures name the socket error', () => {
    const err = new TypeError('fetch failed', {
      cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6443'), { code: 'ECONNREFUSED' }),
    });
    expect(describeApiError(err)).toEqual({
      kind: 'unreachable',
      message: 'unreachable: ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:6443',
      retryable: true,
    });
  });

  it('a request timeout is retryable; a local error is not', () => {
    expect(
      describeApiError(new DOMException('The operation was aborted due to timeout', 'TimeoutError')),
    ).toMatchObject({
      kind: 'timeout',
      retryable: true,
    });
    expect(describeApiError(new Error("ENOENT: no such file or directory, open '/x/ca.crt'"))).toMatchObject({
      kind: 'client',
      retryable: false,
    });
  });
});

// One error vocabulary for the API: codes, their HTTP statuses, and the JSON envelope.
import type { ZodError } from 'zod';

export const ERROR_STATUS = {
  bad_request: 400,
  invalid_json: 400,
  validation_failed: 400,
  invalid_report: 400,
  token_in_query: 400,
  request_aborted: 400,
  unauthorized: 401,
  setup_required: 401,
  invalid_token: 401,
  forbidden: 403,
  insufficient_scope: 403,
  reenroll_blocked: 403,
  identity_bound: 403,
  quota_exceeded: 403,
  not_found: 404,
  agent_not_found: 404,
  method_not_allowed: 405,
  request_timeout: 408,
  conflict: 409,
  payload_too_large: 413,
  report_too_large: 413,
  unsupported_encoding: 415,
  headers_too_large: 431,
  internal_error: 500,
  upstream_error: 502,
  upstream_timeout: 504,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, string> | undefined;

  constructor(code: ErrorCode, message: string, details?: Record<string, string>) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.details = details;
  }

  get status(): (typeof ERROR_STATUS)[ErrorCode] {
    return ERROR_STATUS[this.code];
  }
}

export interface ErrorEnvelope {
  error: string;
  code: ErrorCode;
  status_code: number;
  request_id: string;
  timestamp: number;
  details?: Record<string, string>;
}

export function errorEnvelope(err: ApiError, requestId: string, nowMs: number): ErrorEnvelope {
  const body: ErrorEnvelope = {
    error: err.message,
    code: err.code,
    status_code: err.status,
    request_id: requestId,
    timestamp: Math.floor(nowMs / 1000),
  };
  if (err.details) body.details = err.details;
  return body;
}

/** Turns zod issues into one readable sentence plus a field → problem map. */
export function validationError(
  error: ZodError,
  code: ErrorCode = 'validation_failed',
  what = 'body',
): ApiError {
  const details: Record<string, string> = {};
  for (const issue of error.issues) {
    const field = issue.path.length > 0 ? issue.path.join('.') : what;
    if (!(field in details)) details[field] = issue.message;
  }
  const parts = Object.entries(details)
    .slice(0, 5)
    .map(([field, problem]) => `${field}: ${problem}`);
  const more = Object.keys(details).length > 5 ? ` (and ${Object.keys(details).length - 5} more)` : '';
  return new ApiError(code, `Invalid ${what}: ${parts.join('; ')}${more}`, details);
}

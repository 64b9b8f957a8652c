// The collector's error vocabulary: ClusterLost for the caller, and one description of any API failure.
import { ApiException } from '@kubernetes/client-node';

/** The API server cannot be used any more (unreachable, credentials rejected): reconnect before the next cycle. */
export class ClusterLost extends Error {
  override readonly name = 'ClusterLost';
}

export type FailureKind =
  | 'unauthorized'
  | 'forbidden'
  | 'not-found'
  | 'expired'
  | 'http'
  | 'timeout'
  | 'unreachable'
  | 'client';

export interface ApiFailure {
  kind: FailureKind;
  status?: number;
  /** One line a user can act on: `403 Forbidden: cronjobs.batch is forbidden: User ...`. */
  message: string;
  /** Worth another attempt: 429, 5xx, a timeout or a network error. */
  retryable: boolean;
}

const STATUS_TEXT: Record<number, string> = {
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  410: 'Expired',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
};

const MAX_DETAIL = 300;

/**
 * The Status message from an error body. client-node keeps the raw text for statuses the generated code
 * does not know (403, 404, 503), leaves it undefined for those it does (401), and the aggregator answers
 * 503 in plain text.
 */
function statusDetail(body: unknown): { reason?: string; message?: string } {
  let parsed: unknown = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body);
    } catch {
      return { message: body.trim().slice(0, MAX_DETAIL) || undefined };
    }
  }
  if (typeof parsed !== 'object' || parsed === null) return {};
  const reason = 'reason' in parsed && typeof parsed.reason === 'string' ? parsed.reason : undefined;
  const message = 'message' in parsed && typeof parsed.message === 'string' ? parsed.message : undefined;
  return { reason, message: message?.slice(0, MAX_DETAIL) };
}

function httpKind(code: number): FailureKind {
  if (code === 401) return 'unauthorized';
  if (code === 403) return 'forbidden';
  if (code === 404) return 'not-found';
  if (code === 410) return 'expired';
  return 'http';
}

/** undici's fetch rejects with TypeError("fetch failed") and the socket error as cause. */
function networkCause(err: Error): string | undefined {
  if (!(err instanceof TypeError) || !(err.cause instanceof Error)) return undefined;
  const code = 'code' in err.cause && typeof err.cause.code === 'string' ? `${err.cause.code}: ` : '';
  return `${code}${err.cause.message}`;
}

export function describeApiError(err: unknown): ApiFailure {
  if (err instanceof ApiException) {
    const code = err.code;
    const { reason, message } = statusDetail(err.body);
    const head = `${code} ${reason ?? STATUS_TEXT[code] ?? 'HTTP error'}`;
    return {
      kind: httpKind(code),
      status: code,
      message: message && message !== reason ? `${head}: ${message}` : head,
      retryable: code === 429 || code >= 500,
    };
  }
  if (err instanceof Error && err.name === 'TimeoutError') {
    return { kind: 'timeout', message: `request timed out (${err.message})`, retryable: true };
  }
  if (err instanceof Error) {
    const network = networkCause(err);
    if (network) return { kind: 'unreachable', message: `unreachable: ${network}`, retryable: true };
    // A local problem (a CA file gone, an http:// server without insecure-skip-tls-verify): retrying won't help.
    return { kind: 'client', message: err.message.split('\n')[0] ?? err.message, retryable: false };
  }
  return { kind: 'client', message: String(err), retryable: false };
}

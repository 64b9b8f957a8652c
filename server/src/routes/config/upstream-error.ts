// A Proxmox call made on a client's behalf that failed: the fault is upstream, so the answer is a 502
// (or a 504 when it did not answer in time) that names the host and the step, never a 500.
import { ApiError } from '../../http/errors.ts';
import { failedStep, ProxmoxError } from '../../sources/proxmox/client/errors.ts';

function hostOf(endpoint: string, fallback: string): string {
  try {
    return new URL(endpoint).host || fallback;
  } catch {
    return fallback;
  }
}

/**
 * Turns a ProxmoxError into the API error; anything else is passed through untouched, so a real bug
 * still reaches the error handler as one. `action` starts the message ("Refreshing the cluster of 'x'").
 */
export function upstreamError(err: unknown, action: string, configuredHost: string): unknown {
  if (!(err instanceof ProxmoxError)) return err;
  const host = hostOf(err.endpoint, configuredHost);
  const step = failedStep(err);
  const code = err.kind === 'timeout' ? 'upstream_timeout' : 'upstream_error';
  return new ApiError(code, `${action} failed at ${host} while ${step}: ${err.message}`, {
    host,
    step,
    kind: err.kind,
    ...(err.path ? { path: err.path } : {}),
  });
}

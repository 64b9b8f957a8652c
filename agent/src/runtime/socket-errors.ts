// Socket errors in words that stay the same from one retry to the next, so that a reason is logged once.

const CODES: Record<string, string> = {
  ENOENT: 'no socket there',
  ECONNREFUSED: 'connection refused',
  EACCES: 'permission denied',
  ECONNRESET: 'connection reset',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'name lookup failed',
  ETIMEDOUT: 'connection timed out',
};

export function describeSocketError(err: unknown): string {
  const code = err instanceof Error && 'code' in err && typeof err.code === 'string' ? err.code : undefined;
  if (code !== undefined) return CODES[code] ?? code;
  return err instanceof Error ? err.message : String(err);
}

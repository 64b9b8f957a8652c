// One error type for every way a Proxmox call can fail, with a message the user can act on.
import type { ProxmoxProduct } from './types.ts';

export type ProxmoxErrorKind =
  | 'dns'
  | 'tcp'
  | 'timeout'
  | 'tls'
  | 'fingerprint'
  | 'auth'
  | 'forbidden'
  | 'not-found'
  | 'not-proxmox'
  | 'node-unreachable'
  | 'http';

export interface ProxmoxErrorInit {
  kind: ProxmoxErrorKind;
  message: string;
  path: string;
  endpoint: string;
  status?: number;
  cause?: unknown;
}

/** The step of a call that a failure belongs to, in the words an operator would use. */
export function failedStep(err: ProxmoxError): string {
  switch (err.kind) {
    case 'dns':
      return 'resolving the host name';
    case 'tcp':
      return 'connecting';
    case 'timeout': {
      const code = errorCode(err);
      if (code === 'UND_ERR_CONNECT_TIMEOUT') return 'connecting';
      return code === 'UND_ERR_HEADERS_TIMEOUT'
        ? 'waiting for the response headers'
        : 'waiting for an answer';
    }
    case 'tls':
    case 'fingerprint':
      return 'checking the TLS certificate';
    case 'auth':
    case 'forbidden':
      return 'authenticating';
    default:
      return 'reading the answer';
  }
}

const TRANSIENT_STATUSES = new Set([408, 425, 429]);

export function isTransientFailure(kind: ProxmoxErrorKind, status: number | undefined): boolean {
  if (kind === 'dns' || kind === 'tcp' || kind === 'timeout' || kind === 'node-unreachable') return true;
  if (status === undefined) return false;
  return status >= 500 || TRANSIENT_STATUSES.has(status);
}

export class ProxmoxError extends Error {
  readonly kind: ProxmoxErrorKind;
  readonly status: number | undefined;
  readonly path: string;
  readonly endpoint: string;
  readonly transient: boolean;

  constructor(init: ProxmoxErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'ProxmoxError';
    this.kind = init.kind;
    this.status = init.status;
    this.path = init.path;
    this.endpoint = init.endpoint;
    this.transient = isTransientFailure(init.kind, init.status);
  }
}

/** Thrown by the pinning connector; turned into a 'fingerprint' ProxmoxError by `networkError`. */
export class FingerprintMismatchError extends Error {
  readonly expected: string;
  readonly seen: string;

  constructor(expected: string, seen: string) {
    super(`certificate fingerprint ${seen} does not match the pinned ${expected}`);
    this.name = 'FingerprintMismatchError';
    this.expected = expected;
    this.seen = seen;
  }
}

/** Where a failing call was going, and the secrets that must never appear in its message. */
export interface ErrorContext {
  product: ProxmoxProduct;
  endpoint: string;
  method: string;
  path: string;
  usingToken: boolean;
  secrets: readonly string[];
}

const PORT_HINT = 'is this the Proxmox port (8006 for VE/MG, 8007 for Backup Server)?';

const GUEST_AGENT_PATTERNS = ['qmp command', 'guest-get-', 'guest agent', 'qemu guest agent is not running'];

/** Errors that belong to one VM's guest agent, not to the node answering the call. */
export function isGuestAgentError(message: string): boolean {
  const lower = message.toLowerCase();
  return GUEST_AGENT_PATTERNS.some((p) => lower.includes(p));
}

export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join('***');
  }
  return out;
}

function make(ctx: ErrorContext, kind: ProxmoxErrorKind, message: string, status?: number, cause?: unknown) {
  return new ProxmoxError({
    kind,
    message: scrubSecrets(message, ctx.secrets),
    path: ctx.path,
    endpoint: ctx.endpoint,
    ...(status === undefined ? {} : { status }),
    ...(cause === undefined ? {} : { cause: scrubCause(cause, ctx.secrets) }),
  });
}

// The cause keeps only code and a scrubbed message: an undici error can carry request headers.
function scrubCause(cause: unknown, secrets: readonly string[]): Error {
  const code = errorCode(cause);
  const err = new Error(scrubSecrets(cause instanceof Error ? cause.message : String(cause), secrets));
  if (code) Object.defineProperty(err, 'code', { value: code, enumerable: true });
  return err;
}

export function notProxmoxError(ctx: ErrorContext, what: string, status?: number): ProxmoxError {
  return make(ctx, 'not-proxmox', `${ctx.endpoint} answered with ${what} — ${PORT_HINT}`, status);
}

/** Maps an HTTP answer that is not 2xx. `detail` is Proxmox's own message (status text or body). */
export function statusError(ctx: ErrorContext, status: number, detail: string): ProxmoxError {
  const call = `${ctx.method} ${ctx.path}`;
  const said = detail ? `: ${detail}` : '';
  if (status === 401) {
    const fix = ctx.usingToken
      ? 'check the token ID (user@realm!tokenid) and its secret, and that the token has not expired'
      : 'check the username (with its realm, e.g. root@pam) and the password';
    return make(ctx, 'auth', `Authentication failed (401) at ${ctx.endpoint}${said} — ${fix}`, status);
  }
  if (status === 403) {
    const hint = ctx.usingToken
      ? " An API token only has the privileges granted to the token's user; with privilege separation on, grant them to the token itself too (or turn privilege separation off)."
      : ' Grant the user a role on this path (e.g. PVEAuditor on /).';
    return make(ctx, 'forbidden', `Permission denied (403) for ${call}${said}.${hint}`, status);
  }
  if (status === 404) return make(ctx, 'not-found', `Not found (404): ${call}${said}`, status);
  if (status === 595) {
    return make(
      ctx,
      'node-unreachable',
      `Node unreachable through the cluster proxy (595) for ${call}${said} — the target node is offline or the cluster members cannot reach or authenticate to it`,
      status,
    );
  }
  return make(ctx, 'http', `HTTP ${status} from ${call} at ${ctx.endpoint}${said}`, status);
}

const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'HOSTNAME_MISMATCH',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_TLS_HANDSHAKE_TIMEOUT',
  'EPROTO',
]);
const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'EAI_NODATA']);
const TIMEOUT_CODES = new Set([
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

export function errorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const code = 'code' in err ? err.code : undefined;
  if (typeof code === 'string') return code;
  return 'cause' in err ? errorCode(err.cause) : undefined;
}

/** Maps a failure below HTTP (DNS, socket, TLS, pin, timeout) to a ProxmoxError. */
export function networkError(ctx: ErrorContext, err: unknown, timedOutAfterMs?: number): ProxmoxError {
  if (err instanceof ProxmoxError) return err;
  if (err instanceof FingerprintMismatchError) return fingerprintError(ctx, err.expected, err.seen, err);
  const code = errorCode(err) ?? '';
  const raw = err instanceof Error ? err.message : String(err);
  const hostPort = ctx.endpoint.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
  if (timedOutAfterMs !== undefined || TIMEOUT_CODES.has(code)) {
    const phase =
      code === 'UND_ERR_CONNECT_TIMEOUT'
        ? 'connecting'
        : code === 'UND_ERR_HEADERS_TIMEOUT'
          ? 'waiting for the response headers'
          : 'waiting for the answer';
    const after = timedOutAfterMs === undefined ? '' : ` after ${timedOutAfterMs} ms`;
    return make(
      ctx,
      'timeout',
      `Timed out ${phase}${after} for ${ctx.method} ${ctx.path} at ${ctx.endpoint} — the host may be down or the API busy (slow storage backends can stall /storage calls)`,
      undefined,
      err,
    );
  }
  if (DNS_CODES.has(code)) {
    const host = hostPort.replace(/:\d+$/, '');
    return make(
      ctx,
      'dns',
      `Cannot resolve "${host}" (${code}) — check the hostname and the DNS settings of the Pulse server`,
      undefined,
      err,
    );
  }
  if (code === 'ECONNREFUSED') {
    return make(
      ctx,
      'tcp',
      `Connection refused by ${hostPort} — is the Proxmox API running on that port, and does the firewall allow it?`,
      undefined,
      err,
    );
  }
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'EHOSTDOWN') {
    return make(
      ctx,
      'tcp',
      `Cannot reach ${hostPort} (${code}) — check the network route from the Pulse server`,
      undefined,
      err,
    );
  }
  if (TLS_CODES.has(code) || code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS')) {
    return make(
      ctx,
      'tls',
      `TLS certificate of ${hostPort} not trusted (${code}) — install a certificate from a trusted CA, pin the certificate's SHA-256 fingerprint, or turn off certificate verification`,
      undefined,
      err,
    );
  }
  return make(
    ctx,
    'tcp',
    `Connection to ${hostPort} failed${code ? ` (${code})` : ''}: ${raw}`,
    undefined,
    err,
  );
}

export function fingerprintError(ctx: ErrorContext, expected: string, seen: string, cause?: unknown) {
  return make(
    ctx,
    'fingerprint',
    `Certificate fingerprint mismatch at ${ctx.endpoint}: expected ${expected}, the server presented ${seen} — if the certificate was renewed, update the pinned fingerprint`,
    undefined,
    cause,
  );
}

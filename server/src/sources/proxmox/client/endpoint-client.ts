// A client for one Proxmox VE / Backup Server / Mail Gateway endpoint: auth, TLS policy, timeouts, envelope.
import type { Logger } from '@pulse/shared';
import type { Pool } from 'undici';
import { TICKET_LIFETIME_MS, type Ticket, TicketSession, ticketCookie, tokenAuthorization } from './auth.ts';
import {
  type ErrorContext,
  networkError,
  notProxmoxError,
  ProxmoxError,
  scrubSecrets,
  statusError,
} from './errors.ts';
import { type AuthMethod, normalizeBaseUrl, normalizeFingerprint, resolveAuth } from './normalize.ts';
import { createDispatcher, type PeerCertificate, readPeerCertificate } from './tls.ts';
import type { EndpointOptions, ProxmoxApi, ProxmoxProduct, Query } from './types.ts';

export const DEFAULT_TIMEOUT_MS = 60_000;
export const CONNECT_TIMEOUT_MS = 10_000;
export const HEADERS_TIMEOUT_MS = 10_000;

/** Knobs that are not part of an instance's config: tests shorten timeouts and move the clock. */
export interface ClientTuning {
  connectTimeoutMs?: number;
  headersTimeoutMs?: number;
  ticketLifetimeMs?: number;
  now?: () => number;
  log?: Logger;
  /** Extra CA certificates (PEM) trusted when verifySSL is on. */
  ca?: string;
}

interface RawResponse {
  status: number;
  statusText: string;
  contentType: string;
  text: string;
}

interface Call {
  method: 'GET' | 'POST';
  path: string;
  query?: Query | undefined;
  form?: Query | undefined;
  timeoutMs?: number | undefined;
}

export class ProxmoxClient implements ProxmoxApi {
  readonly product: ProxmoxProduct;
  readonly baseUrl: string;
  readonly fingerprint: string | undefined;
  readonly #pool: Pool;
  readonly #prefix: string;
  readonly #auth: AuthMethod;
  readonly #ticket: TicketSession | undefined;
  readonly #timeoutMs: number;
  readonly #headersTimeoutMs: number;
  readonly #log: Logger | undefined;
  readonly #ca: string | undefined;

  constructor(opts: EndpointOptions, tuning: ClientTuning = {}) {
    this.product = opts.product;
    this.baseUrl = normalizeBaseUrl(opts.product, opts.baseUrl);
    this.fingerprint = opts.fingerprint ? normalizeFingerprint(opts.fingerprint) : undefined;
    this.#auth = resolveAuth(opts.credentials);
    this.#timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#headersTimeoutMs = tuning.headersTimeoutMs ?? HEADERS_TIMEOUT_MS;
    this.#log = tuning.log;
    this.#ca = tuning.ca;
    const url = new URL(this.baseUrl);
    this.#prefix = url.pathname === '/' ? '' : url.pathname;
    this.#pool = createDispatcher(url.origin, {
      verifySSL: opts.verifySSL,
      fingerprint: this.fingerprint,
      connectTimeoutMs: tuning.connectTimeoutMs ?? CONNECT_TIMEOUT_MS,
      headersTimeoutMs: this.#headersTimeoutMs,
      ca: tuning.ca,
    });
    const auth = this.#auth;
    this.#ticket =
      auth.type === 'password'
        ? new TicketSession(
            () => this.#login(auth.user, auth.password),
            tuning.now ?? Date.now,
            tuning.ticketLifetimeMs ?? TICKET_LIFETIME_MS,
          )
        : undefined;
  }

  get<T = unknown>(path: string, query?: Query, opts?: { timeoutMs?: number }): Promise<T> {
    return this.#call<T>({ method: 'GET', path, query, timeoutMs: opts?.timeoutMs });
  }

  post<T = unknown>(path: string, form?: Query): Promise<T> {
    return this.#call<T>({ method: 'POST', path, form });
  }

  /** The leaf certificate this endpoint presents, read without verifying it (for TOFU and diagnostics). */
  peerCertificate(timeoutMs?: number): Promise<PeerCertificate> {
    const url = new URL(this.baseUrl);
    return readPeerCertificate(url.hostname, Number(url.port || 443), {
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
      ...(this.#ca ? { ca: this.#ca } : {}),
    });
  }

  async peerFingerprint(timeoutMs?: number): Promise<string> {
    return (await this.peerCertificate(timeoutMs)).fingerprint;
  }

  close(): Promise<void> {
    return this.#pool.close();
  }

  async #call<T>(call: Call): Promise<T> {
    const ticket = this.#ticket;
    if (!ticket) return this.#exchange<T>(call, undefined);
    const first = await ticket.get();
    try {
      return await this.#exchange<T>(call, first);
    } catch (err) {
      if (!(err instanceof ProxmoxError) || err.kind !== 'auth') throw err;
      // The ticket may have been revoked or expired early: log in again once, then give up.
      this.#log?.info('proxmox ticket refused, logging in again', {
        endpoint: this.baseUrl,
        path: call.path,
      });
      ticket.invalidate(first);
      return this.#exchange<T>(call, await ticket.get());
    }
  }

  async #exchange<T>(call: Call, ticket: Ticket | undefined): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.#auth.type === 'token') {
      headers.authorization = tokenAuthorization(this.product, this.#auth.tokenId, this.#auth.secret);
    } else if (ticket) {
      headers.cookie = ticketCookie(this.product, ticket.ticket);
      if (call.method !== 'GET') headers.csrfpreventiontoken = ticket.csrf;
    }
    const res = await this.#send(call, headers);
    return unwrapData<T>(this.#context(call), res);
  }

  async #login(user: string, password: string): Promise<{ ticket: string; csrf: string }> {
    const call: Call = { method: 'POST', path: '/access/ticket', form: { username: user, password } };
    const res = await this.#send(call, { accept: 'application/json' });
    const data = unwrapData<unknown>(this.#context(call), res);
    const ticket = field(data, 'ticket');
    const csrf = field(data, 'CSRFPreventionToken');
    if (!ticket || !csrf) throw notProxmoxError(this.#context(call), 'a login answer without a ticket');
    return { ticket, csrf };
  }

  async #send(call: Call, headers: Record<string, string>): Promise<RawResponse> {
    const ctx = this.#context(call);
    const qs = encodeParams(call.query);
    const path = `${this.#prefix}/api2/json${call.path.startsWith('/') ? '' : '/'}${call.path}${qs ? `?${qs}` : ''}`;
    const body = call.form === undefined ? undefined : encodeParams(call.form);
    if (body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
    const timeoutMs = call.timeoutMs ?? this.#timeoutMs;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new Error('proxmox call timed out')), timeoutMs);
    try {
      const res = await this.#pool.request({
        path,
        method: call.method,
        headers,
        ...(body === undefined ? {} : { body }),
        signal: controller.signal,
        // An explicit per-call timeout (slow storage calls) may wait longer than the default for headers.
        headersTimeout:
          call.timeoutMs === undefined ? this.#headersTimeoutMs : Math.max(this.#headersTimeoutMs, timeoutMs),
        bodyTimeout:
          call.timeoutMs === undefined ? this.#headersTimeoutMs : Math.max(this.#headersTimeoutMs, timeoutMs),
      });
      const text = await res.body.text();
      const contentType = res.headers['content-type'];
      return {
        status: res.statusCode,
        statusText: res.statusText ?? '',
        contentType: typeof contentType === 'string' ? contentType : '',
        text,
      };
    } catch (err) {
      throw networkError(ctx, err, controller.signal.aborted ? timeoutMs : undefined);
    } finally {
      clearTimeout(timer);
    }
  }

  #context(call: Call): ErrorContext {
    const secrets: string[] = this.#ticket?.secrets() ?? [];
    if (this.#auth.type === 'token') secrets.push(this.#auth.secret);
    else secrets.push(this.#auth.password);
    return {
      product: this.product,
      endpoint: this.baseUrl,
      method: call.method,
      path: call.path,
      usingToken: this.#auth.type === 'token',
      secrets,
    };
  }
}

/** Proxmox answers `1`/`0` for booleans and ignores unknown empty parameters, so undefined is left out. */
export function encodeParams(params: Query | undefined): string {
  if (!params) return '';
  const out = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined) continue;
    out.append(key, typeof value === 'boolean' ? (value ? '1' : '0') : String(value));
  }
  return out.toString();
}

// Gateway and rate-limit answers keep their status even with an HTML body, so cluster failover sees them.
const GATEWAY_STATUSES = new Set([408, 425, 429, 502, 503, 504]);

function unwrapData<T>(ctx: ErrorContext, res: RawResponse): T {
  const html = /html/i.test(res.contentType) || /^\s*</.test(res.text);
  if (html && !GATEWAY_STATUSES.has(res.status)) return fail(notProxmoxError(ctx, 'HTML', res.status));
  if (res.status < 200 || res.status >= 300) {
    return fail(statusError(ctx, res.status, scrubSecrets(proxmoxDetail(res), ctx.secrets)));
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(res.text);
  } catch {
    return fail(notProxmoxError(ctx, 'a body that is not JSON', res.status));
  }
  if (typeof parsed !== 'object' || parsed === null || !('data' in parsed)) {
    return fail(notProxmoxError(ctx, 'JSON without the Proxmox "data" envelope', res.status));
  }
  return unchecked<T>(parsed.data);
}

function fail(err: ProxmoxError): never {
  throw err;
}

/**
 * The generic parameter is the caller's claim about the payload; pollers validate it with their schema at the
 * edge, so this is the one place the client trusts it.
 */
function unchecked<T>(value: unknown): T {
  return value as T;
}

/** Proxmox puts its reason in the status line, and parameter errors in `errors` in the body. */
function proxmoxDetail(res: RawResponse): string {
  const parts = [res.statusText.trim()];
  try {
    const body: unknown = JSON.parse(res.text);
    const message = field(body, 'message');
    if (message && !parts.includes(message.trim())) parts.push(message.trim());
    const errors = typeof body === 'object' && body !== null && 'errors' in body ? body.errors : undefined;
    if (errors && typeof errors === 'object') {
      parts.push(
        Object.entries(errors)
          .map(([k, v]) => `${k}: ${String(v).trim()}`)
          .join('; '),
      );
    }
  } catch {
    // Not JSON: the status line is all there is.
  }
  return parts.filter(Boolean).join(' — ').slice(0, 500);
}

function field(value: unknown, key: string): string | undefined {
  if (typeof value !== 'object' || value === null || !(key in value)) return undefined;
  const v: unknown = Reflect.get(value, key);
  return typeof v === 'string' ? v : undefined;
}

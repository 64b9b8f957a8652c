// HTTP client to the Pulse server: gzip JSON, both auth headers, 15 s timeout, no redirects, TLS options.
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { Agent, request } from 'undici';

const gzipAsync = promisify(gzip);
const TIMEOUT_MS = 15_000;

export type SendResult =
  | { ok: true; status: number; body: unknown }
  /** 401/403: the token is wrong or lacks a scope; retrying cannot help. */
  | { ok: false; kind: 'auth'; status: number; message: string }
  /** 400/413/415/422: this report can never be accepted; keeping it would block the ones behind it. */
  | { ok: false; kind: 'rejected'; status: number; message: string }
  | { ok: false; kind: 'retry'; status?: number; message: string };

export interface ClientOptions {
  baseUrl: string;
  token: string;
  userAgent: string;
  insecure: boolean;
  cacert: string | undefined;
}

export class PulseClient {
  private readonly dispatcher: Agent;
  private readonly opts: ClientOptions;

  constructor(opts: ClientOptions) {
    this.opts = opts;
    this.dispatcher = new Agent({
      connect: {
        rejectUnauthorized: !opts.insecure,
        ...(opts.cacert ? { ca: readFileSync(opts.cacert, 'utf8') } : {}),
      },
      headersTimeout: TIMEOUT_MS,
      bodyTimeout: TIMEOUT_MS,
      keepAliveTimeout: 60_000,
    });
  }

  /** POSTs a JSON body gzip-compressed. Never throws: failures come back as data. */
  async postJson(path: string, payload: unknown, signal?: AbortSignal): Promise<SendResult> {
    try {
      const body = await gzipAsync(Buffer.from(JSON.stringify(payload)), { level: 1 });
      const timeout = AbortSignal.timeout(TIMEOUT_MS);
      const res = await request(`${this.opts.baseUrl}${path}`, {
        method: 'POST',
        dispatcher: this.dispatcher,
        headers: {
          'content-type': 'application/json',
          'content-encoding': 'gzip',
          authorization: `Bearer ${this.opts.token}`,
          'x-api-token': this.opts.token,
          'user-agent': this.opts.userAgent,
        },
        body,
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
      const text = await res.body.text();
      const status = res.statusCode;
      if (status >= 200 && status < 300) return { ok: true, status, body: parseJson(text) };
      const message = serverMessage(text) ?? `HTTP ${status}`;
      if (status >= 300 && status < 400) {
        return {
          ok: false,
          kind: 'retry',
          status,
          message: `redirect refused (HTTP ${status} to ${res.headers.location ?? '?'}); point --url at the server itself`,
        };
      }
      if (status === 401 || status === 403) return { ok: false, kind: 'auth', status, message };
      if ([400, 413, 415, 422].includes(status)) return { ok: false, kind: 'rejected', status, message };
      return { ok: false, kind: 'retry', status, message };
    } catch (err) {
      return { ok: false, kind: 'retry', message: describeError(err) };
    }
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
  }
}

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

function serverMessage(text: string): string | undefined {
  const body = parseJson(text);
  if (typeof body === 'object' && body !== null && 'error' in body && typeof body.error === 'string')
    return body.error;
  return undefined;
}

function describeError(err: unknown): string {
  if (err instanceof Error) {
    const code = 'code' in err && typeof err.code === 'string' ? `${err.code}: ` : '';
    const cause = err.cause instanceof Error ? ` (${err.cause.message})` : '';
    return `${code}${err.message}${cause}`;
  }
  return String(err);
}

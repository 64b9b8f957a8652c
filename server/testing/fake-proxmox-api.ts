// An in-memory stand-in for the Proxmox HTTP client, for the collector tests: answers by path (+ query).
import type { ProxmoxApi, Query } from '../src/sources/proxmox/collect/api.ts';

export class FakeApiError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

function key(path: string, query?: Query): string {
  const entries = Object.entries(query ?? {})
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => a.localeCompare(b));
  return entries.length === 0 ? path : `${path}?${entries.map(([k, v]) => `${k}=${String(v)}`).join('&')}`;
}

/** The real client is generic in the same way: the caller names the shape it expects of `data`. */
function answerAs<T>(data: unknown): T {
  return data as T;
}

export class FakeApi implements ProxmoxApi {
  private readonly routes = new Map<string, unknown>();
  private readonly failures = new Map<string, FakeApiError>();
  /** Every GET in call order, as `path` or `path?query`. */
  readonly calls: string[] = [];

  /** Answers `path` (with exactly `query` when given, else with any query). */
  on(path: string, data: unknown, query?: Query): this {
    this.failures.delete(key(path, query));
    this.routes.set(key(path, query), data);
    return this;
  }

  /** Fails `path` with any query; replaces an answer set before. */
  fail(path: string, status: number, message: string, query?: Query): this {
    this.routes.delete(key(path, query));
    this.failures.set(key(path, query), new FakeApiError(status, message));
    return this;
  }

  called(path: string): boolean {
    return this.calls.some((c) => c === path || c.startsWith(`${path}?`));
  }

  async get<T = unknown>(path: string, query?: Query): Promise<T> {
    const exact = key(path, query);
    this.calls.push(exact);
    const failure = this.failures.get(exact) ?? this.failures.get(path);
    if (failure) throw failure;
    if (this.routes.has(exact)) return answerAs<T>(structuredClone(this.routes.get(exact)));
    if (this.routes.has(path)) return answerAs<T>(structuredClone(this.routes.get(path)));
    throw new FakeApiError(501, `Method 'GET ${exact}' not implemented`);
  }

  async post<T = unknown>(path: string): Promise<T> {
    throw new FakeApiError(501, `Method 'POST ${path}' not implemented`);
  }
}

// Browser-facing safety headers on every answer, errors included: the API is data, never a page to
// render, frame or cache.
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './context.ts';

export interface SecurityHeaderOptions {
  /** Used where the handler set no Content-Security-Policy of its own. */
  contentSecurityPolicy?: string;
  /** Used where the handler set no Cache-Control of its own. */
  cacheControl?: string;
}

/** Nothing an API answer holds should load, run or be framed, whatever a browser guesses it is. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'";

/** Answers carry tokens, secrets' metadata and fleet details; no cache along the way should keep them. */
export const NO_STORE = 'no-store';

const ALWAYS: ReadonlyArray<[string, string]> = [
  ['X-Content-Type-Options', 'nosniff'],
  ['X-Frame-Options', 'DENY'],
  ['Referrer-Policy', 'no-referrer'],
];

export function securityHeaders(opts: SecurityHeaderOptions = {}): MiddlewareHandler<AppEnv> {
  const defaults: ReadonlyArray<[string, string]> = [
    ['Content-Security-Policy', opts.contentSecurityPolicy ?? API_CSP],
    ['Cache-Control', opts.cacheControl ?? NO_STORE],
  ];
  return async (c, next) => {
    // Set up front, Hono folds them into every answer built with c.json/c.body, the error
    // handler's included, and a handler can still replace the two defaults with c.header().
    for (const [name, value] of [...ALWAYS, ...defaults]) c.header(name, value);
    await next();
    // A handler that returns a Response object of its own bypasses those; fill them in afterwards.
    if (c.res.headers.has('X-Content-Type-Options')) return;
    for (const [name, value] of ALWAYS) c.header(name, value);
    for (const [name, value] of defaults) if (!c.res.headers.has(name)) c.header(name, value);
  };
}

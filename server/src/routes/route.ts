// The route table entry: every API route states its method, path and scope in one place.
import type { Scope } from '@pulse/shared';
import type { Context, Handler } from 'hono';
import type { AppEnv } from '../http/context.ts';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteSpec {
  method: Method;
  /** Hono path, with `:param` segments. */
  path: string;
  /** 'public' routes need no token. */
  scope: Scope | 'public';
  acceptSetupToken?: boolean;
  handler: Handler<AppEnv>;
}

export function route(
  method: Method,
  path: string,
  scope: RouteSpec['scope'],
  handler: Handler<AppEnv>,
  extra: Pick<RouteSpec, 'acceptSetupToken'> = {},
): RouteSpec {
  return { method, path, scope, handler, ...extra };
}

/** A path parameter the route pattern guarantees; Hono cannot type it from a runtime path string. */
export function pathParam(c: Context<AppEnv>, name: string): string {
  const value = c.req.param(name);
  if (value === undefined) throw new Error(`route has no ':${name}' parameter`);
  return value;
}

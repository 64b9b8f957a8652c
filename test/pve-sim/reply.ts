// Replies and a tiny path router: routes return data or an error, the server writes the product's envelope.

export type Product = 'pve' | 'pbs' | 'pmg';

export interface Reply {
  status: number;
  /** `data` of the envelope (success) or null. */
  data?: unknown;
  /** Extra top-level envelope keys, e.g. `total` on paged lists. */
  extra?: Record<string, unknown>;
  /** Error text: the HTTP reason phrase on PVE/PMG, the plain body on PBS. */
  message?: string;
}

export const ok = (data: unknown, extra?: Record<string, unknown>): Reply => ({
  status: 200,
  data,
  ...(extra ? { extra } : {}),
});
export const fail = (status: number, message: string): Reply => ({ status, message });

export interface Request {
  method: string;
  /** Path below /api2/json, without the query. */
  path: string;
  query: URLSearchParams;
  /** Form or JSON body fields. */
  body: Record<string, string>;
}

export type Params = Record<string, string>;
export type Handler = (req: Request, params: Params) => Reply;

export interface Route {
  method: string;
  parts: string[];
  handler: Handler;
}

/** route('GET', '/nodes/{node}/status', h): `{name}` segments become params. */
export const route = (method: string, pattern: string, handler: Handler): Route => ({
  method,
  parts: pattern.split('/').filter(Boolean),
  handler,
});

/** The matching route's reply, or undefined when no route has this path and method. */
export function dispatch(routes: Route[], req: Request): Reply | undefined {
  const segs = req.path.split('/').filter(Boolean);
  for (const r of routes) {
    if (r.method !== req.method || r.parts.length !== segs.length) continue;
    const params: Params = {};
    let matched = true;
    for (let i = 0; i < segs.length && matched; i++) {
      const want = r.parts[i] ?? '';
      const got = decodeURIComponent(segs[i] ?? '');
      if (want.startsWith('{')) params[want.slice(1, -1)] = got;
      else matched = want === got;
    }
    if (matched) return r.handler(req, params);
  }
  return undefined;
}

/** 0/1 as the Perl and Rust APIs print booleans. */
export const bit = (b: boolean | undefined) => (b ? 1 : 0);

// Request routing of the simulator: what kube-apiserver answers for a path, as a status code and body.
import type { IncomingMessage } from 'node:http';
import {
  apiGroupDoc,
  apiGroupList,
  apiResourceList,
  apiVersions,
  findResource,
  groupVersion,
  hasGroupVersion,
  METRICS_GROUP,
} from './discovery.ts';
import { type ListState, listObjects, withoutTypeMeta } from './list.ts';
import * as S from './status.ts';
import { toTable } from './table.ts';
import type { KubeFixtures, KubeObject } from './types.ts';

export interface KubeSimFailures {
  /** Paths (no query; a trailing * matches a prefix) that RBAC forbids: 403 Forbidden Status. */
  forbidden?: string[];
  /** Paths answered 503 ServiceUnavailable Status. */
  unavailable?: string[];
  /**
   * 'missing': metrics-server not installed, metrics.k8s.io absent from /apis and 404 under it.
   * 'unavailable': APIService registered but metrics-server down, the aggregator's plain-text 503.
   */
  metrics?: 'missing' | 'unavailable';
}

export interface RouteContext {
  fixtures: KubeFixtures;
  failures: KubeSimFailures;
  state: ListState;
  /** User named in Forbidden messages. */
  user: string;
  token?: string;
  /** host:port for APIVersions.serverAddressByClientCIDRs. */
  serverAddress: string;
}

/** A JSON body, or a string sent as text/plain. */
export interface Reply {
  code: number;
  body: object | string;
}

const reply = (code: number, body: object | string): Reply => ({ code, body });

const matches = (patterns: string[] | undefined, path: string) =>
  (patterns ?? []).some((p) => p === path || (p.endsWith('*') && path.startsWith(p.slice(0, -1))));

function serveResource(ctx: RouteContext, req: IncomingMessage, gv: [string, string], rest: string[]): Reply {
  const { failures, fixtures, state, user } = ctx;
  const query = new URL(req.url ?? '/', 'http://sim').searchParams;
  let [plural, name, ns] = [rest[0], rest[1], undefined as string | undefined];
  if (rest[0] === 'namespaces' && rest.length >= 3) [ns, plural, name] = [rest[1], rest[2], rest[3]];
  const r = plural ? findResource(gv[0], gv[1], plural) : undefined;
  const path = new URL(req.url ?? '/', 'http://sim').pathname.replace(/\/+$/, '');
  const bad = ns === undefined ? rest.length > 2 || (r?.namespaced && name !== undefined) : rest.length > 4;
  if (!r || bad || (ns !== undefined && !r.namespaced)) {
    return reply(404, S.pathNotFound());
  }
  if (matches(failures.forbidden, path)) {
    return reply(403, S.forbidden(user, name ? 'get' : 'list', r, path, ns));
  }
  if (matches(failures.unavailable, path)) return reply(503, S.serviceUnavailable(r));
  if (query.get('watch') === 'true' || query.get('watch') === '1') return reply(405, S.methodNotAllowed());

  const all = fixtures[r.collection] as KubeObject[];
  const apiVersion = groupVersion(r.group, r.version);
  const table = /as=Table/.test(req.headers.accept ?? '');
  const isMetrics = r.group === METRICS_GROUP;
  if (name !== undefined) {
    const o = all.find((x) => x.metadata.name === name && (!r.namespaced || x.metadata.namespace === ns));
    if (!o) return reply(404, S.objectNotFound(r, name));
    if (table) {
      const meta = { resourceVersion: String(state.revision) };
      return reply(
        200,
        toTable(r.kind, apiVersion, { metadata: meta, items: [o] }, query.get('includeObject')),
      );
    }
    return reply(200, { kind: r.kind, apiVersion, ...withoutTypeMeta(o) });
  }
  const limit = Number(query.get('limit') ?? '');
  const result = listObjects(
    r,
    all,
    {
      ...(ns !== undefined ? { namespace: ns } : {}),
      ...(Number.isInteger(limit) && !isMetrics ? { limit } : {}),
      ...(query.get('continue') && !isMetrics ? { continueToken: query.get('continue') ?? '' } : {}),
      ...(query.get('labelSelector') ? { labelSelector: query.get('labelSelector') ?? '' } : {}),
      ...(query.get('fieldSelector') ? { fieldSelector: query.get('fieldSelector') ?? '' } : {}),
    },
    state,
  );
  if (!result.ok) return reply(result.status.code, result.status);
  const body = result.body as { metadata: object; items: KubeObject[] };
  if (isMetrics) body.metadata = {}; // metrics-server lists carry no resourceVersion
  return reply(200, table ? toTable(r.kind, apiVersion, body, query.get('includeObject')) : body);
}

export function route(ctx: RouteContext, req: IncomingMessage): Reply {
  const { failures, fixtures, user } = ctx;
  const path = new URL(req.url ?? '/', 'http://sim').pathname.replace(/\/+$/, '') || '/';

  if (ctx.token && req.headers.authorization !== `Bearer ${ctx.token}`) return reply(401, S.unauthorized());
  if (req.method !== 'GET' && req.method !== 'HEAD') return reply(405, S.methodNotAllowed());
  if (path === '/version') return reply(200, fixtures.version);
  if (path === '/healthz' || path === '/livez' || path === '/readyz') return reply(200, 'ok');
  if (path === '/api') return reply(200, apiVersions(ctx.serverAddress));
  if (path === '/apis') return reply(200, apiGroupList(failures.metrics !== 'missing'));

  const seg = path.split('/').slice(1);
  const isApi = seg[0] === 'api';
  const [group, version] = isApi ? ['', seg[1] ?? ''] : [seg[1] ?? '', seg[2] ?? ''];
  if (seg[0] !== 'api' && seg[0] !== 'apis') return reply(404, S.pathNotFound());
  if (group === METRICS_GROUP && failures.metrics === 'missing') return reply(404, S.pathNotFound());
  if (group === METRICS_GROUP && failures.metrics === 'unavailable') return reply(503, 'service unavailable');
  if (!isApi && seg.length === 2) {
    const doc = apiGroupDoc(group);
    return doc ? reply(200, doc) : reply(404, S.pathNotFound());
  }
  if (!hasGroupVersion(group, version)) return reply(404, S.pathNotFound());
  const rest = seg.slice(isApi ? 2 : 3);
  if (rest.length === 0) {
    if (matches(failures.forbidden, path)) return reply(403, S.forbidden(user, 'get', undefined, path));
    return reply(200, apiResourceList(group, version));
  }
  return serveResource(ctx, req, [group, version], rest);
}

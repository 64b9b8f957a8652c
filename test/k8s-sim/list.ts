// List semantics of kube-apiserver's etcd3 store: key order, limit/continue paging with real continue tokens
// (base64url JSON {v, rv, start}), 410 Expired after compaction, label and field selectors.
import { groupVersion, type ResourceDef } from './discovery.ts';
import { badRequest, expired, type StatusBody } from './status.ts';
import type { KubeObject } from './types.ts';

export interface ListQuery {
  namespace?: string;
  limit?: number;
  continueToken?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

export interface ListState {
  /** The store's current revision, reported as the list resourceVersion. */
  revision: number;
  /** Tokens issued below this revision answer 410 Expired. */
  compacted: number;
}

const CONTINUE_VERSION = 'meta.k8s.io/v1';

function encodeContinue(start: string, rv: number): string {
  return Buffer.from(JSON.stringify({ v: CONTINUE_VERSION, rv, start })).toString('base64url');
}

function decodeContinue(token: string): { rv: number; start: string } | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    return 'continue key is not valid: illegal base64 data';
  }
  if (typeof parsed !== 'object' || parsed === null) return 'continue key is not valid: not an object';
  const { v, rv, start } = parsed as { v?: unknown; rv?: unknown; start?: unknown };
  if (v !== CONTINUE_VERSION)
    return 'continue key is not valid: server does not recognize this encoded version';
  if (typeof rv !== 'number' || rv === 0) {
    return `continue key is not valid: incorrect encoded start resourceVersion (version ${CONTINUE_VERSION})`;
  }
  if (typeof start !== 'string' || start === '' || start.startsWith('/')) {
    return `continue key is not valid: encoded start key is not valid (version ${CONTINUE_VERSION})`;
  }
  return { rv, start };
}

type Match = (o: KubeObject) => boolean;

const LABEL_TERM =
  /^\s*(!?)([A-Za-z0-9][-A-Za-z0-9_./]*)\s*(?:(==|=|!=)\s*([-A-Za-z0-9_.]*)|\s+(in|notin)\s*\(([^)]*)\))?\s*$/;

function parseLabelSelector(selector: string): Match[] | string {
  const terms = selector.split(/,(?![^(]*\))/).filter((t) => t.trim() !== '');
  const out: Match[] = [];
  for (const term of terms) {
    const m = LABEL_TERM.exec(term);
    const key = m?.[2];
    if (!m || key === undefined || (m[1] === '!' && (m[3] || m[5]))) {
      return `unable to parse requirement: invalid label selector term "${term}"`;
    }
    const op = m[3] ?? m[5];
    const value = m[4] ?? '';
    const set = (m[6] ?? '').split(',').map((s) => s.trim());
    const get = (o: KubeObject) => o.metadata.labels?.[key];
    if (m[1] === '!') out.push((o) => get(o) === undefined);
    else if (op === undefined) out.push((o) => get(o) !== undefined);
    else if (op === '!=') out.push((o) => get(o) !== value);
    else if (op === 'in') out.push((o) => set.includes(get(o) ?? '\0'));
    else if (op === 'notin') out.push((o) => !set.includes(get(o) ?? '\0'));
    else out.push((o) => get(o) === value);
  }
  return out;
}

/** Field selectors each kind supports beyond metadata.name and metadata.namespace. */
const FIELDS: Record<string, string[]> = {
  Pod: ['spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName'],
  Node: ['spec.unschedulable'],
  Namespace: ['status.phase'],
  Job: ['status.successful'],
  Event: ['reason', 'type', 'reportingComponent', 'source'],
};
const POD_EXTRA = ['spec.hostNetwork', 'status.phase', 'status.podIP', 'status.nominatedNodeName'];
const EVENT_OBJECT = ['kind', 'namespace', 'name', 'uid', 'apiVersion', 'resourceVersion', 'fieldPath'];

function supportedField(kind: string, field: string): boolean {
  if (field === 'metadata.name' || field === 'metadata.namespace') return true;
  if (kind === 'Pod' && POD_EXTRA.includes(field)) return true;
  if (kind === 'Event' && EVENT_OBJECT.some((f) => field === `involvedObject.${f}`)) return true;
  return FIELDS[kind]?.includes(field) ?? false;
}

function fieldValue(o: KubeObject, path: string): string {
  if (path === 'source') return String((o.source as { component?: string } | undefined)?.component ?? '');
  let cur: unknown = o;
  for (const part of path.split('.')) {
    cur = typeof cur === 'object' && cur !== null ? (cur as Record<string, unknown>)[part] : undefined;
  }
  if (cur === undefined || cur === null) return path === 'spec.unschedulable' ? 'false' : '';
  return String(cur);
}

function parseFieldSelector(kind: string, selector: string): Match[] | string {
  const out: Match[] = [];
  for (const term of selector.split(',').filter((t) => t.trim() !== '')) {
    const m = /^\s*([A-Za-z.]+)\s*(==|=|!=)\s*(.*?)\s*$/.exec(term);
    const field = m?.[1];
    if (!m || field === undefined) return `invalid selector: '${selector}'; can't understand '${term}'`;
    if (!supportedField(kind, field)) return `field label not supported: ${field}`;
    const value = m[3] ?? '';
    out.push(m[2] === '!=' ? (o) => fieldValue(o, field) !== value : (o) => fieldValue(o, field) === value);
  }
  return out;
}

export type ListResult = { ok: true; body: object } | { ok: false; status: StatusBody };

/** Builds the List answer for one page, as the etcd3 store would. */
export function listObjects(r: ResourceDef, all: KubeObject[], q: ListQuery, state: ListState): ListResult {
  const fail = (message: string): ListResult => ({ ok: false, status: badRequest(message) });
  const labels = q.labelSelector ? parseLabelSelector(q.labelSelector) : [];
  if (typeof labels === 'string') return fail(labels);
  const fields = q.fieldSelector ? parseFieldSelector(r.kind, q.fieldSelector) : [];
  if (typeof fields === 'string') return fail(fields);

  // Keys relative to the request's key prefix (/registry/<plural>/[<namespace>/]).
  const keyed = all
    .filter((o) => q.namespace === undefined || o.metadata.namespace === q.namespace)
    .map((o) => ({
      key: q.namespace || !r.namespaced ? o.metadata.name : `${o.metadata.namespace}/${o.metadata.name}`,
      o,
    }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

  let rv = state.revision;
  let rest = keyed;
  if (q.continueToken) {
    const decoded = decodeContinue(q.continueToken);
    if (typeof decoded === 'string') return fail(`invalid continue token: ${decoded}`);
    if (decoded.rv > 0 && decoded.rv < state.compacted) {
      return { ok: false, status: expired(encodeContinue(decoded.start, -1)) };
    }
    if (decoded.rv > 0) rv = decoded.rv;
    rest = keyed.filter((k) => k.key >= decoded.start);
  }
  const matching = rest.filter(({ o }) => labels.every((f) => f(o)) && fields.every((f) => f(o)));
  const limit = q.limit && q.limit > 0 ? q.limit : matching.length;
  const page = matching.slice(0, limit);
  const last = page.at(-1);
  const more = matching.length > page.length && last !== undefined;
  const filtered = labels.length > 0 || fields.length > 0;

  return {
    ok: true,
    body: {
      kind: `${r.kind}List`,
      apiVersion: groupVersion(r.group, r.version),
      metadata: {
        resourceVersion: String(rv),
        ...(more ? { continue: encodeContinue(`${last.key}\u0000`, rv) } : {}),
        ...(more && !filtered ? { remainingItemCount: matching.length - page.length } : {}),
      },
      items: page.map(({ o }) => withoutTypeMeta(o)),
    },
  };
}

/** List items go out without kind/apiVersion, as kube-apiserver sends them. */
export function withoutTypeMeta(o: KubeObject): KubeObject {
  const { kind: _kind, apiVersion: _apiVersion, ...rest } = o;
  return rest;
}

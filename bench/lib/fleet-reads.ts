// Rounds of dashboard reads against the server: GET /api/state, GET /api/resources?limit=100 under
// various filters, GET /api/charts?range=1h. One read at a time, each asking for gzip as a browser does,
// timed from the request to the last byte on the wire. Sizes are taken both as sent (gzip) and as JSON.
import { gunzipSync } from 'node:zlib';
import { HEADERS } from '@pulse/shared';
import { request } from 'undici';
import { median, quantile } from './figures.ts';

export type ReadRoute = 'state' | 'resources' | 'charts';
export const READ_ROUTES: ReadRoute[] = ['state', 'resources', 'charts'];

export const READ_LABEL: Record<ReadRoute, string> = {
  state: 'GET /api/state',
  resources: 'GET /api/resources?limit=100',
  charts: 'GET /api/charts?range=1h',
};

/** The filters the resource reads go through in turn: what the dashboard's list and search ask for. */
const RESOURCE_QUERIES = [
  'limit=100',
  'limit=100&type=agent',
  'limit=100&type=app-container',
  'limit=100&status=online',
  'limit=100&q=web',
  'limit=100&sort=lastSeen&order=desc',
  'limit=100&page=3',
  'limit=100&source=docker',
  'limit=100&type=docker-host&sort=status',
  'limit=100&tags=rack-3',
];

export type ReadCounts = Record<ReadRoute, number>;

export interface ReadSeries {
  ms: number[];
  jsonBytes: number[];
  wireBytes: number[];
}

export interface ReadFigures {
  count: number;
  p50: number;
  p95: number;
  max: number;
  jsonBytes: { min: number; median: number; max: number };
  wireBytes: { median: number; max: number };
}

/** What the first /api/state of a round lists: the bench checks it against the fleet it runs. */
export interface Listed {
  hosts: number;
  dockerHosts: number;
  containers: number;
}

export interface ReadRound {
  startedAt: number;
  endedAt: number;
  series: Record<ReadRoute, ReadSeries>;
  listed: Listed;
}

interface Answer {
  ms: number;
  json: Buffer;
  wireBytes: number;
}

/** One read; throws on anything but 200 (a failed read makes the run invalid). */
export async function readOnce(origin: string, path: string, token: string): Promise<Answer> {
  const started = performance.now();
  let status: number;
  let wire: Buffer;
  let encoding: string | string[] | undefined;
  try {
    const res = await request(`${origin}${path}`, {
      headers: { [HEADERS.apiToken]: token, 'accept-encoding': 'gzip' },
      headersTimeout: 300_000,
      bodyTimeout: 300_000,
    });
    status = res.statusCode;
    encoding = res.headers['content-encoding'];
    wire = Buffer.from(await res.body.arrayBuffer());
  } catch (err) {
    throw new Error(`GET ${path} failed: ${err instanceof Error ? err.message : String(err)}`);
  }
  const ms = performance.now() - started;
  const json = encoding === 'gzip' ? gunzipSync(wire) : wire;
  if (status !== 200) throw new Error(`GET ${path} answered ${status}: ${json.toString('utf8', 0, 300)}`);
  return { ms, json, wireBytes: wire.length };
}

/** Hosts, Docker hosts and containers in an /api/state answer. */
export function listedIn(json: Buffer): Listed {
  const state = JSON.parse(json.toString('utf8')) as { hosts?: unknown; dockerHosts?: unknown };
  const dockerHosts = Array.isArray(state.dockerHosts) ? state.dockerHosts : [];
  let containers = 0;
  for (const d of dockerHosts) {
    const list = typeof d === 'object' && d !== null ? (d as { containers?: unknown }).containers : undefined;
    if (Array.isArray(list)) containers += list.length;
  }
  return {
    hosts: Array.isArray(state.hosts) ? state.hosts.length : 0,
    dockerHosts: dockerHosts.length,
    containers,
  };
}

function pathOf(route: ReadRoute, i: number): string {
  if (route === 'state') return '/api/state';
  if (route === 'charts') return '/api/charts?range=1h';
  return `/api/resources?${RESOURCE_QUERIES[i % RESOURCE_QUERIES.length]}`;
}

/** `counts[route]` reads of each route, route after route; the first state read is also counted through. */
export async function readRound(origin: string, token: string, counts: ReadCounts): Promise<ReadRound> {
  const startedAt = Date.now();
  const series = {} as Record<ReadRoute, ReadSeries>;
  let listed: Listed = { hosts: 0, dockerHosts: 0, containers: 0 };
  for (const route of READ_ROUTES) {
    const s: ReadSeries = { ms: [], jsonBytes: [], wireBytes: [] };
    for (let i = 0; i < counts[route]; i++) {
      const answer = await readOnce(origin, pathOf(route, i), token);
      s.ms.push(answer.ms);
      s.jsonBytes.push(answer.json.length);
      s.wireBytes.push(answer.wireBytes);
      if (route === 'state' && i === 0) listed = listedIn(answer.json);
    }
    series[route] = s;
  }
  return { startedAt, endedAt: Date.now(), series, listed };
}

export function readFigures(s: ReadSeries): ReadFigures | undefined {
  if (s.ms.length === 0) return undefined;
  return {
    count: s.ms.length,
    p50: median(s.ms),
    p95: quantile(s.ms, 0.95),
    max: Math.max(...s.ms),
    jsonBytes: { min: Math.min(...s.jsonBytes), median: median(s.jsonBytes), max: Math.max(...s.jsonBytes) },
    wireBytes: { median: median(s.wireBytes), max: Math.max(...s.wireBytes) },
  };
}

// Finding the container engine: the candidate endpoints for --docker-runtime, and the first one that answers.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DockerRuntime } from '@pulse/shared';
import Dockerode from 'dockerode';
import { describeError, engineGet, httpStatus } from './engine-api.ts';
import { obj, objList, str, type View } from './json.ts';

export type RuntimePreference = 'auto' | DockerRuntime;

interface EndpointBase {
  /** Where the address came from, for messages: `DOCKER_HOST`, `rootful Docker socket`, ... */
  source: string;
  /** The runtime the user asked for; an engine of the other kind at this address is skipped. */
  expect?: DockerRuntime;
}

export type Endpoint =
  | (EndpointBase & { kind: 'unix'; socketPath: string })
  | (EndpointBase & { kind: 'tcp'; host: string; port: number; tls?: { certDir: string } })
  | (EndpointBase & { kind: 'unsupported'; address: string; why: string });

export type EngineInfo = View<
  'Name' | 'OperatingSystem' | 'ServerVersion' | 'KernelVersion' | 'Architecture' | 'NCPU' | 'MemTotal'
> &
  View<'Swarm' | 'Plugins'>;

export interface EngineConnection {
  ok: true;
  docker: Dockerode;
  runtime: DockerRuntime;
  /** The engine's own version: dockerd's, or Podman's (whose ServerVersion is also Podman's). */
  version: string;
  info: EngineInfo;
  endpoint: Endpoint;
  /** `unix:///run/docker.sock` or `tcp://host:2375`, for messages. */
  address: string;
}

/** Not an error: no engine here (yet) is an answer, with the reason. */
export interface Unavailable {
  ok: false;
  reason: string;
}

type Env = Record<string, string | undefined>;

interface Candidate {
  source: string;
  value: string | undefined;
  runtimes: readonly DockerRuntime[];
}

/**
 * The endpoints to try, in order: DOCKER_HOST (either engine: Podman users point it at podman.sock for
 * compose), CONTAINER_HOST and PODMAN_HOST (Podman's), the rootful Docker and Podman sockets, then the
 * rootless ones under XDG_RUNTIME_DIR. `runtime` drops the other engine's candidates and makes each
 * endpoint expect its engine. Duplicates (DOCKER_HOST naming the default socket) are tried once.
 */
export function resolveEndpoints(runtime: RuntimePreference, env: Env): Endpoint[] {
  const xdg = env.XDG_RUNTIME_DIR?.trim();
  const both: DockerRuntime[] = ['docker', 'podman'];
  const candidates: Candidate[] = [
    { source: 'DOCKER_HOST', value: env.DOCKER_HOST, runtimes: both },
    { source: 'CONTAINER_HOST', value: env.CONTAINER_HOST, runtimes: ['podman'] },
    { source: 'PODMAN_HOST', value: env.PODMAN_HOST, runtimes: ['podman'] },
    { source: 'rootful Docker socket', value: 'unix:///var/run/docker.sock', runtimes: ['docker'] },
    { source: 'rootful Podman socket', value: 'unix:///run/podman/podman.sock', runtimes: ['podman'] },
  ];
  if (xdg) {
    candidates.push(
      { source: 'rootless Podman socket', value: `unix://${xdg}/podman/podman.sock`, runtimes: ['podman'] },
      { source: 'rootless Docker socket', value: `unix://${xdg}/docker.sock`, runtimes: ['docker'] },
    );
  }
  const seen = new Set<string>();
  const endpoints: Endpoint[] = [];
  for (const c of candidates) {
    const value = c.value?.trim();
    if (!value) continue;
    if (runtime !== 'auto' && !c.runtimes.includes(runtime)) continue;
    const endpoint = parseAddress(value, c.source, c.source === 'DOCKER_HOST' ? env : {});
    if (runtime !== 'auto' && endpoint.kind !== 'unsupported') endpoint.expect = runtime;
    const key = endpointAddress(endpoint);
    if (seen.has(key)) continue;
    seen.add(key);
    endpoints.push(endpoint);
  }
  return endpoints;
}

/** `unix:///path`, `tcp://host:port` (also `http(s)://` and a bare `host:port`), as the Docker CLI reads them. */
function parseAddress(value: string, source: string, tlsEnv: Env): Endpoint {
  if (value.startsWith('unix://')) {
    const socketPath = value.slice('unix://'.length);
    return socketPath.startsWith('/')
      ? { kind: 'unix', socketPath, source }
      : { kind: 'unsupported', address: value, source, why: 'a unix:// address needs an absolute path' };
  }
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(value)?.[1]?.toLowerCase();
  if (scheme !== undefined && !['tcp', 'http', 'https'].includes(scheme)) {
    const why = `${scheme}:// is not supported; expose the engine on a unix socket or tcp://`;
    return { kind: 'unsupported', address: value, source, why };
  }
  let url: URL;
  try {
    url = new URL(scheme === undefined ? `tcp://${value}` : value);
  } catch {
    return { kind: 'unsupported', address: value, source, why: 'not an address' };
  }
  // DOCKER_TLS_VERIFY is on when set to anything non-empty, as in the Docker CLI; 2376 is the TLS port.
  const tls = scheme === 'https' || (tlsEnv.DOCKER_TLS_VERIFY ?? '') !== '' || url.port === '2376';
  const port = url.port === '' ? (tls ? 2376 : 2375) : Number(url.port);
  const certDir = tlsEnv.DOCKER_CERT_PATH || join(tlsEnv.HOME ?? '', '.docker');
  return { kind: 'tcp', host: url.hostname, port, source, ...(tls ? { tls: { certDir } } : {}) };
}

export function endpointAddress(e: Endpoint): string {
  if (e.kind === 'unix') return `unix://${e.socketPath}`;
  if (e.kind === 'tcp') return `tcp://${e.host}:${e.port}`;
  return e.address;
}

/**
 * Tries each endpoint in order (ping, version, info, all within `timeoutMs`) and answers the first engine
 * that responds as the runtime it is expected to be. Unavailable lists every address tried and why it
 * failed, so the one log line says what to fix.
 */
export async function connectEngine(
  endpoints: readonly Endpoint[],
  timeoutMs = 5000,
): Promise<EngineConnection | Unavailable> {
  const tried: string[] = [];
  for (const endpoint of endpoints) {
    const address = endpointAddress(endpoint);
    const result = await probe(endpoint, timeoutMs);
    if (result.ok) return result;
    tried.push(`${address} (${endpoint.source}): ${result.reason}`);
  }
  if (tried.length === 0) return { ok: false, reason: 'no container engine endpoint to try' };
  return { ok: false, reason: `no container engine answered; tried ${tried.join('; ')}` };
}

type VersionView = View<'Version' | 'Components' | 'Platform'>;

async function probe(endpoint: Endpoint, timeoutMs: number): Promise<EngineConnection | Unavailable> {
  if (endpoint.kind === 'unsupported') return { ok: false, reason: endpoint.why };
  let docker: Dockerode;
  try {
    docker = clientFor(endpoint);
  } catch (err) {
    return { ok: false, reason: describeError(err) };
  }
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    await engineGet(docker, '/_ping', {}, signal);
    const [versionJson, infoJson] = await Promise.all([
      engineGet(docker, '/version', {}, signal),
      engineGet(docker, '/info', {}, signal),
    ]);
    const version = obj<VersionView>(versionJson);
    const info = obj<EngineInfo>(infoJson);
    if (version === undefined || info === undefined) {
      return { ok: false, reason: 'answered, but not with the Docker Engine API' };
    }
    const runtime = detectRuntime(version);
    if (endpoint.expect !== undefined && runtime !== endpoint.expect) {
      return { ok: false, reason: `is ${runtime}, not ${endpoint.expect}` };
    }
    const address = endpointAddress(endpoint);
    const engineVersion = runtimeVersion(version, runtime) ?? str(info.ServerVersion) ?? 'unknown';
    return { ok: true, docker, runtime, version: engineVersion, info, endpoint, address };
  } catch (err) {
    const status = httpStatus(err);
    if (signal.aborted) return { ok: false, reason: `no answer within ${timeoutMs} ms` };
    return { ok: false, reason: status === undefined ? describeError(err) : `HTTP ${status} on the API` };
  }
}

/** Podman names itself in the version components (`Podman Engine`) and on some builds in Platform.Name. */
export function detectRuntime(version: VersionView): DockerRuntime {
  const names = objList<View<'Name'>>(version.Components).map((c) => str(c.Name) ?? '');
  names.push(str(obj<View<'Name'>>(version.Platform)?.Name) ?? '');
  return names.some((n) => /podman/i.test(n)) ? 'podman' : 'docker';
}

function runtimeVersion(version: VersionView, runtime: DockerRuntime): string | undefined {
  if (runtime === 'podman') {
    const podman = objList<View<'Name' | 'Version'>>(version.Components).find((c) =>
      /podman/i.test(str(c.Name) ?? ''),
    );
    const v = str(podman?.Version);
    if (v !== undefined) return v;
  }
  return str(version.Version);
}

/**
 * A dockerode client for one endpoint. Every connection field is given, undefined where unused, because
 * docker-modem otherwise fills missing ones from process.env (DOCKER_HOST, DOCKER_CERT_PATH, ...) and
 * the agent's config is parsed once, by the agent. Each request uses a fresh connection (`Connection:
 * close`): a kept-alive socket pooled before an engine restart would fail the next request with a reset
 * and look like a lost engine, and a unix socket connection costs next to nothing. No `agent` option:
 * handing docker-modem an http.Agent (even Node's global one) made concurrent requests about 30 times
 * slower in our measurements. Throws when TLS files cannot be read.
 */
function clientFor(endpoint: Endpoint & { kind: 'unix' | 'tcp' }): Dockerode {
  const base = {
    version: undefined,
    timeout: undefined,
    username: undefined,
    headers: { Connection: 'close' },
  };
  if (endpoint.kind === 'unix') {
    return new Dockerode({
      ...base,
      socketPath: endpoint.socketPath,
      host: undefined,
      port: undefined,
      protocol: 'http',
    });
  }
  const tls = endpoint.tls;
  const files =
    tls === undefined
      ? { ca: undefined, cert: undefined, key: undefined }
      : {
          ca: readFileSync(join(tls.certDir, 'ca.pem')),
          cert: readFileSync(join(tls.certDir, 'cert.pem')),
          key: readFileSync(join(tls.certDir, 'key.pem')),
        };
  const protocol = tls === undefined ? 'http' : 'https';
  return new Dockerode({
    ...base,
    ...files,
    socketPath: undefined,
    host: endpoint.host,
    port: endpoint.port,
    protocol,
  });
}

// Finding the container engine: the first of the candidate endpoints that answers as the expected runtime.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DockerRuntime } from '@pulse/shared';
import Dockerode from 'dockerode';
import { describeError, engineGet, httpStatus } from './engine-api.ts';
import { type Endpoint, endpointAddress } from './engine-endpoints.ts';
import { obj, objList, str, type View } from './json.ts';

// Re-exported so the collector keeps one import for finding the engine.
export {
  type Endpoint,
  endpointAddress,
  type RuntimePreference,
  resolveEndpoints,
} from './engine-endpoints.ts';

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

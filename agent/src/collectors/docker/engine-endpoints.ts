// Where the container engine may be: the candidate endpoints for --docker-runtime, in the order they are tried.
// No dockerode here: the agent's engine probe reads these before it decides to load the Docker module.

import { join } from 'node:path';
import type { DockerRuntime } from '@pulse/shared';

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

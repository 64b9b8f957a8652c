// One GET on the Docker Engine API through dockerode's connection, and the errors that mean "engine gone".
import type Dockerode from 'dockerode';

export type Query = Record<string, string | number | boolean>;

/**
 * GET `path` with `query`, answering the parsed JSON as `unknown` for json.ts to read (a body that is not
 * JSON, such as `/_ping`'s `OK`, arrives as a Buffer). It goes through docker-modem's `dial`, as every
 * dockerode method does, because dockerode's typings leave out the abort signal on most calls and type
 * `/info`, `/system/df` and the Swarm lists as `any`. A status other than 200 rejects with an Error
 * carrying `statusCode`.
 *
 * The promise settles only when the request is over at the engine, which the concurrency limits in
 * containers.ts rely on: docker-modem hands `signal` to http.request, whose abort destroys the socket
 * (closing it) before the rejection is delivered, so an expired budget ends the request itself rather
 * than leaving it open while the caller moves on. Do not replace this with a timer raced against the
 * request: the engine would keep the request open after the promise settled.
 */
export function engineGet(
  docker: Dockerode,
  path: string,
  query: Query = {},
  signal?: AbortSignal,
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    docker.modem.dial(
      {
        // docker-modem appends the query string only when the path ends its own part with '?'.
        path: `${path}?`,
        method: 'GET',
        options: { ...query },
        abortSignal: signal,
        statusCodes: { 200: true, 400: 'bad request', 404: 'no such object', 500: 'server error' },
      },
      (err, data) => (err ? reject(err) : resolve(data)),
    );
  });
}

/** Thrown by a collection when the engine stopped answering at all; the caller reconnects with backoff. */
export class EngineLost extends Error {
  override readonly name = 'EngineLost';
  readonly address: string;

  constructor(address: string, cause: unknown) {
    super(`container engine at ${address} is gone: ${describeError(cause)}`, { cause });
    this.address = address;
  }
}

// A daemon that stopped (refused), whose socket was removed (ENOENT) or that died mid-answer (reset, pipe).
const GONE = new Set(['ECONNREFUSED', 'ENOENT', 'ECONNRESET', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH']);

function errorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null || !('code' in err)) return undefined;
  return typeof err.code === 'string' ? err.code : undefined;
}

/** Whether `err` says the connection itself failed (as opposed to an HTTP error or our own timeout). */
export function isEngineGone(err: unknown): boolean {
  const code = errorCode(err);
  return code !== undefined && GONE.has(code);
}

/** The HTTP status docker-modem attached to a non-200 answer. */
export function httpStatus(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null || !('statusCode' in err)) return undefined;
  return typeof err.statusCode === 'number' ? err.statusCode : undefined;
}

export function isAbort(err: unknown): boolean {
  return err instanceof Error && (err.name === 'AbortError' || err.name === 'TimeoutError');
}

/** Words a user can act on for the usual connection failures; the error's own message otherwise. */
export function describeError(err: unknown): string {
  switch (errorCode(err)) {
    case 'ENOENT':
      return 'no such socket';
    case 'ECONNREFUSED':
      return 'connection refused (nothing is listening)';
    case 'EACCES':
      return 'permission denied (run the agent as root or in the docker group)';
    case 'ECONNRESET':
    case 'EPIPE':
      return 'connection reset by the engine';
    default:
      if (isAbort(err)) return 'no answer in time';
      return err instanceof Error ? err.message.trim() : String(err);
  }
}

// A dockerode-free check that some container engine answers, so the Docker module is loaded only then.
import { readFileSync } from 'node:fs';
import { type ClientRequest, request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { type Endpoint, endpointAddress } from '../collectors/docker/engine-endpoints.ts';
import { describeSocketError } from './socket-errors.ts';

export type PingResult = { ok: true; endpoint: Endpoint } | { ok: false; reason: string };

/** GET /_ping on one endpoint: answers undefined when it says 200, else why not. Never throws. */
function pingOne(endpoint: Endpoint, timeoutMs: number): Promise<string | undefined> {
  if (endpoint.kind === 'unsupported') return Promise.resolve(endpoint.why);
  return new Promise((resolve) => {
    const signal = AbortSignal.timeout(timeoutMs);
    const onResponse = (res: IncomingMessage) => {
      res.resume();
      resolve(res.statusCode === 200 ? undefined : `HTTP ${res.statusCode} on /_ping`);
    };
    const headers = { Connection: 'close' };
    let req: ClientRequest;
    try {
      if (endpoint.kind === 'unix') {
        req = httpRequest({ socketPath: endpoint.socketPath, path: '/_ping', headers, signal }, onResponse);
      } else if (endpoint.tls === undefined) {
        req = httpRequest(
          { host: endpoint.host, port: endpoint.port, path: '/_ping', headers, signal },
          onResponse,
        );
      } else {
        const dir = endpoint.tls.certDir;
        const files = {
          ca: readFileSync(join(dir, 'ca.pem')),
          cert: readFileSync(join(dir, 'cert.pem')),
          key: readFileSync(join(dir, 'key.pem')),
        };
        const opts = { host: endpoint.host, port: endpoint.port, path: '/_ping', headers, signal, ...files };
        req = httpsRequest(opts, onResponse);
      }
    } catch (err) {
      resolve(describeSocketError(err));
      return;
    }
    req.on('error', (err) =>
      resolve(signal.aborted ? `no answer within ${timeoutMs} ms` : describeSocketError(err)),
    );
    req.end();
  });
}

/**
 * Pings the endpoints in the order the collector tries them and answers the first that says OK. Which
 * engine it is (and whether it is the runtime asked for) is left to the collector once it is loaded.
 */
export async function pingEngine(endpoints: readonly Endpoint[], timeoutMs = 2000): Promise<PingResult> {
  const tried: string[] = [];
  for (const endpoint of endpoints) {
    const reason = await pingOne(endpoint, timeoutMs);
    if (reason === undefined) return { ok: true, endpoint };
    tried.push(`${endpointAddress(endpoint)} (${reason})`);
  }
  if (tried.length === 0) return { ok: false, reason: 'no container engine endpoint to try' };
  return { ok: false, reason: `no Docker or Podman engine answers at ${tried.join(', ')}` };
}

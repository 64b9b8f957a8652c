// Parent side of the Docker report load generator: runs bench/lib/docker-load-worker.ts in its own process,
// samples the target's CPU time over the measured window, and returns the figures. Unlike load.ts, each
// synthetic Docker host sends with its own API token (the server lets one token serve one Docker host),
// and each host stays on one connection, so its reports arrive in order.
import { driveWorker, type LoadResult } from './load.ts';

export interface DockerLoadConfig {
  /** e.g. http://127.0.0.1:7655 */
  origin: string;
  path: string;
  /** Header that carries a host's token (X-API-Token); omitted when `tokens` is empty. */
  tokenHeader: string;
  /** One token per host, in host order; empty: no token header (the bare route). */
  tokens: string[];
  hosts: number;
  containersPerHost: number;
  /** Fleet identities; the same seed reports as the same hosts. */
  seed: string;
  /** Send each report gzip-compressed (level 1, as the agent) with Content-Encoding: gzip. */
  gzip: boolean;
  connections: number;
  warmupMs: number;
  measureMs: number;
}

const WORKER = new URL('./docker-load-worker.ts', import.meta.url);

/** Drives `config` against the process `targetPid` and resolves with the worker's figures. */
export function runDockerLoad(config: DockerLoadConfig, targetPid: number): Promise<LoadResult> {
  if (config.tokens.length > 0 && config.tokens.length !== config.hosts)
    throw new Error(`docker load: ${config.tokens.length} tokens for ${config.hosts} hosts`);
  const limitMs = config.warmupMs + config.measureMs + 60_000;
  return driveWorker(WORKER, config, targetPid, limitMs, 'docker load generator');
}

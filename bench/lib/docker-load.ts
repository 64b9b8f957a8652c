// Parent side of the Docker report load generator: runs bench/lib/docker-load-worker.ts in its own process,
// samples the target's CPU time over the measured window, and returns the figures. Unlike load.ts, each
// synthetic Docker host sends with its own API token (the server lets one token serve one Docker host),
// and each host stays on one connection, so its reports arrive in order.
import { fork } from 'node:child_process';
import type { LoadResult, WorkerMessage } from './load.ts';
import { cpuSeconds, machineBusySeconds, stopChild, track } from './proc.ts';

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
export async function runDockerLoad(config: DockerLoadConfig, targetPid: number): Promise<LoadResult> {
  if (config.tokens.length > 0 && config.tokens.length !== config.hosts)
    throw new Error(`docker load: ${config.tokens.length} tokens for ${config.hosts} hosts`);
  const child = track(
    fork(WORKER, [JSON.stringify(config)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }),
  );
  const limitMs = config.warmupMs + config.measureMs + 60_000;
  let cpuStart: { cpu?: number; machine?: number; at: bigint } | undefined;
  let targetCpu: number | undefined;
  let machineCpu: number | undefined;
  const sample = () => ({
    cpu: cpuSeconds(targetPid),
    machine: machineBusySeconds(),
    at: process.hrtime.bigint(),
  });
  const perSecond = (from: number | undefined, to: number | undefined, seconds: number) =>
    from === undefined || to === undefined || seconds <= 0 ? undefined : (to - from) / seconds;

  try {
    return await new Promise<LoadResult>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`docker load generator did not finish within ${limitMs} ms`)),
        limitMs,
      );
      child.on('message', (raw) => {
        const msg = raw as WorkerMessage;
        if (msg.type === 'measure-start') cpuStart = sample();
        else if (msg.type === 'measure-end' && cpuStart) {
          const end = sample();
          const seconds = Number(end.at - cpuStart.at) / 1e9;
          targetCpu = perSecond(cpuStart.cpu, end.cpu, seconds);
          machineCpu = perSecond(cpuStart.machine, end.machine, seconds);
        } else if (msg.type === 'result') {
          clearTimeout(timer);
          resolve({ ...msg.stats, targetCpu, machineCpu });
        } else if (msg.type === 'failed') {
          clearTimeout(timer);
          reject(new Error(`docker load generator failed: ${msg.message}`));
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`docker load generator exited early (code ${code}, signal ${signal})`));
      });
    });
  } finally {
    await stopChild(child, 3_000);
  }
}

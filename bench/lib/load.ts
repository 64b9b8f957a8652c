// Parent side of the load generator: runs bench/lib/load-worker.ts in its own process (so it has a CPU
// thread to itself), samples the target's CPU time over the measured window, and returns the figures.
import { fork } from 'node:child_process';
import { cpuSeconds, machineBusySeconds, stopChild, track } from './proc.ts';

export interface LoadConfig {
  /** e.g. http://127.0.0.1:7655 */
  origin: string;
  path: string;
  headers: Record<string, string>;
  /** Send each report gzip-compressed with Content-Encoding: gzip, as the agent does. */
  gzip: boolean;
  connections: number;
  hosts: number;
  warmupMs: number;
  measureMs: number;
}

export interface LoadStats {
  /** Requests started in the measured window that completed (with any status). */
  requests: number;
  /** Non-2xx answers and transport failures over warmup and measurement. */
  errors: number;
  /** Up to a few distinct error descriptions with their counts. */
  errorSamples: Record<string, number>;
  requestsPerSecond: number;
  latencyMs: { mean: number; p50: number; p90: number; p99: number; max: number };
  /** CPU the generator itself used over the measured window, in cores (1 = one thread fully busy). */
  generatorCpu: number;
  bodyBytes: { min: number; max: number };
}

export type WorkerMessage =
  | { type: 'measure-start' }
  | { type: 'measure-end' }
  | { type: 'result'; stats: LoadStats }
  | { type: 'failed'; message: string };

export interface LoadResult extends LoadStats {
  /** CPU the target process used over the measured window, in cores; undefined when not readable. */
  targetCpu: number | undefined;
  /** CPU the whole machine used over the measured window, in cores (target, generator and anything else). */
  machineCpu: number | undefined;
}

const WORKER = new URL('./load-worker.ts', import.meta.url);

/** Drives `config` against the process `targetPid` and resolves with the worker's figures. */
export function runLoad(config: LoadConfig, targetPid: number): Promise<LoadResult> {
  return driveWorker(
    WORKER,
    config,
    targetPid,
    config.warmupMs + config.measureMs + 30_000,
    'load generator',
  );
}

/**
 * Runs a load worker (a file that calls runWorker/runLoadLoop) with `config` in its own process, samples
 * the target's and the machine's CPU over the worker's measured window, and resolves with the figures.
 */
export async function driveWorker(
  worker: URL,
  config: object,
  targetPid: number,
  limitMs: number,
  label: string,
): Promise<LoadResult> {
  const child = track(
    fork(worker, [JSON.stringify(config)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }),
  );
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
        () => reject(new Error(`${label} did not finish within ${limitMs} ms`)),
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
          reject(new Error(`${label} failed: ${msg.message}`));
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${label} exited early (code ${code}, signal ${signal})`));
      });
    });
  } finally {
    await stopChild(child, 3_000);
  }
}

// Settings of the fleet bench, read once from the environment (see bench/fleet.bench.ts for the list).
import { envInt, envNumber } from './figures.ts';
import type { ReadCounts } from './fleet-reads.ts';

export interface FleetOptions {
  scale: number;
  hosts: number;
  dockerHosts: number;
  containersPerHost: number;
  /** Host agents of the last, hosts-only line; 0 skips it. */
  bigHosts: number;
  intervalMs: number;
  idleSeconds: number;
  phaseMs: number;
  recoveryMs: number;
  stopSeconds: number;
  reads: ReadCounts;
  nodeFlags: string[];
  serverEnv: Record<string, string>;
  heapSnapshot: boolean;
  keepSnapshot: boolean;
  /** Run server/src/main.ts instead of the bundle (to compare). */
  fromSource: boolean;
  rebuild: boolean;
}

function envFlag(name: string, fallback: boolean): boolean {
  const raw = process.env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes'].includes(raw)) return true;
  if (['0', 'false', 'no'].includes(raw)) return false;
  throw new Error(`${name} must be 1 or 0, got '${raw}'`);
}

function readCounts(): ReadCounts {
  const raw = process.env.BENCH_FLEET_READS?.trim() || '20,20,5';
  const parts = raw.split(',').map((p) => Number(p.trim()));
  const [state, resources, charts] = parts;
  if (parts.length !== 3 || !parts.every((n) => Number.isInteger(n) && n >= 1))
    throw new Error(
      `BENCH_FLEET_READS must be three counts like 20,20,5 (state, resources, charts), got '${raw}'`,
    );
  return { state: state ?? 20, resources: resources ?? 20, charts: charts ?? 5 };
}

/** KEY=VALUE pairs separated by spaces or commas. */
function serverEnv(): Record<string, string> {
  const raw = process.env.BENCH_FLEET_SERVER_ENV?.trim() ?? '';
  const env: Record<string, string> = {};
  for (const pair of raw.split(/[\s,]+/).filter(Boolean)) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new Error(`BENCH_FLEET_SERVER_ENV: '${pair}' is not KEY=VALUE`);
    env[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return env;
}

export function fleetOptions(): FleetOptions {
  const scale = envNumber('BENCH_FLEET_SCALE', 1);
  const at = (n: number) => Math.max(1, Math.round(n * scale));
  const intervalSeconds = envNumber('BENCH_FLEET_INTERVAL_SECONDS', 30);
  return {
    scale,
    hosts: at(1000),
    dockerHosts: at(200),
    containersPerHost: envInt('BENCH_FLEET_CONTAINERS', 100, 1),
    bigHosts: envInt('BENCH_FLEET_BIG_HOSTS', Math.round(5000 * scale), 0),
    intervalMs: intervalSeconds * 1000,
    idleSeconds: envNumber('BENCH_FLEET_IDLE_SECONDS', 15),
    phaseMs: envNumber('BENCH_FLEET_PHASE_SECONDS', 120) * 1000,
    recoveryMs: envNumber('BENCH_FLEET_RECOVERY_SECONDS', 60) * 1000,
    stopSeconds: envNumber('BENCH_FLEET_STOP_SECONDS', 60),
    reads: readCounts(),
    nodeFlags: (process.env.BENCH_FLEET_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean),
    serverEnv: serverEnv(),
    heapSnapshot: envFlag('BENCH_FLEET_HEAP_SNAPSHOT', true),
    keepSnapshot: envFlag('BENCH_FLEET_KEEP_SNAPSHOT', false),
    fromSource: envFlag('BENCH_FLEET_FROM_SOURCE', false),
    rebuild: envFlag('BENCH_FLEET_REBUILD', false),
  };
}

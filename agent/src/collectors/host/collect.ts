// The host module's collection cycle: hot metrics from /proc every time, slow tools on their own cadence.
import type {
  Disk,
  DiskIO,
  HostInfo,
  HostReport,
  Logger,
  NetworkInterface,
  RaidArray,
  Sensors,
} from '@pulse/shared';
import { type CpuTimes, cpuUsagePercent, readCpuTimes } from './cpu.ts';
import { readDiskIO } from './diskio.ts';
import { type HostInventory, readInventory } from './inventory.ts';
import { readMdstat } from './mdstat.ts';
import { readMemory } from './memory.ts';
import { collectDisks, filterMounts, readMounts } from './mounts.ts';
import { readNetwork } from './network.ts';
import { readSensors } from './sensors.ts';
import { readSmart } from './smart.ts';
import { readLoadavg, readUptime } from './system.ts';
import { runTool, type ToolResult } from './tools.ts';
import { readZpools } from './zfs.ts';

export interface HostCollection {
  host: HostInventory & Pick<HostInfo, 'uptimeSeconds' | 'loadAverage'>;
  metrics: HostReport['metrics'];
  disks: Disk[];
  diskIO: DiskIO[];
  network: NetworkInterface[];
  sensors: Sensors | undefined;
  raid: RaidArray[];
  /** Sections that produced nothing, with the reason: data for the module status, not errors. */
  notes: Record<string, string>;
}

export interface HostCollectorOptions {
  diskExclude: string[];
  diskInclude: string[];
  log: Logger;
  /** SMART is asked at most this often, and never wakes a sleeping disk. */
  smartEveryMs?: number;
  /** zpool is asked at most this often. */
  zpoolEveryMs?: number;
}

const PRIME_MS = 500;

export interface HostCollector {
  /** Reads the inventory and a first CPU sample, so the first report has a real CPU %. */
  prime(): Promise<void>;
  collect(): Promise<HostCollection>;
}

export function createHostCollector(opts: HostCollectorOptions): HostCollector {
  let inventory: HostInventory = {};
  let prevCpu: CpuTimes | undefined;
  const run = rememberMissingTools(runTool);
  const smart = cachedFor(opts.smartEveryMs ?? 5 * 60_000, () => readSmart(opts.diskExclude, run));
  const pools = cachedFor(opts.zpoolEveryMs ?? 60_000, () => readZpools(run));
  const logged = new Set<string>();

  return {
    async prime() {
      inventory = await readInventory();
      prevCpu = readCpuTimes();
      await new Promise((resolve) => setTimeout(resolve, PRIME_MS));
    },

    async collect() {
      const cpu = readCpuTimes();
      const cpuUsage = prevCpu && cpu ? cpuUsagePercent(prevCpu, cpu) : undefined;
      if (cpu) prevCpu = cpu;

      const mounts = filterMounts(readMounts(), { include: opts.diskInclude, exclude: opts.diskExclude });
      const [disks, sensors, smartDisks, zfsPools] = await Promise.all([
        collectDisks(mounts),
        readSensors(run),
        smart(),
        pools(),
      ]);
      const notes: Record<string, string> = {};
      for (const [section, got] of Object.entries({ sensors, smart: smartDisks, zfs: zfsPools })) {
        if (got.reason === undefined) continue;
        notes[section] = got.reason;
        if (!logged.has(section)) {
          logged.add(section);
          opts.log.info(`host: ${section} unavailable`, { reason: got.reason });
        }
      }
      const hasSensors = Object.keys(sensors.value).length > 0;
      return {
        host: { ...inventory, uptimeSeconds: readUptime(), loadAverage: readLoadavg() },
        metrics: { cpuUsagePercent: cpuUsage, memory: readMemory() },
        disks: withPools(disks, zfsPools.value),
        diskIO: readDiskIO(opts.diskExclude),
        network: readNetwork(),
        sensors:
          smartDisks.value.length > 0
            ? { ...sensors.value, smart: smartDisks.value }
            : hasSensors
              ? sensors.value
              : undefined,
        raid: readMdstat(),
        notes,
      };
    },
  };
}

/** A tool found missing is not spawned again; it will not appear mid-run often enough to matter. */
function rememberMissingTools(run: typeof runTool): typeof runTool {
  const missing = new Map<string, ToolResult>();
  return async (cmd, args, options) => {
    const known = missing.get(cmd);
    if (known) return known;
    const result = await run(cmd, args, options);
    if (!result.ok && result.reason === 'missing') missing.set(cmd, result);
    return result;
  };
}

/** Reuses the last answer until it is older than `everyMs`. */
function cachedFor<T>(everyMs: number, load: () => Promise<T>): () => Promise<T> {
  let last: { at: number; value: T } | undefined;
  return async () => {
    const now = Date.now();
    if (last && now - last.at < everyMs) return last.value;
    last = { at: now, value: await load() };
    return last.value;
  };
}

/** zpool's figures describe a whole pool better than statfs of one of its datasets, so they replace those. */
function withPools(disks: Disk[], pools: Disk[]): Disk[] {
  if (pools.length === 0) return disks;
  const names = new Set(pools.map((p) => p.device));
  const kept = disks.filter((d) => !(d.filesystem === 'zfs' && names.has(d.device?.split('/')[0])));
  return [...kept, ...pools];
}

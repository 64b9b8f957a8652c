// Builds the wire host report from one collection, with the agent's identity and ordering token.
import { randomBytes } from 'node:crypto';
import type { HostReport } from '@pulse/shared';
import type { HostCollection } from '../collectors/host/collect.ts';
import type { ModuleStatus } from '../runtime/module-status.ts';

export interface ReportIdentity {
  agentId: string;
  machineId: string | undefined;
  hostname: string;
  version: string;
  intervalSeconds: number;
  tags: string[];
  diskExclude: string[];
}

/** `v1:<stream>:<n>`: a fresh random stream per process start, n counting built reports from 1. */
export class SequenceCounter {
  readonly stream = randomBytes(16).toString('hex');
  private n = 0;

  next(): string {
    this.n += 1;
    return `v1:${this.stream}:${this.n}`;
  }
}

export function buildHostReport(
  id: ReportIdentity,
  c: HostCollection,
  modules: ModuleStatus[],
  sequenceId: string,
  now: Date,
): HostReport {
  const report: HostReport = {
    agent: {
      id: id.agentId,
      version: id.version,
      type: 'unified',
      intervalSeconds: id.intervalSeconds,
      hostname: id.hostname,
      diskExclude: id.diskExclude.length > 0 ? id.diskExclude : undefined,
      modules: modules.map((m) => ({
        name: m.name,
        enabled: m.enabled,
        state: m.state,
        lastError: m.lastError,
        updatedAt: m.updatedAt,
      })),
      privilege: { runningAsRoot: typeof process.getuid === 'function' && process.getuid() === 0 },
    },
    host: {
      ...c.host,
      id: id.machineId,
      machineId: id.machineId,
      hostname: id.hostname,
    },
    metrics: c.metrics,
    disks: c.disks,
    diskIO: c.diskIO,
    network: c.network,
    sensors: c.sensors,
    raid: c.raid.length > 0 ? c.raid : undefined,
    tags: id.tags.length > 0 ? id.tags : undefined,
    timestamp: now.toISOString(),
    sequenceId,
  };
  return report;
}

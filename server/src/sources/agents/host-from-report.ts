// Maps a validated host report onto the host entity of the live state.
import type { HostDisk, HostMemory, HostReport, HostState } from '@pulse/shared';
import { HOST_DEFAULT_INTERVAL_SECONDS } from '@pulse/shared';
import type { TokenRecord } from '../../security/tokens.ts';
import { tokenHint } from '../../security/tokens.ts';
import type { Rates } from './counter-rates.ts';

function percent(used: number, total: number): number {
  return total > 0 ? (used / total) * 100 : 0;
}

function memoryOf(report: HostReport): HostMemory | undefined {
  const m = report.metrics.memory;
  if (!m || m.totalBytes === undefined) return undefined;
  const total = m.totalBytes;
  const used = m.usedBytes ?? (m.freeBytes !== undefined ? total - m.freeBytes : 0);
  return {
    total,
    used,
    free: m.freeBytes ?? Math.max(0, total - used),
    cache: m.cacheBytes,
    usage: m.usage ?? percent(used, total),
    swapUsed: m.swapUsedBytes,
    swapTotal: m.swapTotalBytes,
  };
}

function disksOf(report: HostReport): HostDisk[] {
  return (report.disks ?? []).map((d) => {
    const total = d.totalBytes ?? 0;
    const used = d.usedBytes ?? 0;
    return {
      device: d.device,
      mountpoint: d.mountpoint,
      filesystem: d.filesystem,
      type: d.type,
      total,
      used,
      free: d.freeBytes ?? Math.max(0, total - used),
      usage: d.usage ?? percent(used, total),
    };
  });
}

export interface HostBuildInput {
  hostId: string;
  agentId: string;
  report: HostReport;
  token: TokenRecord | undefined;
  nowIso: string;
  reportedAtIso: string;
  rates: Rates | undefined;
  identityConflict: HostState['identityConflict'];
}

export function hostFromReport(input: HostBuildInput): HostState {
  const { report, token } = input;
  const h = report.host;
  const hostname = h.hostname.trim();
  return {
    id: input.hostId,
    agentId: input.agentId,
    hostname,
    displayName: h.displayName?.trim() || hostname,
    machineId: h.machineId ?? h.id,
    platform: h.platform,
    osName: h.osName,
    osVersion: h.osVersion,
    kernelVersion: h.kernelVersion,
    architecture: h.architecture,
    cpuModel: h.cpuModel,
    cpuCount: h.cpuCount,
    cpuUsage: report.metrics.cpuUsagePercent,
    memory: memoryOf(report),
    loadAverage: h.loadAverage ?? [],
    disks: disksOf(report),
    diskIO: report.diskIO ?? [],
    networkInterfaces: report.network ?? [],
    sensors: report.sensors,
    raid: report.raid ?? [],
    ceph: report.ceph,
    status: 'online',
    uptimeSeconds: h.uptimeSeconds,
    intervalSeconds: report.agent.intervalSeconds ?? HOST_DEFAULT_INTERVAL_SECONDS,
    lastSeen: input.nowIso,
    reportedAt: input.reportedAtIso,
    agentVersion: report.agent.version,
    commandsEnabled: report.agent.commandsEnabled ?? false,
    reportIp: h.reportIp,
    tokenId: token?.id,
    tokenName: token?.name,
    tokenHint: token ? tokenHint(token) : undefined,
    tokenLastUsedAt: token?.lastUsedAt ? new Date(token.lastUsedAt).toISOString() : undefined,
    tags: [...new Set((report.tags ?? []).map((t) => t.trim()).filter((t) => t.length > 0))],
    identityConflict: input.identityConflict,
    ...input.rates,
  };
}

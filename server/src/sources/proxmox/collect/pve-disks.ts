// Physical disks per online node from /nodes/{n}/disks/list (SMART health and SSD wear as PVE reports them).
import type { PvePhysicalDisk } from '@pulse/shared';
import type { ProxmoxApi } from './api.ts';
import { physicalDiskId } from './ids.ts';
import { asArray, num, optNum, type Raw, str } from './read.ts';
import { type CollectError, mapLimit, toCollectError } from './run.ts';

export interface DiskContext {
  scope: string;
  instanceName: string;
  now: number;
}

export function toPhysicalDisk(ctx: DiskContext, node: string, d: Raw): PvePhysicalDisk {
  const devPath = str(d.devpath);
  const disk: PvePhysicalDisk = {
    id: physicalDiskId(ctx.scope, node, devPath),
    node,
    instance: ctx.instanceName,
    devPath,
    model: str(d.model),
    vendor: str(d.vendor).trim(),
    serial: str(d.serial),
    wwn: str(d.wwn),
    type: str(d.type, 'unknown'),
    size: num(d.size),
    health: str(d.health, 'UNKNOWN'),
    used: str(d.used),
    lastChecked: ctx.now,
  };
  // `wearout` is "N/A" for spinning disks; `rpm` is 0 or -1 for solid-state ones.
  const wearout = optNum(d.wearout);
  const rpm = optNum(d.rpm);
  if (wearout !== undefined) disk.wearout = wearout;
  if (rpm !== undefined && rpm > 0) disk.rpm = rpm;
  return disk;
}

export async function collectPhysicalDisks(
  api: ProxmoxApi,
  ctx: DiskContext,
  onlineNodes: readonly string[],
  concurrency: number,
  errors: CollectError[],
): Promise<PvePhysicalDisk[]> {
  const perNode = await mapLimit(onlineNodes, concurrency, async (node) => {
    const path = `/nodes/${node}/disks/list`;
    try {
      // Partitions carry `parent`; only whole disks are physical disks.
      return asArray(await api.get(path))
        .filter((d) => d.parent === undefined && str(d.devpath) !== '')
        .map((d) => toPhysicalDisk(ctx, node, d));
    } catch (err) {
      errors.push(toCollectError(path, err));
      return [];
    }
  });
  return perNode.flat();
}

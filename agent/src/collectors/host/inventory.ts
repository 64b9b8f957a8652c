// What the machine is (OS, kernel, CPU model and count): read once at start, not every cycle.
import { arch, cpus, machine, platform, release } from 'node:os';
import type { HostInfo } from '@pulse/shared';
import { readText } from './read-text.ts';

export type HostInventory = Pick<
  HostInfo,
  'platform' | 'osName' | 'osVersion' | 'kernelVersion' | 'architecture' | 'cpuModel' | 'cpuCount'
>;

/** ID and VERSION_ID of /etc/os-release (quotes removed). */
export function parseOsRelease(text: string): { id?: string; versionId?: string; name?: string } {
  const rows = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (m?.[1] && m[2] !== undefined) rows.set(m[1], m[2].replace(/^["']|["']$/g, ''));
  }
  return { id: rows.get('ID'), versionId: rows.get('VERSION_ID'), name: rows.get('NAME') };
}

export async function readInventory(): Promise<HostInventory> {
  const list = cpus();
  const base: HostInventory = {
    platform: platform(),
    kernelVersion: release(),
    architecture: machine() || arch(),
    cpuModel: list[0]?.model.trim() || undefined,
    cpuCount: list.length > 0 ? list.length : undefined,
  };
  if (platform() === 'linux') {
    const os = parseOsRelease(readText('/etc/os-release') ?? readText('/usr/lib/os-release') ?? '');
    return { ...base, osName: os.id ?? os.name, osVersion: os.versionId };
  }
  // Elsewhere systeminformation knows the distribution names; it is asked once.
  const si = await import('systeminformation');
  const info = await si.osInfo();
  return { ...base, osName: info.distro || undefined, osVersion: info.release || undefined };
}

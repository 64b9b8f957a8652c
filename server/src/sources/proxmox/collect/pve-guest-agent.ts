// Guest details that need extra calls: the QEMU guest agent for VMs, interfaces and config for containers.
import type { GuestNetworkInterface, ProxmoxDisk, ProxmoxGuest } from '@pulse/shared';
import type { ProxmoxApi } from './api.ts';
import {
  type GuestMemoryReading,
  memoryFromReading,
  parseBalloon,
  parseMeminfo,
} from './pve-guest-memory.ts';
import { asArray, asRecord, bool, isRecord, num, optNum, optStr, percent, str } from './read.ts';
import { type CollectError, errorMessage, toCollectError } from './run.ts';

/**
 * The fields the agent calls fill in; carried over between refreshes by `carryGuestDetails`. A VM's
 * `memoryReading` becomes its `memory` and `memorySource` in `applyDetails`.
 */
export type GuestDetails = { memoryReading?: GuestMemoryReading } & Partial<
  Pick<
    ProxmoxGuest,
    | 'status'
    | 'disk'
    | 'disks'
    | 'diskStatusReason'
    | 'ipAddresses'
    | 'networkInterfaces'
    | 'osName'
    | 'osVersion'
    | 'agentVersion'
    | 'isOci'
    | 'osTemplate'
  >
>;

const DETAIL_KEYS = [
  'disks',
  'diskStatusReason',
  'ipAddresses',
  'networkInterfaces',
  'osName',
  'osVersion',
  'agentVersion',
  'isOci',
  'osTemplate',
] as const;

/** Pseudo and read-only filesystems that would double-count or never fill up. */
const IGNORED_FS = new Set([
  'tmpfs',
  'devtmpfs',
  'squashfs',
  'overlay',
  'iso9660',
  'udf',
  'proc',
  'sysfs',
  'cgroup',
  'cgroup2',
  'autofs',
  'ramfs',
]);

/** Agent commands answer `{ result: … }` inside the data envelope. */
function agentResult(data: unknown): unknown {
  return isRecord(data) && 'result' in data ? data.result : data;
}

function isUsefulAddress(ip: string): boolean {
  const bare = ip.split('/')[0] ?? '';
  return bare !== '' && !bare.startsWith('127.') && bare !== '::1' && !bare.toLowerCase().startsWith('fe80:');
}

export function parseFsInfo(data: unknown): ProxmoxDisk[] {
  const seen = new Set<string>();
  const disks: ProxmoxDisk[] = [];
  for (const fs of asArray(agentResult(data))) {
    const mountpoint = str(fs.mountpoint);
    const type = str(fs.type);
    const total = num(fs['total-bytes']);
    if (total <= 0 || IGNORED_FS.has(type) || seen.has(mountpoint)) continue;
    seen.add(mountpoint);
    const used = Math.min(total, num(fs['used-bytes']));
    const device = optStr(asArray(fs.disk)[0]?.dev) ?? optStr(fs.name);
    const disk: ProxmoxDisk = {
      total,
      used,
      free: total - used,
      usage: percent(used, total),
      mountpoint,
      type,
    };
    if (device !== undefined) disk.device = device;
    disks.push(disk);
  }
  return disks;
}

export function parseAgentInterfaces(data: unknown): GuestNetworkInterface[] {
  return asArray(agentResult(data))
    .filter((nic) => str(nic.name) !== 'lo')
    .map((nic) => {
      const addresses = asArray(nic['ip-addresses'])
        .map((a) => str(a['ip-address']))
        .filter(isUsefulAddress);
      const out: GuestNetworkInterface = { name: str(nic.name), addresses };
      const mac = optStr(nic['hardware-address']);
      const stats = asRecord(nic.statistics);
      const rx = optNum(stats['rx-bytes']);
      const tx = optNum(stats['tx-bytes']);
      if (mac !== undefined) out.mac = mac;
      if (rx !== undefined) out.rxBytes = rx;
      if (tx !== undefined) out.txBytes = tx;
      return out;
    });
}

/** /lxc/{vmid}/interfaces gives `inet`/`inet6` with prefix ("10.0.0.5/24"), newer versions `ip-addresses`. */
export function parseContainerInterfaces(data: unknown): GuestNetworkInterface[] {
  return asArray(data)
    .filter((nic) => str(nic.name) !== 'lo')
    .map((nic) => {
      const listed = asArray(nic['ip-addresses']).map((a) => str(a['ip-address']));
      const legacy = [str(nic.inet), str(nic.inet6)].map((a) => a.split('/')[0] ?? '');
      const addresses = [...new Set([...listed, ...legacy].filter(isUsefulAddress))];
      const out: GuestNetworkInterface = { name: str(nic.name), addresses };
      const mac = optStr(nic.hwaddr) ?? optStr(nic['hardware-address']);
      if (mac !== undefined) out.mac = mac;
      return out;
    });
}

function addressesOf(nics: readonly GuestNetworkInterface[]): string[] {
  return [...new Set(nics.flatMap((n) => n.addresses))];
}

function sumDisks(disks: readonly ProxmoxDisk[]): ProxmoxDisk {
  const total = disks.reduce((s, d) => s + d.total, 0);
  const used = disks.reduce((s, d) => s + d.used, 0);
  return { total, used, free: total - used, usage: percent(used, total) };
}

/** `agent` in the VM config is "1", "0" or a property string such as "enabled=1,fstrim_cloned_disks=1". */
function agentEnabledInConfig(v: unknown): boolean {
  const s = str(v);
  const first = s.split(',')[0] ?? '';
  return bool(first.startsWith('enabled=') ? first.slice('enabled='.length) : first);
}

/** A running VM's agent data; agent failures become `diskStatusReason`, not collection errors. */
export async function vmDetails(
  api: ProxmoxApi,
  node: string,
  vmid: number,
  errors: CollectError[],
): Promise<GuestDetails> {
  const base = `/nodes/${node}/qemu/${vmid}`;
  const details: GuestDetails = {};
  let enabled: boolean;
  try {
    const current = asRecord(await api.get(`${base}/status/current`));
    const qmp = optStr(current.qmpstatus);
    if (qmp !== undefined) details.status = qmp;
    const balloon = parseBalloon(current);
    if (balloon !== undefined) details.memoryReading = balloon;
    enabled =
      current.agent !== undefined
        ? bool(current.agent)
        : agentEnabledInConfig(asRecord(await api.get(`${base}/config`)).agent);
  } catch (err) {
    errors.push(toCollectError(`${base}/status/current`, err));
    return details;
  }
  if (!enabled) return { ...details, diskStatusReason: 'agent-disabled' };
  const [info, fsinfo, osinfo, nics, meminfo] = await Promise.allSettled([
    api.get(`${base}/agent/info`),
    api.get(`${base}/agent/get-fsinfo`),
    api.get(`${base}/agent/get-osinfo`),
    api.get(`${base}/agent/network-get-interfaces`),
    api.get(`${base}/agent/file-read`, { file: '/proc/meminfo' }),
  ]);
  // A failed read (no agent, a token without VM.GuestAgent.FileRead, a non-Linux guest) just leaves
  // the balloon or host figure in place.
  const fromAgent = meminfo.status === 'fulfilled' ? parseMeminfo(meminfo.value) : undefined;
  if (fromAgent !== undefined) details.memoryReading = fromAgent;
  if (info.status === 'fulfilled') {
    const version = optStr(asRecord(agentResult(info.value)).version);
    if (version !== undefined) details.agentVersion = version;
  }
  if (osinfo.status === 'fulfilled') {
    const os = asRecord(agentResult(osinfo.value));
    const name = optStr(os['pretty-name']) ?? optStr(os.name);
    const version = optStr(os.version) ?? optStr(os['version-id']);
    if (name !== undefined) details.osName = name;
    if (version !== undefined) details.osVersion = version;
  }
  if (nics.status === 'fulfilled') {
    details.networkInterfaces = parseAgentInterfaces(nics.value);
    details.ipAddresses = addressesOf(details.networkInterfaces);
  }
  if (fsinfo.status === 'fulfilled') {
    const disks = parseFsInfo(fsinfo.value);
    details.disks = disks;
    if (disks.length > 0) details.disk = sumDisks(disks);
    else details.diskStatusReason = 'no-filesystems';
  } else {
    const message = errorMessage(fsinfo.reason).toLowerCase();
    details.diskStatusReason = message.includes('not running') ? 'agent-not-running' : 'agent-error';
  }
  return details;
}

/** A running container's addresses (/interfaces) and OS (/config `ostype`; `entrypoint` marks OCI images). */
export async function containerDetails(
  api: ProxmoxApi,
  node: string,
  vmid: number,
  errors: CollectError[],
): Promise<GuestDetails> {
  const base = `/nodes/${node}/lxc/${vmid}`;
  const details: GuestDetails = {};
  const [nics, config] = await Promise.allSettled([api.get(`${base}/interfaces`), api.get(`${base}/config`)]);
  if (nics.status === 'fulfilled') {
    details.networkInterfaces = parseContainerInterfaces(nics.value);
    details.ipAddresses = addressesOf(details.networkInterfaces);
  } else errors.push(toCollectError(`${base}/interfaces`, nics.reason));
  if (config.status === 'fulfilled') {
    const c = asRecord(config.value);
    const os = optStr(c.ostype);
    if (os !== undefined) details.osName = os;
    details.isOci = c.entrypoint !== undefined;
  } else errors.push(toCollectError(`${base}/config`, config.reason));
  return details;
}

export function applyDetails(guest: ProxmoxGuest, details: GuestDetails): ProxmoxGuest {
  const { memoryReading, ...fields } = details;
  const merged: ProxmoxGuest = { ...guest };
  for (const [key, value] of Object.entries(fields)) {
    if (value !== undefined) Object.assign(merged, { [key]: value });
  }
  if (details.disk !== undefined) delete merged.diskStatusReason;
  if (memoryReading !== undefined && guest.type === 'qemu' && guest.status === 'running') {
    merged.memory = memoryFromReading(guest.memory.total, memoryReading);
    merged.memorySource = memoryReading.source;
  }
  return merged;
}

/**
 * Between agent refreshes a guest keeps what the last refresh found (while it keeps running). The
 * guest-agent memory figure is carried only while maxmem is unchanged, and never into a refresh
 * poll (`refreshing`): there the new reading decides, so an agent that stopped answering falls
 * back to the balloon or host figure instead of leaving a stale one.
 */
export function carryGuestDetails(
  guest: ProxmoxGuest,
  before: ProxmoxGuest | undefined,
  refreshing = false,
): ProxmoxGuest {
  if (!before || guest.status !== 'running' || before.status === 'stopped') return guest;
  const carried: ProxmoxGuest = { ...guest };
  for (const key of DETAIL_KEYS) {
    if (before[key] !== undefined) Object.assign(carried, { [key]: before[key] });
  }
  if (guest.type === 'qemu' && guest.disk.usageUnavailable && !before.disk.usageUnavailable) {
    carried.disk = before.disk;
  }
  if (
    !refreshing &&
    guest.type === 'qemu' &&
    before.memorySource === 'guest-agent' &&
    before.memory.total === guest.memory.total
  ) {
    carried.memory = before.memory;
    carried.memorySource = 'guest-agent';
  }
  return carried;
}

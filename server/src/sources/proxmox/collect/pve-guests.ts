// PVE guests: one /cluster/resources?type=vm call for all VMs and containers, per-node lists as fallback.
import type { GuestKind, ProxmoxDisk, ProxmoxGuest } from '@pulse/shared';
import type { ProxmoxApi } from './api.ts';
import { guestId } from './ids.ts';
import { memoryOf } from './pve-guest-memory.ts';
import { type CounterSnapshot, type GuestCounters, guestRates, ZERO_RATES } from './rates.ts';
import { asArray, bool, num, optStr, percent, type Raw, str } from './read.ts';
import { type CollectError, toCollectError } from './run.ts';

export interface GuestListEntry {
  type: GuestKind;
  vmid: number;
  node: string;
  name: string;
  status: string;
  cpu: number;
  cpus: number;
  mem: number;
  maxmem: number;
  disk: number;
  maxdisk: number;
  uptime: number;
  template: boolean;
  tags: string[];
  lock?: string;
  pool?: string;
  haState?: string;
  counters: GuestCounters;
}

/** Tags arrive as one string separated by `;` (sometimes `,` or spaces). */
export function parseTags(v: unknown): string[] {
  return str(v)
    .split(/[;,\s]+/)
    .map((t) => t.trim())
    .filter((t) => t !== '');
}

function entryFrom(e: Raw, type: GuestKind, node: string): GuestListEntry {
  const vmid = num(e.vmid);
  const entry: GuestListEntry = {
    type,
    vmid,
    node,
    name: str(e.name, `${type === 'qemu' ? 'VM' : 'CT'} ${vmid}`),
    status: str(e.status, 'unknown'),
    cpu: num(e.cpu),
    // /cluster/resources says maxcpu, the per-node lists say cpus.
    cpus: num(e.maxcpu, num(e.cpus)),
    mem: num(e.mem),
    maxmem: num(e.maxmem),
    disk: num(e.disk),
    maxdisk: num(e.maxdisk),
    uptime: num(e.uptime),
    template: bool(e.template),
    tags: parseTags(e.tags),
    counters: {
      netIn: num(e.netin),
      netOut: num(e.netout),
      diskRead: num(e.diskread),
      diskWrite: num(e.diskwrite),
    },
  };
  const lock = optStr(e.lock);
  const pool = optStr(e.pool);
  const haState = optStr(e.hastate);
  if (lock !== undefined) entry.lock = lock;
  if (pool !== undefined) entry.pool = pool;
  if (haState !== undefined) entry.haState = haState;
  return entry;
}

export function parseGuestResources(data: unknown): GuestListEntry[] {
  return asArray(data)
    .filter((e) => (e.type === 'qemu' || e.type === 'lxc') && num(e.vmid) > 0)
    .map((e) => entryFrom(e, e.type === 'qemu' ? 'qemu' : 'lxc', str(e.node)));
}

export interface GuestListOptions {
  onlineNodes: readonly string[];
  vms: boolean;
  containers: boolean;
  errors: CollectError[];
}

/**
 * The primary guest poll. When /cluster/resources fails, every online node's qemu and lxc lists
 * are read instead; only when nothing at all can be read does the poll fail.
 */
export async function listGuests(api: ProxmoxApi, opts: GuestListOptions): Promise<GuestListEntry[]> {
  const wanted = (e: GuestListEntry) => (e.type === 'qemu' ? opts.vms : opts.containers);
  let primaryError: unknown;
  try {
    return parseGuestResources(await api.get('/cluster/resources', { type: 'vm' })).filter(wanted);
  } catch (err) {
    primaryError = err;
  }
  const kinds: GuestKind[] = [];
  if (opts.vms) kinds.push('qemu');
  if (opts.containers) kinds.push('lxc');
  const calls = opts.onlineNodes.flatMap((node) => kinds.map((kind) => ({ node, kind })));
  const results = await Promise.allSettled(
    calls.map(async ({ node, kind }) =>
      asArray(await api.get(`/nodes/${node}/${kind}`)).map((e) => entryFrom(e, kind, node)),
    ),
  );
  if (calls.length > 0 && results.every((r) => r.status === 'rejected')) throw primaryError;
  if (calls.length === 0 && (opts.vms || opts.containers)) throw primaryError;
  opts.errors.push(toCollectError('/cluster/resources', primaryError));
  const guests: GuestListEntry[] = [];
  results.forEach((r, i) => {
    const call = calls[i];
    if (!call) return;
    if (r.status === 'fulfilled') guests.push(...r.value);
    else opts.errors.push(toCollectError(`/nodes/${call.node}/${call.kind}`, r.reason));
  });
  return guests;
}

export interface GuestBuildContext {
  scope: string;
  instanceName: string;
  now: number;
  counters?: CounterSnapshot;
}

/** The root disk: known for containers; for VMs only the size is known until the guest agent reports. */
function rootDisk(e: GuestListEntry): ProxmoxDisk {
  if (e.type === 'qemu' && e.disk <= 0) {
    return { total: e.maxdisk, used: 0, free: e.maxdisk, usage: 0, usageUnavailable: true };
  }
  return {
    total: e.maxdisk,
    used: e.disk,
    free: Math.max(0, e.maxdisk - e.disk),
    usage: percent(e.disk, e.maxdisk),
  };
}

export function buildGuest(e: GuestListEntry, ctx: GuestBuildContext): ProxmoxGuest {
  const id = guestId(ctx.scope, e.vmid);
  const running = e.status === 'running';
  const rates = running ? guestRates(ctx.counters, id, e.counters, ctx.now) : ZERO_RATES;
  const guest: ProxmoxGuest = {
    id,
    vmid: e.vmid,
    name: e.name,
    node: e.node,
    instance: ctx.instanceName,
    status: e.status,
    type: e.type,
    cpu: running ? e.cpu : 0,
    cpus: e.cpus,
    memory: memoryOf(e.maxmem, running ? e.mem : 0),
    disk: rootDisk(e),
    disks: [],
    ipAddresses: [],
    networkInterfaces: [],
    ...rates,
    uptime: running ? e.uptime : 0,
    template: e.template,
    tags: e.tags,
    lastSeen: ctx.now,
  };
  if (e.type === 'qemu' && !running) guest.diskStatusReason = 'vm-stopped';
  // PVE's own figure until a guest-details refresh finds a better one for a VM (`applyDetails`).
  if (running) guest.memorySource = 'host';
  if (e.pool !== undefined) guest.pool = e.pool;
  if (e.lock !== undefined) guest.lock = e.lock;
  if (e.haState !== undefined) guest.haState = e.haState;
  return guest;
}

export function countersOf(entries: readonly GuestListEntry[], scope: string, now: number): CounterSnapshot {
  const guests: Record<string, GuestCounters> = {};
  for (const e of entries) guests[guestId(scope, e.vmid)] = e.counters;
  return { at: now, guests };
}

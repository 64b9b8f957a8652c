// Network interfaces with their addresses and cumulative byte counters; the server derives the rates.
import { type NetworkInterfaceInfo, networkInterfaces as osNetworkInterfaces } from 'node:os';
import type { NetworkInterface } from '@pulse/shared';
import { readText } from './read-text.ts';

export interface NetCounters {
  rxBytes: number;
  txBytes: number;
}

/**
 * /proc/net/dev: two header lines, then `name: rx-bytes rx-packets … (8 receive columns) tx-bytes …`.
 * Split on the colon rather than whitespace because old kernels print `eth0:123` with no space.
 */
export function parseNetDev(text: string): Map<string, NetCounters> {
  const counters = new Map<string, NetCounters>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim();
    const fields = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/);
    if (name === '' || name.includes('|') || fields.length < 9) continue;
    const rxBytes = Number(fields[0]);
    const txBytes = Number(fields[8]);
    if (!Number.isSafeInteger(rxBytes) || !Number.isSafeInteger(txBytes) || rxBytes < 0 || txBytes < 0)
      continue;
    counters.set(name, { rxBytes, txBytes });
  }
  return counters;
}

/** /sys/class/net/<name>/speed in Mb/s; the kernel prints -1 (or fails the read) when the link is down or virtual. */
export function parseSpeedMbps(text: string): number | undefined {
  const speed = Number(text.trim());
  return Number.isSafeInteger(speed) && speed > 0 ? speed : undefined;
}

export function readSpeedMbps(name: string): number | undefined {
  if (name.includes('/') || name.startsWith('.')) return undefined;
  const text = readText(`/sys/class/net/${name}/speed`);
  return text === undefined ? undefined : parseSpeedMbps(text);
}

const NO_MAC = '00:00:00:00:00:00';

/**
 * Non-loopback interfaces with at least one address, sorted by name. An interface without addresses
 * (a bond slave, an unplugged port) carries no traffic anyone can reach, so it is left out even when
 * it has counters. Tunnels have no hardware address; their all-zero MAC is omitted, not reported.
 */
export function networkInterfaces(
  counters: ReadonlyMap<string, NetCounters>,
  osIfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = osNetworkInterfaces(),
  speedOf: (name: string) => number | undefined = readSpeedMbps,
): NetworkInterface[] {
  const result: NetworkInterface[] = [];
  for (const [name, infos] of Object.entries(osIfaces)) {
    if (name === 'lo' || infos === undefined || infos.length === 0) continue;
    if (infos.every((info) => info.internal)) continue;
    const addresses = infos.flatMap((info) => (info.cidr === null ? [] : [info.cidr]));
    if (addresses.length === 0) continue;
    const mac = infos.find((info) => info.mac !== NO_MAC && info.mac !== '')?.mac;
    const counter = counters.get(name);
    const speedMbps = speedOf(name);
    result.push({
      name,
      ...(mac === undefined ? {} : { mac }),
      addresses,
      ...(counter === undefined ? {} : { rxBytes: counter.rxBytes, txBytes: counter.txBytes }),
      ...(speedMbps === undefined ? {} : { speedMbps }),
    });
  }
  return result.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** This machine's interfaces; counters are left off where /proc/net/dev cannot be read. */
export function readNetwork(path = '/proc/net/dev'): NetworkInterface[] {
  const text = readText(path);
  return networkInterfaces(text === undefined ? new Map() : parseNetDev(text));
}

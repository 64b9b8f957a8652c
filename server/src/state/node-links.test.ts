// Which agent host is which Proxmox node: explicit links win, inference refuses to guess.
import type { HostState, ProxmoxNode } from '@pulse/shared';
import { describe, expect, it } from 'vitest';
import { resolveNodeLinks } from './node-links.ts';

function host(id: string, hostname: string, ips: string[] = []): HostState {
  return {
    id,
    hostname,
    networkInterfaces: [{ name: 'vmbr0', addresses: ips.map((ip) => `${ip}/24`) }],
  } as unknown as HostState;
}

function node(cluster: string, name: string, ip?: string): ProxmoxNode {
  return {
    id: `${cluster}-${name}`,
    name,
    clusterName: cluster,
    instance: cluster,
    host: ip ? `https://${ip}:8006` : '',
  } as unknown as ProxmoxNode;
}

const none = { links: new Map<string, string>(), unlinked: new Set<string>() };

describe('resolveNodeLinks', () => {
  it('links by short host name when exactly one node carries it', () => {
    const links = resolveNodeLinks(
      [host('h1', 'pve1.lan'), host('h2', 'nas')],
      [node('a', 'pve1'), node('a', 'pve2')],
      none,
    );
    expect([...links]).toEqual([['h1', 'a-pve1']]);
  });

  it('refuses two nodes of the same name in different clusters unless an address decides', () => {
    const nodes = [node('a', 'pve', '10.0.0.5'), node('b', 'pve', '10.1.0.5')];
    expect(resolveNodeLinks([host('h1', 'pve')], nodes, none).size).toBe(0);
    expect([...resolveNodeLinks([host('h1', 'pve', ['10.1.0.5'])], nodes, none)]).toEqual([['h1', 'b-pve']]);
  });

  it('refuses when two hosts claim the same node', () => {
    const links = resolveNodeLinks(
      [host('h1', 'pve1'), host('h2', 'pve1.other.lan')],
      [node('a', 'pve1')],
      none,
    );
    expect(links.size).toBe(0);
  });

  it('lets an explicit link win and an unlink stop inference', () => {
    const nodes = [node('a', 'pve1'), node('a', 'pve2')];
    const hosts = [host('h1', 'pve1'), host('h2', 'backup-box')];
    const explicit = { links: new Map([['h2', 'a-pve1']]), unlinked: new Set<string>() };
    // h2 holds pve1 by hand, so h1 (named pve1) is not inferred onto it.
    expect([...resolveNodeLinks(hosts, nodes, explicit)]).toEqual([['h2', 'a-pve1']]);
    const unlinked = { links: new Map<string, string>(), unlinked: new Set(['h1']) };
    expect(resolveNodeLinks(hosts, nodes, unlinked).size).toBe(0);
    // A link to a node that is gone links nothing.
    const stale = { links: new Map([['h2', 'a-gone']]), unlinked: new Set<string>() };
    expect([...resolveNodeLinks([host('h2', 'x')], nodes, stale)]).toEqual([]);
  });
});

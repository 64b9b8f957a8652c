import { describe, expect, it } from 'vitest';
import { PbsBackup, PmgInstance, ProxmoxGuest, ProxmoxNode } from './proxmox-state.ts';

const node = {
  id: 'homelab-pve1',
  name: 'pve1',
  displayName: 'pve1',
  instance: 'lab',
  host: 'https://10.0.0.11:8006',
  status: 'online',
  type: 'node',
  cpu: 0.1,
  memory: { total: 100, used: 25, free: 75, usage: 25 },
  disk: { total: 100, used: 50, free: 50, usage: 50 },
  uptime: 1,
  loadAverage: [0.1, 0.2, 0.3],
  kernelVersion: '6.14.8-2-pve',
  pveVersion: 'pve-manager/9.1.3/0',
  cpuInfo: { model: 'x', cores: 4, sockets: 1, mhz: 3000 },
  lastSeen: 1,
  connectionHealth: 'healthy',
  isClusterMember: true,
  clusterName: 'homelab',
};

describe('Proxmox state schemas', () => {
  it('accept a node and reject an unknown status or connection health', () => {
    expect(ProxmoxNode.parse(node)).toEqual(node);
    expect(ProxmoxNode.safeParse({ ...node, status: 'up' }).success).toBe(false);
    expect(ProxmoxNode.safeParse({ ...node, connectionHealth: 'ok' }).success).toBe(false);
  });

  it('only know qemu and lxc guests', () => {
    const result = ProxmoxGuest.safeParse({ id: 'x', vmid: 1, type: 'openvz' });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path[0])).toContain('type');
  });

  it('re-export the Backup Server and Mail Gateway shapes', () => {
    expect(PbsBackup.shape.backupType.options).toEqual(['vm', 'ct', 'host']);
    expect(PmgInstance.shape.status.options).toEqual(['online', 'offline']);
  });
});

import type { V1Node } from '@kubernetes/client-node';
import { KubeNode } from '@pulse/shared';
import { describe, expect, it } from 'vitest';
import { nodeRoles, toKubeNode } from './nodes.ts';

function node(ready: 'True' | 'False' | 'Unknown', over: Partial<V1Node> = {}): V1Node {
  return {
    metadata: { name: 'k8s-cp-1', uid: 'u1', labels: { 'node-role.kubernetes.io/control-plane': '' } },
    spec: {},
    status: {
      conditions: [
        { type: 'MemoryPressure', status: 'False' },
        { type: 'Ready', status: ready },
      ],
      capacity: { cpu: '3500m', memory: '16318412Ki', pods: '110', 'hugepages-2Mi': '0' },
      allocatable: { cpu: '3', memory: '16216012Ki', pods: '110' },
      nodeInfo: {
        architecture: 'arm64',
        bootID: '',
        containerRuntimeVersion: 'containerd://1.7.24',
        kernelVersion: '6.6.62',
        kubeProxyVersion: '',
        kubeletVersion: 'v1.31.4',
        machineID: '',
        operatingSystem: 'linux',
        osImage: 'Debian GNU/Linux 12 (bookworm)',
        systemUUID: '',
      },
    },
    ...over,
  };
}

describe('toKubeNode', () => {
  it('maps readiness, versions, whole cores (rounded up), bytes, pods, roles and usage', () => {
    const out = toKubeNode(node('True'), { cpuMilliCores: 250, memoryBytes: 1_073_741_824 });
    expect(out).toEqual({
      uid: 'u1',
      name: 'k8s-cp-1',
      ready: true,
      kubeletVersion: 'v1.31.4',
      containerRuntimeVersion: 'containerd://1.7.24',
      osImage: 'Debian GNU/Linux 12 (bookworm)',
      kernelVersion: '6.6.62',
      architecture: 'arm64',
      capacity: { cpuCores: 4, memoryBytes: 16_710_053_888, pods: 110 },
      allocatable: { cpuCores: 3, memoryBytes: 16_605_196_288, pods: 110 },
      usage: { cpuMilliCores: 250, memoryBytes: 1_073_741_824 },
      roles: ['control-plane'],
    });
    expect(KubeNode.safeParse(out).success).toBe(true);
  });

  it('a Ready condition of Unknown (kubelet silent) or False is not ready', () => {
    expect(toKubeNode(node('Unknown')).ready).toBe(false);
    expect(toKubeNode(node('False')).ready).toBe(false);
  });

  it('reports unschedulable only when cordoned', () => {
    expect(toKubeNode(node('True', { spec: { unschedulable: true } })).unschedulable).toBe(true);
    expect(toKubeNode(node('True')).unschedulable).toBeUndefined();
  });
});

describe('toKubeNode on nodes that have not posted status', () => {
  it('a node with no status block is not ready and carries nothing it does not know', () => {
    const out = toKubeNode({ metadata: { name: 'k8s-w-3', uid: 'u3' } });
    expect(out).toEqual({ uid: 'u3', name: 'k8s-w-3', ready: false });
    const parsed = KubeNode.safeParse(JSON.parse(JSON.stringify(out)));
    expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
  });

  it('reads the empty strings of an unfilled nodeInfo as absent', () => {
    const blank = node('Unknown');
    const info = blank.status?.nodeInfo;
    if (info) {
      info.kubeletVersion = '';
      info.osImage = '';
      info.kernelVersion = '';
    }
    const out = toKubeNode(blank);
    expect(out.kubeletVersion).toBeUndefined();
    expect(out.osImage).toBeUndefined();
    expect(out.architecture).toBe('arm64');
  });
});

describe('nodeRoles', () => {
  it('reads node-role.kubernetes.io/<role> and kubernetes.io/role, sorted and deduplicated', () => {
    expect(
      nodeRoles({
        'node-role.kubernetes.io/worker': '',
        'node-role.kubernetes.io/control-plane': 'true',
        'kubernetes.io/role': 'worker',
        'node-role.kubernetes.io/': '',
      }),
    ).toEqual(['control-plane', 'worker']);
    expect(nodeRoles({ 'kubernetes.io/hostname': 'x' })).toBeUndefined();
  });
});

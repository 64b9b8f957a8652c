import { describe, expect, it } from 'vitest';
import { nodeUsage, podUsage } from './usage.ts';

describe('nodeUsage', () => {
  it('reads NodeMetrics usage by node name', () => {
    const list = {
      kind: 'NodeMetricsList',
      items: [
        { metadata: { name: 'k8s-cp-1' }, usage: { cpu: '250m', memory: '1024Mi' } },
        { metadata: { name: 'k8s-w-1' }, usage: { cpu: '1534021876n', memory: '6291456Ki' } },
      ],
    };
    expect(Object.fromEntries(nodeUsage(list))).toEqual({
      'k8s-cp-1': { cpuMilliCores: 250, memoryBytes: 1_073_741_824 },
      'k8s-w-1': { cpuMilliCores: 1535, memoryBytes: 6_442_450_944 },
    });
  });

  it('ignores anything that is not a metrics list', () => {
    for (const junk of [undefined, null, 'x', { items: 'x' }, { items: [null, { metadata: {} }] }]) {
      expect(nodeUsage(junk).size).toBe(0);
    }
  });
});

describe('podUsage', () => {
  it('sums containers exactly and rounds the total up once, keyed by namespace/name', () => {
    const list = {
      items: [
        {
          metadata: { name: 'web-0', namespace: 'default' },
          containers: [
            { name: 'app', usage: { cpu: '1500000n', memory: '12288Ki' } },
            { name: 'sidecar', usage: { cpu: '1500000n', memory: '1Mi' } },
          ],
        },
        { metadata: { name: 'idle', namespace: 'default' }, containers: [] },
      ],
    };
    expect(Object.fromEntries(podUsage(list))).toEqual({
      'default/web-0': { cpuMilliCores: 3, memoryBytes: 12_582_912 + 1_048_576 },
      'default/idle': {},
    });
  });
});

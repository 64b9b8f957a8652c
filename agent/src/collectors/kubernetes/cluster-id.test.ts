import { describe, expect, it } from 'vitest';
import { clusterId, guessProvider } from './cluster-id.ts';

describe('clusterId', () => {
  it('is hex sha256 of server|context|name (vector from sha256sum)', () => {
    expect(clusterId('https://10.0.0.1:6443', 'homelab-admin@homelab', 'homelab')).toBe(
      '0ea6fb765087ff73680e71a3f07e4221512d175b9585d609bbb763f9a4ada850',
    );
    expect(clusterId('', '', '')).toBe('565d240f5343e625ae579a4d45a770f1f02c6368b5ed4d06da4fbe6f47c28866');
  });

  it('changes with each part', () => {
    const base = clusterId('https://a:6443', 'ctx', 'name');
    expect(clusterId('https://b:6443', 'ctx', 'name')).not.toBe(base);
    expect(clusterId('https://a:6443', 'ctx2', 'name')).not.toBe(base);
    expect(clusterId('https://a:6443', 'ctx', 'name2')).not.toBe(base);
  });
});

describe('guessProvider', () => {
  it.each([
    ['v1.30.4+k3s1', 'k3s'],
    ['v1.31.1+rke2r1', 'rke2'],
    ['v1.29.8-eks-a737599', 'eks'],
    ['v1.30.5-gke.1014001', 'gke'],
    ['v1.31.4', undefined],
    [undefined, undefined],
  ])('%s → %s', (gitVersion, provider) => {
    expect(guessProvider(gitVersion)).toBe(provider);
  });
});

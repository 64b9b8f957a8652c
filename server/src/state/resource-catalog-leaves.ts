// Stored items that only ever produce their own resources: Proxmox guests, storage, Ceph clusters and disks
// (whose parent is their node's resource, looked up in the relations of the last rebuild each time), and
// Kubernetes clusters. A change to one of them re-projects that item alone.
import type { ProxmoxGuest, Resource } from '@pulse/shared';
import { kubernetesResources } from './kubernetes-resources.ts';
import type { LiveState } from './live-state.ts';
import { cephToResource, diskToResource, guestToResource, storageToResource } from './proxmox-resources.ts';
import { guestScope, type LeafGroup, place, type Relations } from './resource-catalog-entries.ts';

/** How to project the stored item `id` of `group` (it may throw, as allResources lets it), or undefined if gone. */
export function leafProjection(
  state: LiveState,
  rel: Relations,
  group: LeafGroup,
  id: string,
): (() => Resource[]) | undefined {
  const parentOf = (instance: string, node: string) => {
    const nodeId = rel.nodeAt.get(place(instance, node));
    return nodeId === undefined ? undefined : rel.nodeResource.get(nodeId);
  };
  const guest = (g: ProxmoxGuest) => () => [
    guestToResource(g, rel.nodeResource.get(`${guestScope(g.id)}-${g.node}`), rel.meta.guests?.[g.id]),
  ];
  switch (group) {
    case 'vms':
    case 'containers': {
      const g = state[group].get(id);
      return g && guest(g);
    }
    case 'storage': {
      const s = state.storage.get(id);
      return s && (() => [storageToResource(s, s.shared ? undefined : parentOf(s.instance, s.node))]);
    }
    case 'cephClusters': {
      const c = state.cephClusters.get(id);
      return c && (() => [cephToResource(c)]);
    }
    case 'physicalDisks': {
      const d = state.physicalDisks.get(id);
      return d && (() => [diskToResource(d, parentOf(d.instance, d.node))]);
    }
    case 'kubernetesClusters': {
      const c = state.kubernetesClusters.get(id);
      return c && (() => (c.hidden ? [] : kubernetesResources(c)));
    }
  }
}

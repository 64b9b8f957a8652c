// Entity ids for Proxmox sources (reference §3.2), chosen so that they survive live migration.
//
// The scope is the cluster name for a cluster and the configured instance name for a standalone
// node. Two configured connections to members of one cluster therefore produce the same ids, and
// the state merges them instead of listing every guest twice. A guest's id leaves out its node
// (the legacy `<instance>:<node>:<vmid>` did not): a vmid is unique across a cluster, and a guest
// that moves from pve1 to pve2 must stay the same entity for history, alerts and rate counters.

export function instanceScope(instanceName: string, clusterName: string | undefined): string {
  return clusterName && clusterName !== '' ? clusterName : instanceName;
}

export function nodeId(scope: string, node: string): string {
  return `${scope}-${node}`;
}

export function guestId(scope: string, vmid: number): string {
  return `${scope}:${vmid}`;
}

/** A shared storage is one entity for the whole cluster; a local one exists per node. */
export function storageId(scope: string, storage: string, node: string | undefined): string {
  return node === undefined ? `${scope}-cluster-${storage}` : `${scope}-${node}-${storage}`;
}

export function storageBackupId(scope: string, volid: string): string {
  return `${scope}-${volid}`;
}

/** Keyed on the vmid rather than the node so a migrated guest keeps its snapshots' ids. */
export function snapshotId(scope: string, vmid: number, name: string): string {
  return `${scope}-${vmid}-${name}`;
}

export function backupTaskId(scope: string, upid: string): string {
  return `${scope}-${upid}`;
}

export function replicationJobId(scope: string, jobId: string): string {
  return `${scope}-replication-${jobId}`;
}

export function physicalDiskId(scope: string, node: string, devPath: string): string {
  return `${scope}-${node}-${devPath.replace(/^\/dev\//, '').replaceAll('/', '-')}`;
}

export function cephClusterId(scope: string, fsid: string): string {
  return fsid === '' ? `${scope}-ceph` : `${scope}-ceph-${fsid}`;
}

export function pbsBackupId(
  instance: string,
  datastore: string,
  namespace: string,
  backupType: string,
  backupId: string,
  backupTime: number,
): string {
  const ns = namespace === '' ? 'root' : namespace.replaceAll('/', '_');
  return `${instance}-${datastore}-${ns}-${backupType}-${backupId}-${backupTime}`;
}

// Images, volumes, networks and `system df` of the engine, as the report's inventory.
import type {
  DockerImage,
  DockerNetwork,
  DockerStorageBucket,
  DockerStorageUsage,
  DockerVolume,
} from '@pulse/shared';
import {
  bool,
  count,
  num,
  obj,
  objList,
  rfc3339,
  str,
  strList,
  strMap,
  unixSeconds,
  type View,
} from './json.ts';

/** Docker writes -1 for a size or count it did not compute; the schema keeps that, other negatives are junk. */
function countOrUnknown(value: unknown): number | undefined {
  return num(value) === -1 ? -1 : count(value);
}

type ImageView = View<'Id' | 'RepoTags' | 'RepoDigests' | 'Size' | 'SharedSize' | 'Containers' | 'Created'> &
  View<'Labels'>;

export function images(list: unknown): DockerImage[] {
  return objList<ImageView>(list).flatMap((i) => {
    const id = str(i.Id);
    if (id === undefined) return [];
    // `<none>:<none>` and `<none>@<none>` are how older dockerd spells "no tag" and "no digest".
    const tags = strList(i.RepoTags).filter((t) => !t.startsWith('<none>'));
    const digests = strList(i.RepoDigests).filter((d) => !d.startsWith('<none>'));
    return [
      {
        id,
        repoTags: tags.length > 0 ? tags.slice(0, 1024) : undefined,
        repoDigests: digests.length > 0 ? digests.slice(0, 1024) : undefined,
        sizeBytes: count(i.Size),
        sharedSizeBytes: countOrUnknown(i.SharedSize),
        containers: countOrUnknown(i.Containers),
        createdAt: unixSeconds(i.Created),
        labels: strMap(i.Labels),
      },
    ];
  });
}

type VolumeView = View<'Name' | 'Driver' | 'Mountpoint' | 'Scope' | 'CreatedAt' | 'Labels' | 'Options'> &
  View<'UsageData'>;

/** Size and reference count of a volume; only `/system/df` computes them (the list leaves UsageData out). */
export interface VolumeUsage {
  sizeBytes?: number;
  refCount?: number;
}

function volumeUsage(v: VolumeView): VolumeUsage | undefined {
  const usage = obj<View<'Size' | 'RefCount'>>(v.UsageData);
  if (usage === undefined) return undefined;
  return { sizeBytes: countOrUnknown(usage.Size), refCount: countOrUnknown(usage.RefCount) };
}

/** `/volumes` answers `{Volumes: [...]}`; `usage` carries the sizes of the last `/system/df`. */
export function volumes(
  answer: unknown,
  usage: ReadonlyMap<string, VolumeUsage> = new Map(),
): DockerVolume[] {
  return objList<VolumeView>(obj<View<'Volumes'>>(answer)?.Volumes).flatMap((v) => {
    const name = str(v.Name);
    if (name === undefined) return [];
    const used = volumeUsage(v) ?? usage.get(name);
    return [
      {
        name,
        driver: str(v.Driver),
        mountpoint: str(v.Mountpoint),
        scope: str(v.Scope),
        createdAt: str(v.CreatedAt),
        sizeBytes: used?.sizeBytes,
        refCount: used?.refCount,
        labels: strMap(v.Labels),
        options: strMap(v.Options),
      },
    ];
  });
}

type NetworkView = View<'Id' | 'Name' | 'Driver' | 'Scope' | 'Created' | 'EnableIPv4' | 'EnableIPv6'> &
  View<'Internal' | 'Attachable' | 'Ingress' | 'ConfigOnly' | 'IPAM' | 'Labels' | 'Options'>;

export function networks(list: unknown): DockerNetwork[] {
  return objList<NetworkView>(list).flatMap((n) => {
    const id = str(n.Id);
    if (id === undefined) return [];
    const subnets = objList<View<'Subnet' | 'Gateway'>>(obj<View<'Config'>>(n.IPAM)?.Config)
      .map((s) => ({ subnet: str(s.Subnet), gateway: str(s.Gateway) }))
      .filter((s) => s.subnet !== undefined || s.gateway !== undefined);
    return [
      {
        id,
        name: str(n.Name) ?? id.slice(0, 12),
        driver: str(n.Driver),
        scope: str(n.Scope),
        createdAt: rfc3339(n.Created),
        // EnableIPv4 exists from API 1.47; older engines leave it out (unknown, not false).
        enableIpv4: bool(n.EnableIPv4),
        enableIpv6: bool(n.EnableIPv6),
        internal: bool(n.Internal),
        attachable: bool(n.Attachable),
        ingress: bool(n.Ingress),
        configOnly: bool(n.ConfigOnly),
        subnets: subnets.length > 0 ? subnets.slice(0, 64) : undefined,
        labels: strMap(n.Labels),
        options: strMap(n.Options),
      },
    ];
  });
}

export interface DiskUsage {
  storage: DockerStorageUsage;
  volumes: Map<string, VolumeUsage>;
}

type DfView = View<'LayersSize' | 'Images' | 'Containers' | 'Volumes' | 'BuildCache'>;

/**
 * `/system/df` summed per kind the way `docker system df` does: active means in use (an image with
 * containers, a running container, a volume with references, a build cache record in use), reclaimable
 * is what removing the inactive ones would free.
 */
export function diskUsage(answer: unknown): DiskUsage | undefined {
  const df = obj<DfView>(answer);
  if (df === undefined) return undefined;
  const volumeUsageByName = new Map<string, VolumeUsage>();
  const volumeRows = objList<VolumeView>(df.Volumes);
  for (const v of volumeRows) {
    const name = str(v.Name);
    const usage = volumeUsage(v);
    if (name !== undefined && usage !== undefined) volumeUsageByName.set(name, usage);
  }
  return {
    storage: {
      images: imageBucket(df),
      containers: containerBucket(df.Containers),
      volumes: bucket(
        [...volumeUsageByName.values()].map((u) => ({
          size: u.sizeBytes ?? -1,
          active: (u.refCount ?? 0) > 0,
          reclaimable: true,
        })),
      ),
      buildCache: Array.isArray(df.BuildCache) ? buildCacheBucket(df.BuildCache) : undefined,
    },
    volumes: volumeUsageByName,
  };
}

interface Row {
  /** -1 (or any negative) when the engine did not compute it: left out of the sums. */
  size: number;
  active: boolean;
  reclaimable: boolean;
}

function bucket(rows: Row[]): DockerStorageBucket {
  const sized = rows.filter((r) => r.size >= 0);
  return {
    totalCount: rows.length,
    activeCount: rows.filter((r) => r.active).length,
    totalSizeBytes: sized.reduce((n, r) => n + r.size, 0),
    reclaimableBytes: sized.filter((r) => !r.active && r.reclaimable).reduce((n, r) => n + r.size, 0),
  };
}

function imageBucket(df: DfView): DockerStorageBucket {
  const list = objList<View<'Size' | 'SharedSize' | 'Containers'>>(df.Images);
  const sizeSum = list.reduce((n, i) => n + (count(i.Size) ?? 0), 0);
  // LayersSize counts shared layers once; Podman sends 0 there, which is no measurement when images exist.
  const layers = count(df.LayersSize);
  const total = layers !== undefined && (layers > 0 || list.length === 0) ? layers : sizeSum;
  // As `docker system df`: what the used images need (own size minus layers shared with others) stays.
  const used = list
    .filter((i) => (count(i.Containers) ?? 0) > 0)
    .reduce((n, i) => n + Math.max(0, (count(i.Size) ?? 0) - (count(i.SharedSize) ?? 0)), 0);
  return {
    totalCount: list.length,
    activeCount: list.filter((i) => (count(i.Containers) ?? 0) > 0).length,
    totalSizeBytes: total,
    reclaimableBytes: Math.max(0, total - used),
  };
}

function containerBucket(list: unknown): DockerStorageBucket {
  // dockerd leaves SizeRw out when it is 0.
  return bucket(
    objList<View<'SizeRw' | 'State'>>(list).map((c) => ({
      size: count(c.SizeRw) ?? 0,
      active: str(c.State) === 'running',
      reclaimable: true,
    })),
  );
}

function buildCacheBucket(list: unknown[]): DockerStorageBucket {
  return bucket(
    objList<View<'Size' | 'InUse' | 'Shared'>>(list).map((r) => ({
      size: count(r.Size) ?? -1,
      active: bool(r.InUse) === true,
      // A shared record is still needed by another one; pruning does not free it.
      reclaimable: bool(r.Shared) !== true,
    })),
  );
}

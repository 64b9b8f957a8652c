import { DockerImage, DockerNetwork, DockerStorageUsage, DockerVolume } from '@pulse/shared';
import { describe, expect, it } from 'vitest';
import { fixture } from './fixtures/fixture.ts';
import { diskUsage, images, networks, volumes } from './inventory.ts';

describe('images', () => {
  it('maps the list, dropping <none> tags and digests and keeping -1 for "not computed"', () => {
    const list = images(fixture('docker-images.json'));
    expect(list).toEqual([
      {
        id: 'sha256:5c1e7a9b3d2f4e6a8c0b1d3f5e7a9c1b3d5f7e9a1c3b5d7f9e1a3c5b7d9f1e3a',
        repoTags: ['registry.example.com/shop/web:2.4', 'registry.example.com/shop/web:latest'],
        repoDigests: [
          'registry.example.com/shop/web@sha256:aa11bb22cc33dd44ee55ff6600112233445566778899aabbccddeeff00112233',
        ],
        sizeBytes: 187654321,
        sharedSizeBytes: -1,
        containers: -1,
        createdAt: '2026-03-12T07:20:00.000Z',
        labels: { 'org.opencontainers.image.source': 'https://git.example.com/shop/web' },
      },
      {
        id: 'sha256:0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d',
        sizeBytes: 5242880,
        sharedSizeBytes: -1,
        containers: -1,
        createdAt: '2026-03-11T03:33:20.000Z',
      },
    ]);
    for (const image of list) expect(DockerImage.parse(image)).toBeTruthy();
  });
});

describe('volumes', () => {
  it('maps the list and takes sizes from the last system df', () => {
    const usage = diskUsage(fixture('docker-df.json'))?.volumes;
    const list = volumes(fixture('docker-volumes.json'), usage);
    expect(list).toEqual([
      {
        name: 'shop_uploads',
        driver: 'local',
        mountpoint: '/var/lib/docker/volumes/shop_uploads/_data',
        scope: 'local',
        createdAt: '2026-03-13T11:06:39Z',
        sizeBytes: 734003200,
        refCount: 1,
        labels: { 'com.docker.compose.project': 'shop', 'com.docker.compose.volume': 'uploads' },
      },
      {
        name: 'old',
        driver: 'local',
        mountpoint: '/var/lib/docker/volumes/old/_data',
        scope: 'local',
        createdAt: '2026-02-01T08:00:00Z',
        sizeBytes: 1048576,
        refCount: 0,
        options: { type: 'tmpfs', device: 'tmpfs' },
      },
    ]);
    for (const v of list) expect(DockerVolume.parse(v)).toBeTruthy();
  });

  it('leaves sizes out before any system df, and reads an empty answer as no volumes', () => {
    expect(volumes(fixture('docker-volumes.json'))[0]?.sizeBytes).toBeUndefined();
    expect(volumes({ Volumes: null, Warnings: null })).toEqual([]);
  });
});

describe('networks', () => {
  it('maps IPAM subnets, flags and labels; EnableIPv4 only where the engine sends it', () => {
    const list = networks(fixture('docker-networks.json'));
    expect(list[0]).toEqual({
      id: '6a5b4c3d2e1f6a5b4c3d2e1f6a5b4c3d2e1f6a5b4c3d2e1f6a5b4c3d2e1f6a5b',
      name: 'shop_default',
      driver: 'bridge',
      scope: 'local',
      createdAt: '2026-03-13T11:06:39.5Z',
      enableIpv4: true,
      enableIpv6: true,
      internal: false,
      attachable: false,
      ingress: false,
      configOnly: false,
      subnets: [
        { subnet: '172.20.0.0/16', gateway: '172.20.0.1' },
        { subnet: 'fd00:20::/64', gateway: 'fd00:20::1' },
      ],
      labels: { 'com.docker.compose.network': 'default', 'com.docker.compose.project': 'shop' },
    });
    expect(list[1]).toMatchObject({ name: 'none', driver: 'null', enableIpv6: false });
    expect(list[1]?.enableIpv4).toBeUndefined();
    expect(list[1]?.subnets).toBeUndefined();
    for (const n of list) expect(DockerNetwork.parse(n)).toBeTruthy();
  });
});

describe('diskUsage', () => {
  it('sums system df per kind as `docker system df` does', () => {
    const storage = diskUsage(fixture('docker-df.json'))?.storage;
    expect(storage).toEqual({
      // Reclaimable: LayersSize minus what the used image needs beyond shared layers.
      images: {
        totalCount: 2,
        activeCount: 1,
        totalSizeBytes: 190000000,
        reclaimableBytes: 190000000 - 183654321,
      },
      containers: { totalCount: 3, activeCount: 1, totalSizeBytes: 1012288, reclaimableBytes: 1000000 },
      // The nfs volume's -1 is "not computed": counted, not summed.
      volumes: { totalCount: 3, activeCount: 1, totalSizeBytes: 735051776, reclaimableBytes: 1048576 },
      buildCache: { totalCount: 3, activeCount: 1, totalSizeBytes: 32500000, reclaimableBytes: 30000000 },
    });
    expect(DockerStorageUsage.parse(storage)).toBeTruthy();
  });

  it('Podman: LayersSize 0 with images is not a measurement, so the image sizes are summed', () => {
    expect(diskUsage(fixture('podman-df.json'))?.storage).toEqual({
      images: { totalCount: 2, activeCount: 1, totalSizeBytes: 99765432, reclaimableBytes: 1000000 },
      containers: { totalCount: 1, activeCount: 1, totalSizeBytes: 2048, reclaimableBytes: 0 },
      volumes: { totalCount: 0, activeCount: 0, totalSizeBytes: 0, reclaimableBytes: 0 },
      buildCache: { totalCount: 0, activeCount: 0, totalSizeBytes: 0, reclaimableBytes: 0 },
    });
  });

  it('is undefined for an answer that is not an object', () => {
    expect(diskUsage(null)).toBeUndefined();
  });
});

import { DockerContainer } from '@pulse/shared';
import { describe, expect, it } from 'vitest';
import {
  buildContainer,
  type ContainerInspect,
  type ContainerStats,
  type ContainerSummary,
  digestFromRepoDigests,
  healthcheckTargets,
  sizesFromSummary,
} from './container.ts';
import { fixture } from './fixtures/fixture.ts';
import { obj, objList } from './json.ts';
import { podsById } from './podman-meta.ts';

const HOST = 16 * 1024 ** 3;
const NOW = Date.parse('2026-03-14T09:26:53Z');
const MiB = 1024 ** 2;

function summaries(name: string): ContainerSummary[] {
  return objList<ContainerSummary>(fixture(name));
}
function first(list: ContainerSummary[], index = 0): ContainerSummary {
  const s = list[index];
  if (s === undefined) throw new Error(`no list entry ${index}`);
  return s;
}
const inspect = (name: string) => obj<ContainerInspect>(fixture(name));
const stats = (name: string) => obj<ContainerStats>(fixture(name));

describe('buildContainer (Docker)', () => {
  const web = first(summaries('docker-list.json'));
  const job = first(summaries('docker-list.json'), 1);

  it('builds a running container from list entry, inspect, cgroup v1 stats and the CPU %', () => {
    const c = buildContainer({
      runtime: 'docker',
      summary: web,
      inspect: inspect('docker-inspect.json'),
      stats: stats('docker-v1-stats.json'),
      cpuPercent: 12.5,
      hostMemoryBytes: HOST,
      imageDigest: 'sha256:aa11',
      sizes: sizesFromSummary(web),
      nowMs: NOW,
    });
    expect(c).toEqual({
      id: '3f9a1c6e5b7d4e2f8a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f',
      name: 'web',
      image: 'registry.example.com/shop/web:2.4',
      imageDigest: 'sha256:aa11',
      createdAt: '2026-03-13T11:06:40.123456789Z',
      state: 'running',
      status: 'Up 2 days (healthy)',
      health: 'healthy',
      healthcheckTargets: ['http://localhost:80/healthz'],
      cpuPercent: 12.5,
      memoryUsageBytes: 150 * MiB,
      memoryLimitBytes: HOST,
      memoryPercent: ((150 * MiB) / HOST) * 100,
      uptimeSeconds: 3600,
      restartCount: 2,
      exitCode: 0,
      oomKilled: false,
      startedAt: '2026-03-14T08:26:53.000000001Z',
      // The end of the run before the last restart: a real time, kept.
      finishedAt: '2026-03-14T08:26:50.5Z',
      ports: [
        { privatePort: 80, publicPort: 8080, protocol: 'tcp', ip: '0.0.0.0' },
        { privatePort: 80, publicPort: 8080, protocol: 'tcp', ip: '::' },
        { privatePort: 9090, protocol: 'tcp' },
      ],
      labels: { 'com.docker.compose.project': 'shop', 'com.docker.compose.service': 'web' },
      env: [
        'DB_PASSWORD=***',
        'STRIPE_API_KEY=***',
        'SESSION_SECRET=***',
        'GITHUB_TOKEN=***',
        'DATABASE_URL=***',
        'EMPTY_PASSWORD=',
        'LOG_LEVEL=info',
        'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      ],
      networks: [{ name: 'shop_default', ipv4: '172.20.0.5', ipv6: 'fd00:20::5' }],
      networkRxBytes: 123457789,
      networkTxBytes: 98767432,
      writableLayerBytes: 12288,
      rootFilesystemBytes: 187654321,
      blockIo: { readBytes: 1572864, writeBytes: 12288 },
      mounts: [
        {
          type: 'volume',
          name: 'shop_uploads',
          source: '/var/lib/docker/volumes/shop_uploads/_data',
          destination: '/srv/uploads',
          driver: 'local',
          mode: 'z',
          rw: true,
        },
        {
          type: 'bind',
          source: '/etc/shop/config.yml',
          destination: '/srv/config.yml',
          mode: 'ro',
          rw: false,
          propagation: 'rprivate',
        },
      ],
    });
    expect(DockerContainer.parse(c)).toBeTruthy();
    expect(JSON.stringify(c)).not.toContain('correct-horse');
  });

  it('builds an OOM-killed exited container: exit 137, no CPU or memory use, the configured limit kept', () => {
    const c = buildContainer({
      runtime: 'docker',
      summary: job,
      inspect: inspect('docker-inspect-exited.json'),
      stats: stats('docker-stats-stopped.json'),
      hostMemoryBytes: HOST,
      sizes: sizesFromSummary(job),
      nowMs: NOW,
    });
    expect(c).toMatchObject({
      name: 'job',
      state: 'exited',
      status: 'Exited (137) 3 hours ago',
      exitCode: 137,
      oomKilled: true,
      cpuPercent: 0,
      memoryUsageBytes: 0,
      memoryLimitBytes: 32 * MiB,
      memoryPercent: 0,
      uptimeSeconds: 0,
      startedAt: '2026-03-14T09:20:01Z',
      finishedAt: '2026-03-14T09:20:07.25Z',
      // dockerd leaves SizeRw out when it is 0.
      writableLayerBytes: 0,
      rootFilesystemBytes: 4261120,
      networks: [{ name: 'none' }],
    });
    expect(c?.blockIo).toBeUndefined();
    expect(c?.health).toBeUndefined();
    expect(DockerContainer.parse(c)).toBeTruthy();
  });

  it('reports a container whose inspect did not answer from its list entry alone', () => {
    const c = buildContainer({ runtime: 'docker', summary: job, nowMs: NOW });
    expect(c).toMatchObject({
      name: 'job',
      state: 'exited',
      exitCode: 137,
      restartCount: 0,
      image: 'busybox:1.36',
    });
    expect(c?.createdAt).toBe('2026-03-14T09:20:00.000Z');
    const healthy = buildContainer({ runtime: 'docker', summary: web, nowMs: NOW });
    expect(healthy?.health).toBe('healthy');
    expect(healthy?.env).toBeUndefined();
    expect(DockerContainer.parse(healthy)).toBeTruthy();
  });

  it('takes ports from inspect when the list entry had none', () => {
    const c = buildContainer({
      runtime: 'docker',
      summary: { Id: 'x1' },
      inspect: inspect('docker-inspect.json'),
      nowMs: NOW,
    });
    expect(c?.ports).toEqual([
      { privatePort: 80, publicPort: 8080, protocol: 'tcp', ip: '0.0.0.0' },
      { privatePort: 80, publicPort: 8080, protocol: 'tcp', ip: '::' },
      { privatePort: 9090, protocol: 'tcp' },
    ]);
  });

  it('answers nothing for a list entry without an id', () => {
    expect(buildContainer({ runtime: 'docker', summary: { Names: ['/x'] }, nowMs: NOW })).toBeUndefined();
  });
});

describe('buildContainer (Podman)', () => {
  const api = first(summaries('podman-list.json'));
  const pods = podsById(fixture('podman-libpod-list.json'));

  it('adds the pod from the libpod list and compose, auto-update and userns from labels and inspect', () => {
    const c = buildContainer({
      runtime: 'podman',
      summary: api,
      inspect: inspect('podman-inspect.json'),
      stats: stats('podman-stats.json'),
      cpuPercent: 150,
      hostMemoryBytes: HOST,
      sizes: sizesFromSummary(api),
      pod: pods.get('c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5'),
      nowMs: NOW,
    });
    expect(c).toMatchObject({
      name: 'api',
      state: 'running',
      cpuPercent: 150,
      memoryUsageBytes: 50 * MiB,
      memoryLimitBytes: 128 * MiB,
      uptimeSeconds: 5 * 3600 - 1,
      ports: [{ privatePort: 8000, publicPort: 18000, protocol: 'tcp' }],
      env: ['PATH=/usr/bin:/bin', 'TERM=xterm', 'container=podman', 'API_TOKEN=***', 'HOME=/root'],
      networks: [{ name: 'podman', ipv4: '10.88.0.7' }],
      networkRxBytes: 5000,
      networkTxBytes: 7000,
      writableLayerBytes: 2048,
      rootFilesystemBytes: 98765432,
      podman: {
        podName: 'team-pod',
        podId: '8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d',
        composeProject: 'team',
        composeService: 'api',
        composeWorkdir: '/srv/team',
        composeConfigHash: '4b2d',
        autoUpdatePolicy: 'registry',
        userNamespace: 'keep-id',
      },
    });
    // Podman answers Health {Status: ""} without a health check, and FinishedAt at the Go zero time.
    expect(c?.health).toBeUndefined();
    expect(c?.finishedAt).toBeUndefined();
    expect(DockerContainer.parse(c)).toBeTruthy();
  });

  it('marks the infra container and leaves the block out when there is nothing Podman-specific', () => {
    expect(pods.get('e1d2c3b4a5f6e7d8c9b0a1f2e3d4c5b6a7f8e9d0c1b2a3f4e5d6c7b8a9f0e1d2')).toEqual({
      podId: '8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d',
      podName: 'team-pod',
      infra: true,
    });
    expect(pods.has('aa11')).toBe(false);
    const plain = buildContainer({
      runtime: 'podman',
      summary: { Id: 'aa11', Names: ['/loner'] },
      nowMs: NOW,
    });
    expect(plain?.podman).toBeUndefined();
  });

  it('reads docker-compose labels on Podman too, and never adds a podman block for Docker', () => {
    const summary = {
      Id: 'b2',
      Labels: { 'com.docker.compose.project': 'p', 'com.docker.compose.service': 's' },
    };
    expect(buildContainer({ runtime: 'podman', summary, nowMs: NOW })?.podman).toEqual({
      composeProject: 'p',
      composeService: 's',
    });
    expect(buildContainer({ runtime: 'docker', summary, nowMs: NOW })?.podman).toBeUndefined();
  });
});

describe('healthcheckTargets', () => {
  it('lists the URLs the health check command probes', () => {
    expect(healthcheckTargets(['CMD', 'wget', '-q', '--spider', 'https://127.0.0.1:8443/ready'])).toEqual([
      'https://127.0.0.1:8443/ready',
    ]);
    expect(healthcheckTargets(['CMD-SHELL', "curl -f 'http://localhost:3000/api/health' || exit 1"])).toEqual(
      ['http://localhost:3000/api/health'],
    );
  });

  it('is empty without URLs, for NONE and for no health check', () => {
    expect(healthcheckTargets(['CMD-SHELL', 'pg_isready -U postgres'])).toEqual([]);
    expect(healthcheckTargets(['NONE'])).toEqual([]);
    expect(healthcheckTargets(undefined)).toEqual([]);
  });
});

describe('digestFromRepoDigests', () => {
  const digests = ['mirror.example.com/shop/web@sha256:1111', 'registry.example.com/shop/web@sha256:2222'];

  it("picks the digest of the container's repository, else the first", () => {
    expect(digestFromRepoDigests(digests, 'registry.example.com/shop/web:2.4')).toBe('sha256:2222');
    expect(digestFromRepoDigests(digests, 'other/image:1')).toBe('sha256:1111');
    expect(digestFromRepoDigests(digests, 'localhost:5000/web')).toBe('sha256:1111');
  });

  it('is undefined for local images (none, or the old <none>@<none>)', () => {
    expect(digestFromRepoDigests(null, 'x')).toBeUndefined();
    expect(digestFromRepoDigests(['<none>@<none>'], 'x')).toBeUndefined();
  });
});

describe('sizesFromSummary', () => {
  it('reads SizeRw and SizeRootFs, SizeRw left out meaning 0', () => {
    expect(sizesFromSummary({ SizeRw: 5, SizeRootFs: 10 })).toEqual({
      writableLayerBytes: 5,
      rootFilesystemBytes: 10,
    });
    expect(sizesFromSummary({ SizeRootFs: 10 })).toEqual({ writableLayerBytes: 0, rootFilesystemBytes: 10 });
  });

  it('is undefined for a list asked without size', () => {
    expect(sizesFromSummary({ Id: 'x' })).toBeUndefined();
  });
});

describe('buildContainer within the report schema caps', () => {
  it('cuts long strings, big env lists and port ranges so the server takes the container', () => {
    const base = first(summaries('docker-list.json'));
    const details = inspect('docker-inspect.json');
    const config = obj<Record<string, unknown>>(details?.Config) ?? {};
    const c = buildContainer({
      runtime: 'docker',
      summary: {
        ...base,
        Names: [`/${'n'.repeat(400)}`],
        Status: `Up ${'s'.repeat(5000)}`,
        Labels: { [`k${'x'.repeat(300)}`]: 'dropped', note: 'v'.repeat(6000) },
        Ports: Array.from({ length: 5000 }, (_, i) => ({ PrivatePort: 1 + i, Type: 'tcp' })),
      },
      inspect: {
        ...details,
        Config: { ...config, Env: Array.from({ length: 700 }, (_, i) => `VAR_${i}=${'e'.repeat(5000)}`) },
      },
      nowMs: NOW,
    });
    const parsed = DockerContainer.safeParse(c);
    expect(parsed.error?.issues ?? []).toEqual([]);
    expect(c?.env).toHaveLength(512);
    expect(c?.ports).toHaveLength(4096);
    expect(Object.keys(c?.labels ?? {})).toEqual(['note']);
  });
});

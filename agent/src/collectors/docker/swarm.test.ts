import { DockerConfig, DockerSecret, DockerService, DockerSwarmNode, DockerTask } from '@pulse/shared';
import { describe, expect, it } from 'vitest';
import type { EngineInfo } from './engine.ts';
import { fixture } from './fixtures/fixture.ts';
import { hostInfo } from './host-info.ts';
import { obj } from './json.ts';
import { configs, isSwarmManager, nodes, secrets, services, swarmInfo, tasks } from './swarm.ts';

const info = (name: string): EngineInfo => {
  const v = obj<EngineInfo>(fixture(name));
  if (v === undefined) throw new Error(`${name} is not an object`);
  return v;
};

describe('swarmInfo and the host block', () => {
  it("reads a manager's Swarm state and the host facts from /info", () => {
    const docker = info('docker-info.json');
    expect(isSwarmManager(docker.Swarm)).toBe(true);
    expect(hostInfo(docker, 'docker', '27.3.1')).toEqual({
      name: 'node-a',
      os: 'Ubuntu 24.04.1 LTS',
      runtime: 'docker',
      runtimeVersion: '27.3.1',
      dockerVersion: '27.3.1',
      kernelVersion: '6.8.0-45-generic',
      architecture: 'x86_64',
      totalCpu: 4,
      totalMemoryBytes: 16777216000,
      swarm: {
        nodeId: 'n0de1d0000000000000000001',
        nodeRole: 'manager',
        localState: 'active',
        controlAvailable: true,
        clusterId: 'c1usterid00000000000000001',
        clusterName: 'default',
        scope: 'swarm',
      },
      security: { authorizationPlugins: ['opa-docker-authz'] },
    });
  });

  it("leaves Podman's compatibility Swarm block out", () => {
    const podman = info('podman-info.json');
    expect(isSwarmManager(podman.Swarm)).toBe(false);
    expect(hostInfo(podman, 'podman', '5.2.3')).toMatchObject({
      os: 'fedora',
      runtime: 'podman',
      totalCpu: 2,
    });
    expect(hostInfo(podman, 'podman', '5.2.3').swarm).toBeUndefined();
    expect(swarmInfo(podman.Swarm)).toEqual({
      localState: 'inactive',
      controlAvailable: false,
      scope: 'local',
    });
  });

  it('treats NCPU and MemTotal of 0 as unknown', () => {
    expect(hostInfo({ NCPU: 0, MemTotal: 0 }, 'docker', '1')).toMatchObject({
      totalCpu: undefined,
      totalMemoryBytes: undefined,
    });
  });
});

describe('Swarm lists', () => {
  const svc = services(fixture('swarm-services.json'));
  const nodeList = nodes(fixture('swarm-nodes.json'));

  it('maps services with stack, mode, task counts, ports and update status', () => {
    expect(svc[0]).toEqual({
      id: 'svc0000000000000000000001',
      name: 'shop_web',
      stack: 'shop',
      image:
        'registry.example.com/shop/web:2.4@sha256:aa11bb22cc33dd44ee55ff6600112233445566778899aabbccddeeff00112233',
      mode: 'replicated',
      desiredTasks: 3,
      runningTasks: 2,
      completedTasks: 0,
      labels: {
        'com.docker.stack.namespace': 'shop',
        'com.docker.stack.image': 'registry.example.com/shop/web:2.4',
      },
      endpointPorts: [
        { name: 'http', protocol: 'tcp', targetPort: 80, publishedPort: 8080, publishMode: 'ingress' },
      ],
      updateStatus: { state: 'completed', message: 'update completed', completedAt: '2026-03-10T12:00:00Z' },
      createdAt: '2026-03-01T12:00:00.5Z',
      updatedAt: '2026-03-10T12:00:00Z',
    });
    expect(svc[1]).toMatchObject({ name: 'node-exporter', mode: 'global' });
    expect(svc[1]?.desiredTasks).toBeUndefined();
    expect(svc[2]).toMatchObject({ mode: 'replicated-job', completedTasks: 1 });
    for (const s of svc) expect(DockerService.parse(s)).toBeTruthy();
    expect(JSON.stringify(svc)).not.toContain('not-read');
  });

  it('maps tasks with service and node names and the container name dockerd gives them', () => {
    const list = tasks(
      fixture('swarm-tasks.json'),
      new Map(svc.map((s) => [s.id, s.name])),
      new Map(nodeList.map((n) => [n.id, n.hostname ?? ''])),
    );
    expect(list[0]).toEqual({
      id: 'task00000000000000000000a',
      serviceId: 'svc0000000000000000000001',
      serviceName: 'shop_web',
      slot: 1,
      nodeId: 'n0de1d0000000000000000001',
      nodeName: 'node-a',
      desiredState: 'running',
      currentState: 'running',
      message: 'started',
      containerId: '3f9a1c6e5b7d4e2f8a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f',
      containerName: 'shop_web.1.task00000000000000000000a',
      createdAt: '2026-03-10T12:00:00Z',
      updatedAt: '2026-03-10T12:00:05Z',
      startedAt: '2026-03-10T12:00:04.75Z',
    });
    expect(list[1]).toMatchObject({
      currentState: 'failed',
      error: 'task: non-zero exit (1)',
      completedAt: '2026-03-10T12:01:00Z',
      nodeName: 'node-b',
    });
    expect(list[1]?.startedAt).toBeUndefined();
    // A pending task of a global service has no container yet.
    expect(list[2]).toMatchObject({ serviceName: 'node-exporter', currentState: 'pending' });
    expect(list[2]?.containerName).toBeUndefined();
    for (const t of list) expect(DockerTask.parse(t)).toBeTruthy();
  });

  it('maps nodes with role, availability, manager status and resources', () => {
    expect(nodeList[0]).toEqual({
      id: 'n0de1d0000000000000000001',
      hostname: 'node-a',
      role: 'manager',
      availability: 'active',
      state: 'ready',
      address: '10.0.0.11',
      managerReachability: 'reachable',
      managerAddress: '10.0.0.11:2377',
      leader: true,
      engineVersion: '27.3.1',
      os: 'linux',
      architecture: 'x86_64',
      nanoCpus: 4000000000,
      memoryBytes: 16777216000,
      labels: { zone: 'a' },
      engineLabels: { storage: 'ssd' },
      createdAt: '2026-01-05T10:00:00Z',
      updatedAt: '2026-03-14T09:00:00Z',
    });
    expect(nodeList[1]).toMatchObject({ availability: 'drain', state: 'down', message: 'heartbeat failure' });
    for (const n of nodeList) expect(DockerSwarmNode.parse(n)).toBeTruthy();
  });

  it('maps secret and config metadata and never a payload', () => {
    const s = secrets(fixture('swarm-secrets.json'));
    const c = configs(fixture('swarm-configs.json'));
    expect(s).toEqual([
      {
        id: 'sec000000000000000000001',
        name: 'db_password',
        labels: { app: 'shop' },
        driverName: 'vault',
        templatingDriver: 'golang',
        createdAt: '2026-03-01T12:00:00Z',
        updatedAt: '2026-03-01T12:00:00Z',
      },
    ]);
    expect(c).toEqual([
      {
        id: 'cfg000000000000000000001',
        name: 'nginx_conf',
        createdAt: '2026-03-01T12:00:00Z',
        updatedAt: '2026-03-02T12:00:00Z',
      },
    ]);
    expect(JSON.stringify(c)).not.toContain('c2VydmVy');
    for (const x of s) expect(DockerSecret.parse(x)).toBeTruthy();
    for (const x of c) expect(DockerConfig.parse(x)).toBeTruthy();
  });
});

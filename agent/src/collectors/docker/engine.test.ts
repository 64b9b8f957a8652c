import { afterEach, describe, expect, it } from 'vitest';
import { connectEngine, detectRuntime, type Endpoint, endpointAddress, resolveEndpoints } from './engine.ts';
import {
  type FakeEngine,
  type FakeRoutes,
  removeFakeEngine,
  startFakeEngine,
} from './fixtures/fake-engine.ts';
import { fixture } from './fixtures/fixture.ts';
import { obj, type View } from './json.ts';

const addresses = (endpoints: Endpoint[]) => endpoints.map((e) => `${endpointAddress(e)} ${e.source}`);

describe('resolveEndpoints', () => {
  const env = {
    DOCKER_HOST: 'unix:///srv/docker.sock',
    CONTAINER_HOST: 'unix:///run/user/1000/podman/podman.sock',
    PODMAN_HOST: 'tcp://podman.lan:8888',
    XDG_RUNTIME_DIR: '/run/user/1000',
  };

  it('auto: every candidate in order, duplicates once', () => {
    expect(addresses(resolveEndpoints('auto', env))).toEqual([
      'unix:///srv/docker.sock DOCKER_HOST',
      'unix:///run/user/1000/podman/podman.sock CONTAINER_HOST',
      'tcp://podman.lan:8888 PODMAN_HOST',
      'unix:///var/run/docker.sock rootful Docker socket',
      'unix:///run/podman/podman.sock rootful Podman socket',
      'unix:///run/user/1000/docker.sock rootless Docker socket',
    ]);
    expect(
      resolveEndpoints('auto', env).every((e) => e.kind === 'unsupported' || e.expect === undefined),
    ).toBe(true);
  });

  it("docker: DOCKER_HOST and Docker's sockets, each expecting Docker", () => {
    const endpoints = resolveEndpoints('docker', env);
    expect(addresses(endpoints)).toEqual([
      'unix:///srv/docker.sock DOCKER_HOST',
      'unix:///var/run/docker.sock rootful Docker socket',
      'unix:///run/user/1000/docker.sock rootless Docker socket',
    ]);
    expect(endpoints.map((e) => (e.kind === 'unsupported' ? undefined : e.expect))).toEqual([
      'docker',
      'docker',
      'docker',
    ]);
  });

  it("podman: DOCKER_HOST (compose users point it at podman.sock) and Podman's candidates", () => {
    expect(addresses(resolveEndpoints('podman', { ...env, DOCKER_HOST: '' }))).toEqual([
      'unix:///run/user/1000/podman/podman.sock CONTAINER_HOST',
      'tcp://podman.lan:8888 PODMAN_HOST',
      'unix:///run/podman/podman.sock rootful Podman socket',
    ]);
  });

  it('without environment: the rootful sockets only', () => {
    expect(addresses(resolveEndpoints('auto', {}))).toEqual([
      'unix:///var/run/docker.sock rootful Docker socket',
      'unix:///run/podman/podman.sock rootful Podman socket',
    ]);
  });

  it('reads tcp addresses as the Docker CLI does: default ports, TLS by port, scheme or DOCKER_TLS_VERIFY', () => {
    const [plain] = resolveEndpoints('docker', { DOCKER_HOST: 'tcp://10.0.0.5' });
    expect(plain).toEqual({
      kind: 'tcp',
      host: '10.0.0.5',
      port: 2375,
      source: 'DOCKER_HOST',
      expect: 'docker',
    });
    const [bare] = resolveEndpoints('docker', { DOCKER_HOST: 'docker.lan:2376', HOME: '/home/ops' });
    expect(bare).toMatchObject({ host: 'docker.lan', port: 2376, tls: { certDir: '/home/ops/.docker' } });
    const [verify] = resolveEndpoints('docker', {
      DOCKER_HOST: 'tcp://docker.lan:2375',
      DOCKER_TLS_VERIFY: '1',
      DOCKER_CERT_PATH: '/etc/pulse/docker-certs',
    });
    expect(verify).toMatchObject({ port: 2375, tls: { certDir: '/etc/pulse/docker-certs' } });
  });

  it('keeps addresses it cannot use, with why, so the unavailable reason names them', () => {
    const endpoints = resolveEndpoints('auto', {
      DOCKER_HOST: 'ssh://ops@docker.lan',
      CONTAINER_HOST: 'unix://relative',
    });
    expect(endpoints.slice(0, 2)).toEqual([
      {
        kind: 'unsupported',
        address: 'ssh://ops@docker.lan',
        source: 'DOCKER_HOST',
        why: 'ssh:// is not supported; expose the engine on a unix socket or tcp://',
      },
      {
        kind: 'unsupported',
        address: 'unix://relative',
        source: 'CONTAINER_HOST',
        why: 'a unix:// address needs an absolute path',
      },
    ]);
  });
});

describe('detectRuntime', () => {
  const version = (name: string) => obj<View<'Version' | 'Components' | 'Platform'>>(fixture(name)) ?? {};

  it('recognises Podman by its "Podman Engine" component and Docker otherwise', () => {
    expect(detectRuntime(version('podman-version.json'))).toBe('podman');
    expect(detectRuntime(version('docker-version.json'))).toBe('docker');
    expect(detectRuntime({ Platform: { Name: 'Podman Desktop' } })).toBe('podman');
  });
});

describe('connectEngine', () => {
  let engines: FakeEngine[] = [];
  afterEach(async () => {
    for (const e of engines) {
      await e.close();
      removeFakeEngine(e);
    }
    engines = [];
  });

  async function fake(
    version: string,
    info: string,
    extra: FakeRoutes = () => undefined,
  ): Promise<FakeEngine> {
    const engine = await startFakeEngine((url) => {
      const own = extra(url);
      if (own !== undefined) return own;
      if (url.pathname === '/_ping') return { body: 'OK' };
      if (url.pathname === '/version') return { body: fixture(version) };
      if (url.pathname === '/info') return { body: fixture(info) };
      return undefined;
    });
    engines.push(engine);
    return engine;
  }
  const unix = (socketPath: string, expect?: 'docker' | 'podman'): Endpoint => ({
    kind: 'unix',
    socketPath,
    source: 'test',
    ...(expect ? { expect } : {}),
  });

  it("connects to Docker and reports dockerd's version and /info", async () => {
    const engine = await fake('docker-version.json', 'docker-info.json');
    const c = await connectEngine([unix(engine.socketPath)]);
    if (!c.ok) throw new Error(c.reason);
    expect({ runtime: c.runtime, version: c.version, address: c.address }).toEqual({
      runtime: 'docker',
      version: '27.3.1',
      address: `unix://${engine.socketPath}`,
    });
    expect(c.info.Name).toBe('node-a');
  });

  it('recognises Podman and reports its own version', async () => {
    const engine = await fake('podman-version.json', 'podman-info.json');
    const c = await connectEngine([unix(engine.socketPath, 'podman')]);
    if (!c.ok) throw new Error(c.reason);
    expect([c.runtime, c.version]).toEqual(['podman', '5.2.3']);
  });

  it('skips an engine of the other kind and goes on to the next endpoint', async () => {
    const docker = await fake('docker-version.json', 'docker-info.json');
    const podman = await fake('podman-version.json', 'podman-info.json');
    const c = await connectEngine([unix(docker.socketPath, 'podman'), unix(podman.socketPath, 'podman')]);
    if (!c.ok) throw new Error(c.reason);
    expect(c.address).toBe(`unix://${podman.socketPath}`);
    const none = await connectEngine([unix(docker.socketPath, 'podman')]);
    expect(none).toEqual({
      ok: false,
      reason: `no container engine answered; tried unix://${docker.socketPath} (test): is docker, not podman`,
    });
  });

  it('says why each address failed: missing socket, no answer in time, not the Engine API', async () => {
    const hung = await fake('docker-version.json', 'docker-info.json', (url) =>
      url.pathname === '/_ping' ? { hang: true } : undefined,
    );
    const web = await fake('docker-version.json', 'docker-info.json', (url) =>
      url.pathname === '/version' ? { body: 'not json' } : undefined,
    );
    const c = await connectEngine(
      [unix('/nonexistent/pulse/docker.sock'), unix(hung.socketPath), unix(web.socketPath)],
      300,
    );
    expect(c.ok).toBe(false);
    if (c.ok) return;
    expect(c.reason).toBe(
      'no container engine answered; tried ' +
        'unix:///nonexistent/pulse/docker.sock (test): no such socket; ' +
        `unix://${hung.socketPath} (test): no answer within 300 ms; ` +
        `unix://${web.socketPath} (test): answered, but not with the Docker Engine API`,
    );
  });

  it('is unavailable, not an error, with nothing to try', async () => {
    expect(await connectEngine([])).toEqual({ ok: false, reason: 'no container engine endpoint to try' });
  });
});

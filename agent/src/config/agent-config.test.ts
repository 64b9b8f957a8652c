import { describe, expect, it } from 'vitest';
import { type AgentFlags, type ConfigSources, resolveConfig } from './agent-config.ts';
import { ConfigError, parseBool, parseDuration, parseListen } from './parse.ts';

function sources(
  env: Record<string, string> = {},
  files: Record<string, string> = {},
  programs: string[] = [],
): ConfigSources {
  return { env, platform: 'linux', readFile: (p) => files[p], hasProgram: (n) => programs.includes(n) };
}

const resolve = (flags: AgentFlags, src = sources()) => resolveConfig(flags, src, { tokenRequired: true });

describe('value parsers', () => {
  it('reads Go durations and bare seconds', () => {
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('1m30s')).toBe(90_000);
    expect(parseDuration('1h')).toBe(3_600_000);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('45')).toBe(45_000);
    expect(parseDuration('1.5s')).toBe(1_500);
    for (const bad of ['', 's', '5x', '-5s', '1m 30s', '10 s'])
      expect(parseDuration(bad), bad).toBeUndefined();
  });

  it('reads booleans the way the original does', () => {
    for (const t of ['1', 'true', 'TRUE', 'yes', 'on']) expect(parseBool(t)).toBe(true);
    for (const f of ['0', 'false', 'no', 'off']) expect(parseBool(f)).toBe(false);
    expect(parseBool('maybe')).toBeUndefined();
  });

  it('reads listen addresses and the words that turn the health server off', () => {
    expect(parseListen('127.0.0.1:9191')).toEqual({ host: '127.0.0.1', port: 9191 });
    expect(parseListen(':9000')).toEqual({ host: '127.0.0.1', port: 9000 });
    expect(parseListen('[::1]:9191')).toEqual({ host: '::1', port: 9191 });
    for (const off of ['off', 'none', 'disabled', '']) expect(parseListen(off)).toBeNull();
    expect(parseListen('9191')).toBeUndefined();
    expect(parseListen('host:99999')).toBeUndefined();
  });
});

describe('resolveConfig', () => {
  it('applies the defaults of the reference', () => {
    const c = resolve({ token: 't' });
    expect(c).toMatchObject({
      url: 'http://localhost:7655',
      intervalMs: 30_000,
      enableHost: true,
      enableDocker: false,
      enableKubernetes: false,
      insecure: false,
      stateDir: '/var/lib/pulse-agent',
      agentIdFile: '/var/lib/pulse-agent/agent-id',
      health: { host: '127.0.0.1', port: 9191 },
      logLevel: 'info',
      tags: [],
    });
  });

  it('puts %ProgramData%\\Pulse as the state dir on Windows', () => {
    const c = resolveConfig(
      { token: 't' },
      {
        env: { ProgramData: 'D:\\Data' },
        platform: 'win32',
        readFile: () => undefined,
        hasProgram: () => false,
      },
      { tokenRequired: true },
    );
    expect(c.stateDir).toMatch(/^D:\\Data.Pulse$/);
  });

  it('prefers flags over the environment', () => {
    const env = {
      PULSE_URL: 'http://env:1/',
      PULSE_INTERVAL: '10s',
      PULSE_TOKEN: 'envtok',
      PULSE_ENABLE_HOST: 'false',
    };
    const c = resolve(
      { url: 'https://flag:7655/', interval: '1m', token: 'flagtok', enableHost: 'true' },
      sources(env),
    );
    expect(c).toMatchObject({
      url: 'https://flag:7655',
      intervalMs: 60_000,
      token: 'flagtok',
      enableHost: true,
    });
    const e = resolve({}, sources(env));
    expect(e).toMatchObject({ url: 'http://env:1', intervalMs: 10_000, token: 'envtok', enableHost: false });
  });

  it('resolves the token: --token > --token-file > PULSE_TOKEN > <state-dir>/token', () => {
    const files = { '/tmp/tok': ' filetok \n', '/var/lib/pulse-agent/token': 'statetok\n' };
    expect(resolve({ tokenFile: '/tmp/tok' }, sources({ PULSE_TOKEN: 'env' }, files)).token).toBe('filetok');
    expect(resolve({}, sources({ PULSE_TOKEN: 'env' }, files)).token).toBe('env');
    expect(resolve({}, sources({}, files)).token).toBe('statetok');
  });

  it('appends repeatable flags to the environment lists, without duplicates', () => {
    const c = resolve(
      { token: 't', tag: ['b', 'c'], diskExclude: ['nvme*'] },
      sources({ PULSE_TAGS: 'a, b,,', PULSE_DISK_EXCLUDE: '*cache*' }),
    );
    expect(c.tags).toEqual(['a', 'b', 'c']);
    expect(c.diskExclude).toEqual(['*cache*', 'nvme*']);
  });

  it('turns the health server off with "off"', () => {
    expect(resolve({ token: 't', healthAddr: 'off' }).health).toBeNull();
    expect(resolve({ token: 't' }, sources({ PULSE_HEALTH_ADDR: 'disabled' })).health).toBeNull();
  });

  it.each([
    [{ interval: '5x' }, /--interval '5x'.*30s, 1m/],
    [{ interval: '500ms' }, /--interval '500ms'.*at least 1s/],
    [{ url: 'ftp://x' }, /--url 'ftp:\/\/x'.*http/],
    [{ url: 'not a url' }, /--url 'not a url'/],
    [{ enableDocker: 'perhaps' }, /--enable-docker 'perhaps'.*true or false/],
    [{ healthAddr: 'localhost' }, /--health-addr 'localhost'.*host:port/],
    [{ logLevel: 'loud' }, /--log-level 'loud'.*debug, info/],
    [{ cacert: '/nope.pem' }, /--cacert '\/nope.pem'.*cannot be read/],
  ] as Array<[AgentFlags, RegExp]>)('names the flag and the accepted form for %j', (flags, message) => {
    expect(() => resolve({ token: 't', ...flags })).toThrow(ConfigError);
    expect(() => resolve({ token: 't', ...flags })).toThrow(message);
  });

  it('names an unreadable --token-file', () => {
    expect(() => resolve({ tokenFile: '/nope' })).toThrow(/--token-file '\/nope'.*cannot be read/);
  });

  it('turns Docker on when a docker or podman binary exists, unless told either way', () => {
    expect(resolve({ token: 't' }, sources({}, {}, ['podman']))).toMatchObject({
      enableDocker: true,
      dockerAutoDetected: true,
    });
    expect(resolve({ token: 't' }, sources({}, {}, []))).toMatchObject({
      enableDocker: false,
      dockerAutoDetected: false,
    });
    // An explicit false is a privacy boundary: a binary on PATH does not override it.
    expect(resolve({ token: 't', enableDocker: 'false' }, sources({}, {}, ['docker'])).enableDocker).toBe(
      false,
    );
    expect(
      resolve({ token: 't' }, sources({ PULSE_ENABLE_DOCKER: 'false' }, {}, ['docker'])).enableDocker,
    ).toBe(false);
    expect(resolve({ token: 't', enableDocker: true }, sources())).toMatchObject({
      enableDocker: true,
      dockerAutoDetected: false,
    });
  });

  it('reads the Docker runtime and the Kubernetes options', () => {
    const c = resolve(
      {
        token: 't',
        dockerRuntime: 'Podman',
        kubeIncludeNamespace: ['media'],
        kubeIncludeAllPods: true,
        kubeMaxPods: '50',
      },
      sources({
        PULSE_KUBE_EXCLUDE_NAMESPACES: 'kube-system',
        PULSE_KUBECONFIG: '/k.yaml',
        PULSE_KUBE_CONTEXT: 'home',
      }),
    );
    expect(c).toMatchObject({
      dockerRuntime: 'podman',
      kubeconfig: '/k.yaml',
      kubeContext: 'home',
      kubeIncludeNamespaces: ['media'],
      kubeExcludeNamespaces: ['kube-system'],
      kubeIncludeAllPods: true,
      kubeIncludeAllDeployments: false,
      kubeMaxPods: 50,
    });
    expect(() => resolve({ token: 't', dockerRuntime: 'lxc' })).toThrow(
      /--docker-runtime 'lxc'.*auto, docker or podman/,
    );
    expect(() => resolve({ token: 't', kubeMaxPods: '0' })).toThrow(/--kube-max-pods '0'/);
  });

  it('requires a token unless told not to', () => {
    expect(() => resolve({})).toThrow(/missing --token/);
    expect(resolveConfig({}, sources(), { tokenRequired: false }).token).toBe('');
  });
});

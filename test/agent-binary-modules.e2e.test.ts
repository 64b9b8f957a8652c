// The modules the build keeps out of the agent's main script (Docker, Kubernetes, systeminformation): the
// single executable loads them from its embedded assets with nothing beside it, and the plain bundle from
// the files beside itself.
import { execFile, execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DockerReport, KubernetesReport } from '@pulse/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeEngine, startFakeEngine } from '../agent/src/collectors/docker/fixtures/fake-engine.ts';
import { fixture } from '../agent/src/collectors/docker/fixtures/fixture.ts';
import { defaultFixtures } from './k8s-sim/fixtures.ts';
import { type KubeSim, startKubeSim } from './k8s-sim/server.ts';

const ROOT = new URL('..', import.meta.url).pathname;
const onLinuxX64 = process.platform === 'linux' && process.arch === 'x64';
let build: string;
let alone: string;
let engine: FakeEngine;
let sim: KubeSim;

beforeAll(async () => {
  build = mkdtempSync(join(tmpdir(), 'pulse-agent-build-'));
  alone = mkdtempSync(join(tmpdir(), 'pulse-agent-alone-'));
  const routes: Record<string, unknown> = {
    '/_ping': 'OK',
    '/version': fixture('docker-version.json'),
    '/info': fixture('docker-info.json'),
    '/containers/json': fixture('docker-list.json'),
    '/images/json': fixture('docker-images.json'),
    '/volumes': fixture('docker-volumes.json'),
    '/networks': fixture('docker-networks.json'),
    '/system/df': fixture('docker-df.json'),
  };
  engine = await startFakeEngine((url) => {
    if (url.pathname in routes) return { body: routes[url.pathname] };
    if (/^\/containers\/[^/]+\/json$/.test(url.pathname)) return { body: fixture('docker-inspect.json') };
    if (/^\/containers\/[^/]+\/stats$/.test(url.pathname)) return { body: fixture('docker-v2-stats.json') };
    return undefined;
  });
  sim = await startKubeSim({ fixtures: defaultFixtures(), tls: true, token: 'sim-token' });
  if (onLinuxX64) {
    execFileSync(process.execPath, [join(ROOT, 'scripts/build-agent.ts'), '--out', build, 'linux-amd64'], {
      stdio: 'ignore',
    });
    copyFileSync(join(build, 'pulse-agent-linux-amd64'), join(alone, 'pulse-agent'));
  }
}, 180_000);

afterAll(async () => {
  await engine?.close();
  await sim?.stop();
  rmSync(build, { recursive: true, force: true });
  rmSync(alone, { recursive: true, force: true });
});

/** `--dry-run` of one module: the report it would send, parsed. */
function dryRun(cmd: string, args: string[], module: string[]): Promise<unknown> {
  const argv = [
    ...args,
    ...['--dry-run', '--log-level', 'error', '--enable-host', 'false', '--state-dir', join(alone, 'state')],
    ...module,
  ];
  return new Promise((resolve, reject) => {
    execFile(
      cmd,
      argv,
      { env: { PATH: '/nonexistent', DOCKER_HOST: `unix://${engine.socketPath}` }, timeout: 60_000 },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`${cmd} ${argv.join(' ')}: ${err.message}\n${stderr}`));
        try {
          resolve(JSON.parse(stdout));
        } catch {
          reject(new Error(`${cmd} ${argv.join(' ')} printed no JSON report:\n${stdout}\n${stderr}`));
        }
      },
    );
  });
}

const docker = ['--enable-docker', 'true', '--docker-runtime', 'docker'];
const kubernetes = () => [
  '--enable-docker',
  'false',
  '--enable-kubernetes',
  '--kubeconfig',
  sim.kubeconfigPath,
];

describe.runIf(onLinuxX64)('pulse-agent modules loaded on demand', () => {
  it('the single executable loads the Docker and Kubernetes modules from its own assets', async () => {
    const exe = join(alone, 'pulse-agent');
    const d = DockerReport.parse(await dryRun(exe, [], docker));
    expect(d.host.runtime).toBe('docker');
    expect(d.containers.length).toBeGreaterThan(0);
    const k = KubernetesReport.parse(await dryRun(exe, [], kubernetes()));
    expect(k.cluster.name).toBe('sim-homelab');
    expect(k.nodes?.length).toBe(3);
  }, 120_000);

  it('the plain bundle loads them from the files beside it', async () => {
    const main = join(build, 'pulse-agent.cjs');
    const d = DockerReport.parse(await dryRun(process.execPath, [main], docker));
    expect(d.containers.length).toBeGreaterThan(0);
    const k = KubernetesReport.parse(await dryRun(process.execPath, [main], kubernetes()));
    expect(k.cluster.name).toBe('sim-homelab');
  }, 120_000);
});

// pulse-agent --enable-kubernetes against the Kubernetes API simulator and the real server.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ResourceListResponse, StateResponse } from '@pulse/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultFixtures } from './k8s-sim/fixtures.ts';
import { type KubeSim, startKubeSim } from './k8s-sim/server.ts';
import { type AgentProcess, startAgent } from './support/agent-process.ts';
import { type ServerProcess, startServer } from './support/server-process.ts';

const token = randomBytes(32).toString('hex');
let sim: KubeSim;
let server: ServerProcess;
let agent: AgentProcess;
let stateDir: string;

beforeAll(async () => {
  sim = await startKubeSim({ fixtures: defaultFixtures(), tls: true, token: 'sim-token' });
  server = await startServer({ env: { API_TOKENS: token } });
  stateDir = mkdtempSync(join(tmpdir(), 'pulse-k8s-agent-'));
  agent = startAgent([
    ...['--url', server.url, '--token', token, '--enable-host', 'false', '--enable-docker', 'false'],
    ...['--enable-kubernetes', '--kubeconfig', sim.kubeconfigPath, '--interval', '2s'],
    ...['--state-dir', stateDir, '--health-addr', 'off'],
  ]);
}, 60_000);

afterAll(async () => {
  await agent?.stop();
  await server?.stop();
  server?.cleanup();
  await sim?.stop();
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
});

const api = async (path: string) =>
  (await fetch(`${server.url}${path}`, { headers: { 'X-API-Token': token } })).json();

describe('pulse-agent --enable-kubernetes', () => {
  it('lands nodes, problem pods, deployments and cluster status in the state and resources', async () => {
    let state = StateResponse.parse(await api('/api/state'));
    const end = Date.now() + 30_000;
    while (state.kubernetesClusters.length === 0 && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 250));
      state = StateResponse.parse(await api('/api/state'));
    }
    const cluster = state.kubernetesClusters[0];
    expect(cluster).toMatchObject({ status: 'online', name: 'sim-homelab' });
    expect(cluster?.nodes.map((n) => [n.name, n.ready]).sort()).toEqual([
      ['k8s-cp-1', true],
      ['k8s-w-1', true],
      ['k8s-w-2', false],
    ]);
    // Only problem pods are reported by default: crash loop, unschedulable, init image pull, failed job,
    // and the pod on the unreachable node.
    const pods = (cluster?.pods ?? []).map((p) => `${p.name}:${p.phase}:${p.reason ?? ''}`).sort();
    expect(pods).toHaveLength(5);
    expect(pods.join(' ')).toMatch(/sonarr-[^ ]*:Running:CrashLoopBackOff/);
    expect(pods.join(' ')).toMatch(/homepage-[^ ]*:Pending:Unschedulable/);
    expect(pods.join(' ')).toMatch(/:Failed:/);
    expect(defaultFixtures().pods.length).toBeGreaterThan(pods.length);
    expect(cluster?.deployments.map((d) => d.name).sort()).toEqual(['homepage', 'sonarr']);

    const resources = ResourceListResponse.parse(await api('/api/resources?source=kubernetes&limit=100'));
    const types = resources.aggregations.byType;
    expect(types['k8s-cluster']).toBe(1);
    expect(types['k8s-node']).toBe(3);
    expect(types.pod).toBe(cluster?.pods.length);
    expect(types['k8s-deployment']).toBe(2);
    expect(resources.data.find((r) => r.type === 'k8s-cluster')?.status).toBe('warning');
    expect(resources.data.find((r) => r.name === 'k8s-w-2')?.status).toBe('offline');
  });
});

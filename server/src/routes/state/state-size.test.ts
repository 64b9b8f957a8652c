// The size of GET /api/state against what agents actually sent: twenty small gzip reports built to make
// the answer as large as the report schemas allow (long names, many addresses, many small items).
import { createHash } from 'node:crypto';
import { type DockerReport, type KubernetesReport, type Scope, StateResponse } from '@pulse/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dockerReport, kubernetesReport } from '../../../testing/container-reports.ts';
import { FakeClock, type Harness, makeHarness } from '../../../testing/harness.ts';
import { postReport, reportFor } from '../../../testing/reports.ts';

let h: Harness;
let clock: FakeClock;

beforeEach(async () => {
  clock = new FakeClock(Date.parse('2026-11-22T10:00:00Z'));
  h = await makeHarness({ clock });
});
afterEach(() => h.close());

const hex = (seed: string) => createHash('sha256').update(seed).digest('hex');
/** A name of `length` characters, different per seed, so that nothing dedupes it away. */
const longName = (seed: string, length = 200) => `${seed}-${'n'.repeat(length)}`.slice(0, length);

function bigDockerReport(index: number): DockerReport {
  const report = dockerReport();
  const [template] = report.containers;
  if (!template) throw new Error('the fixture has containers');
  report.agent.id = `docker-agent-${index}`;
  report.host.hostname = longName(`dock-${index}`);
  report.host.name = longName(`display-${index}`);
  report.host.machineId = hex(`docker-machine-${index}`).slice(0, 32);
  report.timestamp = new Date(clock.now()).toISOString();
  report.containers = Array.from({ length: 400 }, (_, i) => ({
    ...template,
    id: hex(`container-${index}-${i}`),
    name: longName(`c-${index}-${i}`),
    image: longName(`registry.example/image-${i}`),
    networks: Array.from({ length: 4 }, (_, n) => ({
      name: `net-${n}`,
      ipv4: `10.${n}.${index}.${i % 250}`,
      ipv6: `fd00:${n}:${index}::${i.toString(16)}`,
    })),
  }));
  return report;
}

function bigHostReport(index: number) {
  const report = reportFor({ hostname: longName(`host-${index}`), machineId: hex(`host-machine-${index}`) });
  report.timestamp = new Date(clock.now()).toISOString();
  report.network = Array.from({ length: 64 }, (_, n) => ({
    name: `eth${n}`,
    mac: `02:00:00:00:${(n + 16).toString(16)}:${(index + 16).toString(16)}`,
    addresses: [
      `10.${index}.${n}.1/24`,
      `10.${index}.${n}.2/24`,
      `fd00:${index}:${n}::1/64`,
      `fd00:${index}:${n}::2/64`,
    ],
  }));
  report.tags = Array.from({ length: 64 }, (_, t) => longName(`tag-${t}`, 100));
  return report;
}

/** Many small pods under a long cluster name: every pod's resource names its cluster. */
function bigKubernetesReport(index: number): KubernetesReport {
  const report = kubernetesReport();
  report.cluster.id = hex(`cluster-${index}`);
  report.cluster.name = longName(`cluster-${index}`, 16_000);
  report.timestamp = new Date(clock.now()).toISOString();
  report.pods = Array.from({ length: 1000 }, (_, i) => ({
    uid: `uid-${i}`,
    name: `pod-${i}`,
    namespace: 'apps',
  }));
  return report;
}

interface Sent {
  status: number;
  decodedBytes: number;
}

async function send(scope: Scope, path: string, body: unknown, name: string): Promise<Sent> {
  // One token per agent: a token may serve only one Docker host.
  const token = await h.token([scope], name);
  const json = JSON.stringify(body);
  const res = await postReport(h.app, token, json, { path, gzip: true });
  await res.body?.cancel();
  return { status: res.status, decodedBytes: Buffer.byteLength(json) };
}

describe('GET /api/state size against the reports stored', () => {
  it('20 gzip reports give an answer of at most twice their decoded bytes plus 4 KiB per resource', async () => {
    const sent: Array<Sent & { kind: string }> = [];
    for (let i = 0; i < 8; i++) {
      const docker = await send('docker:report', '/api/agents/docker/report', bigDockerReport(i), `d-${i}`);
      const host = await send('agent:report', '/api/agents/host/report', bigHostReport(i), `h-${i}`);
      sent.push({ kind: 'docker', ...docker }, { kind: 'host', ...host });
    }
    for (let i = 0; i < 4; i++) {
      const kube = await send(
        'kubernetes:report',
        '/api/agents/kubernetes/report',
        bigKubernetesReport(i),
        `k-${i}`,
      );
      sent.push({ kind: 'kubernetes', ...kube });
    }
    // Docker and host reports are within every cap; a stricter schema may refuse the long cluster name,
    // which is fine: only what was stored counts.
    expect(sent.filter((s) => s.kind !== 'kubernetes').map((s) => s.status)).toEqual(Array(16).fill(200));
    for (const s of sent) expect([200, 400, 413]).toContain(s.status);
    const stored = sent.filter((s) => s.status === 200).reduce((n, s) => n + s.decodedBytes, 0);

    const res = await h.app.request('/api/state', { headers: { 'X-API-Token': await h.token(['*']) } });
    expect(res.status).toBe(200);
    const text = await res.text();
    const state = StateResponse.parse(JSON.parse(text));
    expect(state.dockerHosts.flatMap((d) => d.containers)).toHaveLength(8 * 400);
    expect(state.hosts).toHaveLength(8);
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(2 * stored + 4 * 1024 * state.resources.length);
  });
});

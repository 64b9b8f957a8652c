// Proxmox polling at scale: the server (the esbuild bundle users run) polls a simulated 30-node VE cluster
// with 1,500 guests (test/pve-sim, HTTPS on loopback).
//
// Figures:
// - poll cycle time: the scheduler's own duration of each PVE poll (GET /api/monitoring/scheduler/health),
//   split into plain cycles and the first (full) one that also reads backups, snapshots, disks and updates;
//   against a baseline measured in the same run: the one big call every cycle makes,
//   GET /cluster/resources?type=vm, timed from this process with undici;
// - server RSS: sampled every 250 ms over the window, against the same server idle before the cluster was
//   added (baseline);
// - GET /api/state with every guest in it: latency p50/p95 (the projection the UI reads).
//
// Prints a table and writes bench/results/proxmox.json. Fails only when the run is not valid (a process does
// not start, the state never holds every guest).
//
// Environment: BENCH_PVE_NODES (30), BENCH_PVE_GUESTS_PER_NODE (50), BENCH_PVE_INTERVAL (poll interval, s, 10),
// BENCH_PVE_CYCLES (cycles in the window, 9), BENCH_STATE_REQUESTS (40).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'undici';
import { startProxmoxSim } from '../test/pve-sim/index.ts';
import { envInt, median, quantile } from './lib/figures.ts';
import { atExit, freePort, rssMiB, startService } from './lib/proc.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RESULTS = join(ROOT, 'bench', 'results', 'proxmox.json');
const RSS_SAMPLE_MS = 250;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface SchedulerHealth {
  instances: {
    instance: string;
    lastSuccess?: string;
    lastDurationMs?: number;
    consecutiveFailures: number;
  }[];
}

export default async function proxmoxBench(): Promise<void> {
  const nodes = envInt('BENCH_PVE_NODES', 30, 1);
  const perNode = envInt('BENCH_PVE_GUESTS_PER_NODE', 50, 1);
  const interval = envInt('BENCH_PVE_INTERVAL', 10, 5);
  const cycles = envInt('BENCH_PVE_CYCLES', 9, 2);
  const stateRequests = envInt('BENCH_STATE_REQUESTS', 40, 5);
  const guests = nodes * perNode;

  console.log('building the server bundle (dist/pulse-server.js)');
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'build-server.ts')], { cwd: ROOT, stdio: 'inherit' });

  console.log(`starting the simulator: ${nodes} nodes, ${guests} guests`);
  const sim = await startProxmoxSim({ nodes, guestsPerNode: perNode, clusterName: 'bench' });
  const scratch = mkdtempSync(join(tmpdir(), 'pulse-bench-pve-'));
  const token = 'bench-admin-token-0123456789abcdef0123456789abcdef';
  const port = await freePort();
  const server = await startService({
    name: 'server',
    args: [join(ROOT, 'dist', 'pulse-server.js')],
    env: {
      PORT: String(port),
      BIND_ADDRESS: '127.0.0.1',
      PULSE_DATA_DIR: join(scratch, 'data'),
      API_TOKENS: token,
      API_TOKEN: '',
      LOG_LEVEL: 'warn',
      PVE_POLLING_INTERVAL: String(interval),
    },
    port,
    healthPath: '/api/health',
  });
  const cleanup = atExit(() => rmSync(scratch, { recursive: true, force: true }));
  const headers = { 'X-API-Token': token, 'Content-Type': 'application/json' };
  const get = async <T>(path: string): Promise<T> =>
    (await (await fetch(`${server.origin}${path}`, { headers })).json()) as T;

  try {
    // Baseline RSS: the same server, idle, before any Proxmox instance exists.
    const idle: number[] = [];
    for (let i = 0; i < 20; i++) {
      const rss = rssMiB(server.pid);
      if (rss !== undefined) idle.push(rss);
      await sleep(RSS_SAMPLE_MS);
    }

    // Baseline call time: the one request every cycle makes, from this process.
    const [first] = sim.pve.endpoints;
    if (!first) throw new Error('the simulator has no endpoint');
    const dispatcher = new Agent({ connect: { rejectUnauthorized: false } });
    const auth = `PVEAPIToken=${sim.credentials.pveToken.tokenName}=${sim.credentials.pveToken.tokenValue}`;
    const rawTimes: number[] = [];
    for (let i = 0; i < 12; i++) {
      const t0 = performance.now();
      const res = await request(`${first.url}/api2/json/cluster/resources?type=vm`, {
        dispatcher,
        headers: { Authorization: auth },
      });
      const body = (await res.body.json()) as { data: unknown[] };
      if (body.data.length !== guests)
        throw new Error(`/cluster/resources listed ${body.data.length} guests`);
      if (i >= 2) rawTimes.push(performance.now() - t0);
    }
    await dispatcher.close();

    const added = await fetch(`${server.origin}/api/config/nodes`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        type: 'pve',
        name: 'bench',
        host: first.url,
        tokenName: sim.credentials.pveToken.tokenName,
        tokenValue: sim.credentials.pveToken.tokenValue,
      }),
    });
    if (added.status !== 201)
      throw new Error(`adding the cluster answered ${added.status}: ${await added.text()}`);

    // Every poll is recorded once, by its lastSuccess time.
    const durations = new Map<string, number>();
    /** Requests the simulator had served when each poll was first seen finished. */
    const served: number[] = [];
    const rss: number[] = [];
    const deadline = Date.now() + (cycles + 3) * interval * 1000 + 30_000;
    while (durations.size < cycles + 1) {
      if (Date.now() > deadline) throw new Error(`only ${durations.size} polls finished in time`);
      const h = await get<SchedulerHealth>('/api/monitoring/scheduler/health');
      const pve = h.instances.find((i) => i.instance === 'pve-bench');
      if (pve?.consecutiveFailures) throw new Error(`the poll failed ${pve.consecutiveFailures} time(s)`);
      if (pve?.lastSuccess && pve.lastDurationMs !== undefined && !durations.has(pve.lastSuccess)) {
        durations.set(pve.lastSuccess, pve.lastDurationMs);
        served.push(sim.requests.length);
      }
      const sample = rssMiB(server.pid);
      if (sample !== undefined && durations.size > 0) rss.push(sample);
      await sleep(RSS_SAMPLE_MS);
    }

    const state = await get<{ vms: unknown[]; containers: unknown[]; nodes: unknown[] }>('/api/state');
    if (state.vms.length + state.containers.length !== guests || state.nodes.length !== nodes) {
      throw new Error(
        `state holds ${state.nodes.length} nodes and ${state.vms.length + state.containers.length} guests`,
      );
    }
    const stateTimes: number[] = [];
    for (let i = 0; i < stateRequests; i++) {
      const t0 = performance.now();
      const res = await fetch(`${server.origin}/api/state`, { headers });
      await res.arrayBuffer();
      stateTimes.push(performance.now() - t0);
    }

    const [full = Number.NaN, ...plain] = [...durations.values()];
    // Calls per cycle between the second and the last poll seen (the first also reads the slow sections).
    const callsPerCycle = ((served.at(-1) ?? 0) - (served[1] ?? 0)) / Math.max(1, served.length - 2);
    const raw = median(rawTimes);
    const idleRss = median(idle);
    const results = {
      when: new Date().toISOString(),
      nodes,
      guests,
      intervalSeconds: interval,
      baseline: { clusterResourcesMs: raw, idleRssMiB: idleRss },
      pollCycleMs: { full, p50: median(plain), max: Math.max(...plain), cycles: plain.length },
      apiCallsPerCycle: Math.round(callsPerCycle),
      rssMiB: { median: median(rss), max: Math.max(...rss) },
      apiStateMs: { p50: median(stateTimes), p95: quantile(stateTimes, 0.95) },
    };
    const f = (n: number) => n.toFixed(1);
    console.log(`\n${nodes} nodes, ${guests} guests, poll interval ${interval} s\n`);
    console.log('figure                                   value        baseline            ratio');
    console.log(
      `poll cycle, plain (p50 of ${plain.length})             ${f(results.pollCycleMs.p50).padStart(7)} ms  ${f(raw).padStart(7)} ms (1 call)  ${(results.pollCycleMs.p50 / raw).toFixed(2)}×`,
    );
    console.log(`poll cycle, plain (max)                  ${f(results.pollCycleMs.max).padStart(7)} ms`);
    console.log(`API calls per cycle (mean)               ${String(results.apiCallsPerCycle).padStart(7)}`);
    console.log(
      `first cycle (backups, disks, updates)    ${f(full).padStart(7)} ms  ${f(raw).padStart(7)} ms (1 call)  ${(full / raw).toFixed(2)}×`,
    );
    console.log(
      `server RSS, median while polling         ${f(results.rssMiB.median).padStart(7)} MiB ${f(idleRss).padStart(7)} MiB (idle)  ${(results.rssMiB.median / idleRss).toFixed(2)}×`,
    );
    console.log(`server RSS, max while polling            ${f(results.rssMiB.max).padStart(7)} MiB`);
    console.log(
      `GET /api/state p50 / p95                 ${f(results.apiStateMs.p50)} / ${f(results.apiStateMs.p95)} ms`,
    );
    console.log(
      `poll cycle as a share of the interval    ${((results.pollCycleMs.p50 / (interval * 1000)) * 100).toFixed(1)} %`,
    );
    mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
    writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
  } finally {
    await server.stop();
    await sim.close();
    rmSync(scratch, { recursive: true, force: true });
    cleanup();
  }
}

// The fleet bench's run, in order: idle, hosts, hosts + containers, stop, heap snapshot and restart on one
// server and data directory; then the hosts-only line on a fresh server. Phases append their figures to
// the Run; the bench prints the summary and writes the results.
import { rmSync } from 'node:fs';
import { HEADERS, PATHS } from '@pulse/shared';
import { createAgentTokens } from './agent-tokens.ts';
import type { FleetOptions } from './fleet-options.ts';
import {
  type Expected,
  idlePhase,
  loadedPhase,
  type PhaseContext,
  type PhaseResult,
  type Subject,
  stopPhase,
} from './fleet-phase.ts';
import { heapTable, phaseTable, restartTable } from './fleet-report.ts';
import { type RestartResult, restartServer } from './fleet-restart.ts';
import { type HeapBreakdown, heapByConstructor, takeHeapSnapshot } from './heap-snapshot.ts';
import { PacedFleet } from './paced-fleet.ts';
import { rssMiB, type Service } from './proc.ts';
import { ProcSampler } from './proc-sampler.ts';

/** Connections of the fleet's pools: under the server's default cap of 64 sockets per client address. */
const HOST_CONNECTIONS = 40;
const DOCKER_CONNECTIONS = 8;
/** The agent gives a report up after 15 s. */
const REPORT_TIMEOUT_MS = 15_000;

export function log(line: string): void {
  console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);
}

/** A RSS figure of a process at rest: the median of a few samples over `seconds`. */
export async function restingRss(pid: number, seconds: number): Promise<number | undefined> {
  const values: number[] = [];
  for (let i = 0; i < seconds; i++) {
    await new Promise((r) => setTimeout(r, 1_000));
    const v = rssMiB(pid);
    if (v !== undefined) values.push(v);
  }
  values.sort((a, b) => a - b);
  return values[Math.floor(values.length / 2)];
}

/** Resolves once the server answers /api/health again (a heap snapshot holds its thread meanwhile). */
async function untilHealthy(service: Service, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await fetch(`${service.origin}/api/health`, { signal: AbortSignal.timeout(5_000) }).then(
      async (res) => {
        await res.body?.cancel();
        return res.ok;
      },
      () => false,
    );
    if (ok) return;
    if (service.child.exitCode !== null || service.child.signalCode !== null)
      throw new Error('the server exited while writing the heap snapshot');
    if (Date.now() > deadline)
      throw new Error(`the server did not answer within ${timeoutMs} ms of the snapshot`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** A report the server refused, or a fleet it did not list although it took every report: not valid. */
function checkPhase(p: PhaseResult, fleet: PacedFleet): void {
  const refused = [...fleet.errors].filter(([text]) => /^HTTP 4\d\d/.test(text));
  if (refused.length > 0)
    throw new Error(`the server refused reports: ${refused.map(([t, n]) => `${n} × ${t}`).join('; ')}`);
  const { listed, expected: e, ingest } = p;
  if (!listed || !ingest) return;
  const short =
    listed.hosts < e.hosts || listed.dockerHosts < e.dockerHosts || listed.containers < e.containers;
  const lost = ingest.whole.over15s + ingest.whole.errors;
  if (short && lost === 0)
    throw new Error(
      `${p.name}: /api/state lists ${listed.hosts} hosts, ${listed.dockerHosts} Docker hosts and ` +
        `${listed.containers} containers, expected ${e.hosts}, ${e.dockerHosts} and ${e.containers}`,
    );
  if (short) log(`${p.name}: not every agent is listed yet (${lost} reports timed out or failed)`);
}

export interface Run {
  opts: FleetOptions;
  start: (dataDir: string) => Promise<Service>;
  admin: string;
  phases: PhaseResult[];
  labels: Record<string, string>;
  restart?: RestartResult;
  heap?: HeapBreakdown;
  bareIdleRss?: number;
}

async function fleetOf(run: Run, origin: string, hosts: number, dockerHosts: number): Promise<PacedFleet> {
  const started = performance.now();
  const admin = run.admin;
  const hostTokens = await createAgentTokens({
    origin,
    admin,
    count: hosts,
    prefix: 'fleet-host',
    scope: 'agent:report',
  });
  const dockerTokens = await createAgentTokens({
    origin,
    admin,
    count: dockerHosts,
    prefix: 'fleet-docker',
    scope: 'docker:report',
  });
  const fleet = await PacedFleet.start({
    origin,
    tokenHeader: HEADERS.apiToken,
    intervalMs: run.opts.intervalMs,
    timeoutMs: REPORT_TIMEOUT_MS,
    seed: 'pulse-bench-fleet',
    hosts: { path: PATHS.hostReport, tokens: hostTokens, connections: HOST_CONNECTIONS },
    docker: {
      path: PATHS.dockerReport,
      tokens: dockerTokens,
      connections: DOCKER_CONNECTIONS,
      containersPerHost: run.opts.containersPerHost,
      shareMachines: true,
    },
  });
  log(
    `setup: ${hosts + dockerHosts} agent tokens and the fleet built in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  return fleet;
}

function report(p: PhaseResult, label: string): void {
  console.log(`\n--- ${label} ---\n${phaseTable(p)}\n`);
}

/** Idle, hosts, hosts + containers, stop, heap snapshot, restart: one server, one data directory. */
export async function mainFleet(run: Run, dataDir: string, diagDir: string): Promise<void> {
  const { opts } = run;
  const service = await run.start(dataDir);
  let subject: Subject = { service, admin: run.admin, sampler: new ProcSampler(service.pid).start() };
  const ctx: PhaseContext = {
    subject,
    reads: opts.reads,
    intervalMs: opts.intervalMs,
    timeoutMs: REPORT_TIMEOUT_MS,
  };
  try {
    log(`idle for ${opts.idleSeconds} s`);
    const idle = await idlePhase(ctx, opts.idleSeconds);
    run.phases.push(idle);
    report(idle, 'idle');

    ctx.fleet = await fleetOf(run, service.origin, opts.hosts, opts.dockerHosts);
    const containers = opts.dockerHosts * opts.containersPerHost;
    const timeline = { phaseMs: opts.phaseMs, recoveryMs: opts.recoveryMs };
    const hostsOnly: Expected = { hosts: opts.hosts, dockerHosts: 0, containers: 0 };
    const withDocker: Expected = { hosts: opts.hosts, dockerHosts: opts.dockerHosts, containers };

    const hosts = await loadedPhase(ctx, 'hosts', ['hosts'], hostsOnly, timeline, log);
    run.phases.push(hosts);
    checkPhase(hosts, ctx.fleet);
    report(hosts, run.labels.hosts ?? 'hosts');

    const loaded = await loadedPhase(ctx, 'hosts+containers', ['hosts', 'docker'], withDocker, timeline, log);
    run.phases.push(loaded);
    checkPhase(loaded, ctx.fleet);
    report(loaded, run.labels['hosts+containers'] ?? 'hosts+containers');

    log(`stop: the load stops; watching RSS for ${opts.stopSeconds} s`);
    const stop = await stopPhase(ctx, withDocker, opts.stopSeconds, loaded.rss.steady);
    run.phases.push(stop);
    report(stop, 'stop');

    if (opts.heapSnapshot) {
      log('heap snapshot (SIGUSR2); the server answers nothing while V8 writes it');
      const file = await takeHeapSnapshot(service.pid, diagDir);
      await untilHealthy(service, 120_000);
      run.heap = await heapByConstructor(file, 15);
      if (!opts.keepSnapshot) rmSync(file, { force: true });
      console.log(
        `\n--- heap by constructor (self size, top 15), after the stop ---\n${heapTable(run.heap)}`,
      );
      if (opts.keepSnapshot) console.log(`snapshot kept: ${file}`);
    }

    log('restart: SIGTERM, then the same data directory again');
    const restarted = await restartServer(subject, () => run.start(dataDir), withDocker, 120_000);
    subject = restarted.subject;
    ctx.subject = subject;
    run.restart = restarted.result;
    console.log(`\n--- restart ---\n${restartTable(run.restart)}\n`);
  } finally {
    subject.sampler.stop();
    await ctx.fleet?.stop();
    await subject.service.stop();
  }
}

/** A fresh server and data directory with `hosts` host agents only: the 5,000-hosts line. */
export async function bigFleet(run: Run, dataDir: string): Promise<void> {
  const { opts } = run;
  const service = await run.start(dataDir);
  const subject: Subject = { service, admin: run.admin, sampler: new ProcSampler(service.pid).start() };
  const ctx: PhaseContext = {
    subject,
    reads: opts.reads,
    intervalMs: opts.intervalMs,
    timeoutMs: REPORT_TIMEOUT_MS,
  };
  try {
    ctx.fleet = await fleetOf(run, service.origin, opts.bigHosts, 0);
    const expected = { hosts: opts.bigHosts, dockerHosts: 0, containers: 0 };
    const timeline = { phaseMs: opts.phaseMs, recoveryMs: opts.recoveryMs };
    const big = await loadedPhase(ctx, 'big hosts', ['hosts'], expected, timeline, log);
    run.phases.push(big);
    checkPhase(big, ctx.fleet);
    report(big, run.labels['big hosts'] ?? 'big hosts');
  } finally {
    subject.sampler.stop();
    await ctx.fleet?.stop();
    await service.stop();
  }
}

// The fleet bench of issue #11: the server as users run it (the esbuild bundle of `npm start`) under a
// fleet that reports like agents do, while the dashboard reads. Phases: idle; 1,000 host agents reporting
// every 30 s (gzip bodies, each agent at its own offset, one token per agent); the same plus 200 Docker
// hosts × 100 containers; stop (the load stops, RSS is watched); restart (SIGTERM, start again on the same
// data, time to healthy and to the whole inventory); then, on a fresh server, 5,000 host agents. Every
// loaded phase reads one round of 20 × /api/state, 20 × /api/resources?limit=100 (filters in turn) and
// 5 × /api/charts?range=1h once the fleet is steady, then watches RSS come back.
//
// Prints a table per phase, the heap by constructor (a heap snapshot after the stop), one table across
// phases and goal / measured / met?; writes bench/results/fleet.json. Baseline in the same run: the bare
// Hono server's RSS at rest, and this server's own idle phase. Fails only when the run is not valid (a
// process does not start, a read fails, the server refuses a report or loses the fleet); never on a figure.
//
// Environment: BENCH_FLEET_SCALE (1; 0.1 = 100 hosts and 20 Docker hosts), BENCH_FLEET_PHASE_SECONDS (120
// s of load before the reads: one interval to fill, the rest steady), BENCH_FLEET_RECOVERY_SECONDS (60,
// the watch after the reads),
// BENCH_FLEET_STOP_SECONDS (60), BENCH_FLEET_IDLE_SECONDS (15), BENCH_FLEET_INTERVAL_SECONDS (30),
// BENCH_FLEET_CONTAINERS (100 per Docker host), BENCH_FLEET_BIG_HOSTS (5,000 × scale; 0 skips that line),
// BENCH_FLEET_READS (20,20,5), BENCH_FLEET_NODE_FLAGS ("--max-semi-space-size=1"), BENCH_FLEET_SERVER_ENV
// ("KEY=VALUE ..."), BENCH_FLEET_HEAP_SNAPSHOT (1), BENCH_FLEET_KEEP_SNAPSHOT (0),
// BENCH_FLEET_FROM_SOURCE (0: run server/src/main.ts instead), BENCH_FLEET_REBUILD (0: reuse a fresh bundle).
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { goalRows } from './lib/fleet-goals.ts';
import { fleetOptions } from './lib/fleet-options.ts';
import { acrossPhases, goalTable } from './lib/fleet-report.ts';
import { bigFleet, log, mainFleet, type Run, restingRss } from './lib/fleet-run.ts';
import { atExit, startBareServer, startPulseServer } from './lib/proc.ts';
import { prepareServerBundle } from './lib/server-bundle.ts';
import { fixed } from './lib/table.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RESULTS = join(ROOT, 'bench', 'results', 'fleet.json');
/** Cores used by other work above which a phase's figures are flagged as taken on a busy machine. */
const BUSY_CORES = 0.25;

export default async function fleetBench(): Promise<void> {
  const opts = fleetOptions();
  const cores = availableParallelism();
  const cpuModel = cpus()[0]?.model ?? 'unknown CPU';
  const containers = opts.dockerHosts * opts.containersPerHost;
  const work = mkdtempSync(join(tmpdir(), 'pulse-bench-fleet-'));
  const diagDir = join(work, 'diagnostics');
  mkdirSync(diagDir);
  const removeWork = () => rmSync(work, { recursive: true, force: true });
  const forgetWork = atExit(removeWork);
  const bundle = opts.fromSource ? undefined : await prepareServerBundle(opts.rebuild);
  const forgetBundle = bundle ? atExit(bundle.remove) : () => false;

  console.log('Fleet: RSS, reads, ingest and restart of the server under a reporting fleet (issue #11)');
  console.log(
    `node ${process.version}, ${cores} cores (${cpuModel}), load average at start ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  console.log(
    bundle
      ? `server: the esbuild bundle users run (npm start), ${bundle.built ? 'built now' : `dist/pulse-server.js reused, built ${bundle.builtAt.toISOString()}`}`
      : 'server: from source (server/src/main.ts, type stripping: not what users run)',
  );
  console.log(
    `node flags: ${['--heapsnapshot-signal=SIGUSR2', ...opts.nodeFlags].join(' ')}; server env: ${JSON.stringify(opts.serverEnv)}`,
  );
  console.log(
    `fleet at scale ${opts.scale}: ${opts.hosts} host agents, + ${opts.dockerHosts} Docker hosts × ${opts.containersPerHost} ` +
      `containers (every other one on a host agent's machine), then ${opts.bigHosts || 'no'} host agents on a fresh server; ` +
      `one report per agent every ${opts.intervalMs / 1000} s, gzip, one token per agent`,
  );
  console.log(
    `${opts.phaseMs / 1000} s of load before the reads, ${opts.recoveryMs / 1000} s after them; reads per round: ${opts.reads.state} × state, ` +
      `${opts.reads.resources} × resources, ${opts.reads.charts} × charts, one at a time, gzip accepted\n`,
  );

  const admin = randomBytes(32).toString('hex');
  const run: Run = {
    opts,
    admin,
    phases: [],
    labels: {
      idle: 'idle',
      hosts: `${opts.hosts.toLocaleString('en-US')} hosts`,
      'hosts+containers': `+ ${containers.toLocaleString('en-US')} containers`,
      stop: 'stop (load off)',
      'big hosts': `${opts.bigHosts.toLocaleString('en-US')} hosts`,
    },
    start: (dataDir) =>
      startPulseServer({
        dataDir,
        token: admin,
        script: bundle?.script,
        nodeArgs: ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${diagDir}`, ...opts.nodeFlags],
        env: opts.serverEnv,
        healthPollMs: 20,
        timeoutMs: 60_000,
      }),
  };
  try {
    const bare = await startBareServer(bundle?.bareScript);
    run.bareIdleRss = await restingRss(bare.pid, 3);
    await bare.stop();
    const how = bundle ? 'bundled the same way' : 'from source';
    log(
      `baseline: bare Hono server (bench/bare-server.ts, ${how}) at rest: ${run.bareIdleRss?.toFixed(0)} MiB`,
    );

    await mainFleet(run, join(work, 'data'), diagDir);
    if (opts.bigHosts > 0) await bigFleet(run, join(work, 'data-big'));

    console.log(`\n--- across phases (scale ${opts.scale}) ---\n${acrossPhases(run.phases, run.labels)}`);
    console.log(`baseline: bare Hono at rest ${run.bareIdleRss?.toFixed(0) ?? '-'} MiB`);
    const busy = run.phases.filter((p) => (p.cpu.other ?? 0) > BUSY_CORES);
    if (busy.length > 0)
      console.log(
        `note: other work on the machine used ${busy.map((p) => `${fixed(p.cpu.other, 2)} cores during '${run.labels[p.name] ?? p.name}'`).join(', ')} ` +
          `of ${cores}: these are not quiet-machine figures (latencies and restart times come out higher)`,
      );
    const goals = goalRows({
      idle: run.phases.find((p) => p.name === 'idle'),
      loaded: run.phases.find((p) => p.name === 'hosts+containers'),
      phases: run.phases,
      restart: run.restart,
    });
    const fleetNote =
      opts.scale === 1 && opts.containersPerHost === 100
        ? ''
        : ` (this run's fleet is at scale ${opts.scale}: the goals are for 1,000 hosts + 20,000 containers)`;
    console.log(
      `\n--- goals, with ${run.labels.hosts} ${run.labels['hosts+containers']}${fleetNote} ---\n${goalTable(goals)}`,
    );

    mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
    const results = {
      bench: 'fleet',
      date: new Date().toISOString(),
      machine: { node: process.version, platform: process.platform, arch: process.arch, cores, cpuModel },
      server: {
        runs: bundle ? 'bundle' : 'source',
        builtNow: bundle?.built,
        builtAt: bundle?.builtAt.toISOString(),
        nodeFlags: opts.nodeFlags,
        env: opts.serverEnv,
      },
      options: { ...opts, serverEnv: undefined, nodeFlags: undefined },
      baseline: { bareHonoIdleRssMiB: run.bareIdleRss },
      phases: run.phases,
      restart: run.restart,
      heap: run.heap,
      goals,
    };
    writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
    console.log(`\nresults written to ${relative(process.cwd(), RESULTS)}`);
  } finally {
    forgetWork();
    removeWork();
    forgetBundle();
    bundle?.remove();
  }
}

// pulse-agent command line: parses flags, runs the agent, and is the only place that exits the process.

import { startupSnapshot } from 'node:v8';
import { createLogger } from '@pulse/shared/log';
import { Command, Option } from 'commander';
import { createHostCollector } from './collectors/host/collect.ts';
import { type AgentFlags, defaultSources, resolveConfig } from './config/agent-config.ts';
import { ConfigError } from './config/parse.ts';
import { createFileLogger } from './runtime/file-logger.ts';
import { AGENT_VERSION } from './version.ts';

const collect = (value: string, previous: string[] = []) => [...previous, value];

function program(): Command {
  return new Command('pulse-agent')
    .description('Reports this host to a Pulse server.')
    .version(AGENT_VERSION, '--version', 'print the version and exit')
    .option('--url <url>', 'Pulse server URL (PULSE_URL; default http://localhost:7655)')
    .option('--token <token>', 'API token with agent:report (PULSE_TOKEN)')
    .option('--token-file <path>', 'read the API token from a file')
    .option('--interval <duration>', 'report interval, e.g. 30s or 1m (PULSE_INTERVAL; default 30s)')
    .option('--hostname <name>', 'hostname to report (PULSE_HOSTNAME; default the OS hostname)')
    .option('--agent-id <id>', 'agent id (PULSE_AGENT_ID; default the machine id)')
    .option('--agent-id-file <path>', 'where the agent id is kept (default <state-dir>/agent-id)')
    .option('--insecure', 'skip TLS certificate verification (PULSE_INSECURE_SKIP_VERIFY)')
    .option('--cacert <path>', 'CA bundle for the server certificate (PULSE_CACERT)')
    .addOption(new Option('--enable-host [bool]', 'report host metrics (PULSE_ENABLE_HOST; default true)'))
    .addOption(new Option('--enable-docker [bool]', 'report Docker/Podman containers (PULSE_ENABLE_DOCKER)'))
    .addOption(
      new Option('--enable-kubernetes [bool]', 'report a Kubernetes cluster (PULSE_ENABLE_KUBERNETES)'),
    )
    .option('--tag <tag>', 'tag for this host; repeatable (PULSE_TAGS)', collect)
    .option(
      '--disk-exclude <pattern>',
      'skip a device or mount: exact, prefix* or *contains*; repeatable',
      collect,
    )
    .option('--disk-include <pattern>', 'keep a mount the automatic filter drops; repeatable', collect)
    .option('--state-dir <path>', 'agent state directory (PULSE_STATE_DIR; default /var/lib/pulse-agent)')
    .option('--log-level <level>', 'debug, info, warn or error (LOG_LEVEL; default info)')
    .option('--log-file <path>', 'write JSON logs to this file instead of stdout (PULSE_LOG_FILE)')
    .option(
      '--health-addr <addr>',
      'health server host:port, or off (PULSE_HEALTH_ADDR; default 127.0.0.1:9191)',
    )
    .option('--docker-runtime <runtime>', 'auto, docker or podman (PULSE_DOCKER_RUNTIME; default auto)')
    .option(
      '--kubeconfig <path>',
      'kubeconfig file (PULSE_KUBECONFIG; default in-cluster, then ~/.kube/config)',
    )
    .option('--kube-context <name>', 'kubeconfig context (PULSE_KUBE_CONTEXT)')
    .option('--kube-include-namespace <ns>', 'only these namespaces; repeatable', collect)
    .option('--kube-exclude-namespace <ns>', 'skip these namespaces; repeatable', collect)
    .addOption(new Option('--kube-include-all-pods [bool]', 'report every pod, not only problem pods'))
    .addOption(
      new Option('--kube-include-all-deployments [bool]', 'report every deployment, not only problem ones'),
    )
    .option('--kube-max-pods <n>', 'at most this many pods per report (PULSE_KUBE_MAX_PODS; default 200)')
    .option('--once', 'collect, send one report, flush and exit (non-zero when it was not delivered)')
    .option('--dry-run', 'print the report as JSON and send nothing')
    .option('--self-test', 'check the configuration and one collection, then exit')
    .allowExcessArguments(false);
}

async function selfTest(flags: AgentFlags): Promise<number> {
  const config = resolveConfig(flags, defaultSources, { tokenRequired: false });
  const log = createLogger('error');
  const collector = createHostCollector({
    diskExclude: config.diskExclude,
    diskInclude: config.diskInclude,
    log,
  });
  await collector.prime();
  const c = await collector.collect();
  process.stdout.write(
    `self-test ok: pulse-agent ${AGENT_VERSION}, node ${process.versions.node}, ${c.host.cpuCount ?? '?'} CPUs, ` +
      `${c.metrics.memory?.totalBytes ?? '?'} bytes memory, ${c.disks.length} filesystems\n`,
  );
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const cmd = program();
  cmd.exitOverride();
  cmd.configureOutput({ writeErr: (s) => process.stderr.write(s) });
  try {
    cmd.parse(argv);
  } catch (err) {
    // commander already printed the message (or the help / version text).
    const code = typeof err === 'object' && err !== null && 'exitCode' in err ? Number(err.exitCode) : 2;
    return code === 0 ? 0 : 2;
  }
  const flags = cmd.opts<AgentFlags & { selfTest?: boolean }>();
  if (flags.selfTest) return selfTest(flags);

  const config = resolveConfig(flags, defaultSources, { tokenRequired: !flags.dryRun });
  const log = config.logFile
    ? createFileLogger(config.logLevel, config.logFile)
    : createLogger(config.logLevel);
  const controller = new AbortController();
  const stop = (signal: string) => {
    if (controller.signal.aborted) return;
    log.info('stopping', { signal });
    controller.abort();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  // Imported here rather than at the top so that a startup snapshot (which cannot hold node:http, and so
  // not undici) can be made of the rest; see scripts/build-agent.ts.
  const { runAgent } = await import('./runtime/run-agent.ts');
  return runAgent(config, log, controller.signal);
}

function run(): void {
  main(process.argv).then(
    (code) => process.exit(code),
    (err: unknown) => {
      if (err instanceof ConfigError) {
        process.stderr.write(`pulse-agent: ${err.message}\n`);
        process.exit(2);
      }
      process.stderr.write(
        `pulse-agent: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
      );
      process.exit(1);
    },
  );
}

// Built into a single executable with a startup snapshot, this script runs once at build time: it only
// leaves what to run when the executable starts.
if (startupSnapshot.isBuildingSnapshot()) startupSnapshot.setDeserializeMainFunction(run);
else run();

// The Docker module as a report source: ping the engine, load the module once it answers, collect, report.
import type { DockerReport, Logger } from '@pulse/shared';
import { PATHS } from '@pulse/shared/protocol';
import { resolveEndpoints } from '../collectors/docker/engine-endpoints.ts';
import type { AgentConfig } from '../config/agent-config.ts';
import type { ReportIdentity } from '../report/host-report.ts';
import { ackedCommands, looksLikeReport } from '../report/shape.ts';
import type { DockerModule } from './docker-module.ts';
import { pingEngine } from './engine-ping.ts';
import type { ModuleRegistry } from './module-status.ts';
import { type ReportSource, SourceLost } from './reporter.ts';

export interface DockerSourceOptions {
  /** How long each endpoint has to answer the ping (default 2 s). */
  pingTimeoutMs?: number;
  /** Called with every module instance the source opens: a test holds a WeakRef to see it released. */
  onModule?: (module: object) => void;
}

/**
 * The module (dockerode, docker-modem and the collectors: tens of MiB) is imported only after an engine
 * answered a plain HTTP ping, so a machine with only the Docker CLI on PATH never loads it. When the engine
 * goes away the collector is closed and dropped while the reporter backs off and pings again. Node caches
 * an imported module for the life of the process, so "unloading" means dropping our references (collector,
 * clients, sockets, memo of containers), which lets their memory be collected; the code stays loaded. In
 * the built agent the module is a chunk of its own (scripts/build-agent.ts): until an engine answers, its
 * code is not even parsed.
 */
export function dockerSource(
  config: Pick<AgentConfig, 'intervalMs' | 'dockerRuntime'>,
  identity: ReportIdentity,
  modules: ModuleRegistry,
  log: Logger,
  env: Record<string, string | undefined>,
  opts: DockerSourceOptions = {},
): ReportSource<DockerReport> {
  // A collection must end before the next one is due; 25 s at most, as with the default 30 s interval.
  const cycleBudgetMs = Math.min(25_000, Math.max(5_000, config.intervalMs * 0.8));
  const endpoints = resolveEndpoints(config.dockerRuntime, env);
  const seenCommands = new Set<string>();
  let loaded: DockerModule | undefined;

  const unload = () => {
    loaded?.close();
    loaded = undefined;
  };

  return {
    name: 'docker',
    path: PATHS.dockerReport,
    bufferFile: 'report-buffer-docker.json',
    isReport: looksLikeReport<DockerReport>('host'),
    async prepare() {
      const ping = await pingEngine(endpoints, opts.pingTimeoutMs);
      if (!ping.ok) {
        unload();
        return ping.reason;
      }
      if (loaded === undefined) {
        const { openDockerModule } = await import('./docker-module.ts');
        loaded = openDockerModule({
          runtime: config.dockerRuntime,
          env,
          endpoints,
          log,
          cycleBudgetMs,
          identity,
        });
        opts.onModule?.(loaded);
      }
      // An engine answers but is not usable yet (the other runtime, API errors): the module stays loaded
      // and its collector says why, once per reason.
      return loaded.connect();
    },
    async build() {
      if (loaded === undefined) throw new SourceLost('docker: no container engine connected');
      const result = await loaded.report();
      if (!result.ok) {
        // Nothing of the module is needed while the engine is away: drop it, ping again on the back-off.
        unload();
        throw new SourceLost(result.lost);
      }
      modules.set('docker', { state: 'running', notes: result.notes });
      return result.report;
    },
    onAck(body) {
      for (const command of ackedCommands(body)) {
        // Commands that change containers are not part of this agent; each one is logged once for the
        // admin (a pending uninstall repeats its stop command on every acknowledgement).
        if (seenCommands.has(command.id)) continue;
        seenCommands.add(command.id);
        log.warn('server sent a Docker command this agent does not carry out', {
          type: command.type,
          id: command.id,
        });
      }
    },
    close: unload,
  };
}

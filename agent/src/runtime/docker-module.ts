// The heavy half of the Docker source (dockerode and the collectors), imported only once an engine answers.
import type { DockerReport, Logger } from '@pulse/shared';
import { createDockerCollector } from '../collectors/docker/collect.ts';
import { EngineLost } from '../collectors/docker/engine-api.ts';
import type { Endpoint, RuntimePreference } from '../collectors/docker/engine-endpoints.ts';
import type { ReportIdentity } from '../report/host-report.ts';
import { SourceLost } from './reporter.ts';
import { agentInfo } from './source-common.ts';

export interface DockerModuleOptions {
  runtime: RuntimePreference;
  env: Record<string, string | undefined>;
  endpoints: Endpoint[];
  log: Logger;
  cycleBudgetMs: number;
  identity: ReportIdentity;
}

export interface DockerModule {
  /** Connects to the engine; resolves to the reason when it cannot. */
  connect(): Promise<string | undefined>;
  /** One report and the notes for the module status; throws SourceLost when the engine is gone. */
  report(): Promise<{ report: DockerReport; notes: Record<string, string> }>;
  close(): void;
}

export function openDockerModule(opts: DockerModuleOptions): DockerModule {
  const { identity } = opts;
  const collector = createDockerCollector({
    runtime: opts.runtime,
    env: opts.env,
    endpoints: opts.endpoints,
    log: opts.log,
    cycleBudgetMs: opts.cycleBudgetMs,
  });
  return {
    async connect() {
      const conn = await collector.connect();
      return conn.ok ? undefined : conn.reason;
    },
    async report() {
      const c = await collector.collect().catch((err: unknown) => {
        throw err instanceof EngineLost ? new SourceLost(err.message) : err;
      });
      const report: DockerReport = {
        agent: agentInfo(identity),
        host: { ...c.host, hostname: identity.hostname, machineId: identity.machineId },
        containers: c.containers,
        images: c.images,
        volumes: c.volumes,
        networks: c.networks,
        storageUsage: c.storageUsage,
        services: c.services,
        tasks: c.tasks,
        nodes: c.nodes,
        secrets: c.secrets,
        configs: c.configs,
        timestamp: new Date().toISOString(),
      };
      return { report, notes: c.notes };
    },
    close: () => collector.close(),
  };
}

// The heavy half of the Docker source (dockerode and the collectors), imported only once an engine answers.
// The build bundles it apart from the main script (scripts/build-agent.ts), so it shares no classes with
// the main script: a lost engine comes back as data, not as the reporter's SourceLost.
import type { DockerReport, Logger } from '@pulse/shared';
import { createDockerCollector } from '../collectors/docker/collect.ts';
import { EngineLost } from '../collectors/docker/engine-api.ts';
import type { Endpoint, RuntimePreference } from '../collectors/docker/engine-endpoints.ts';
import type { ReportIdentity } from '../report/host-report.ts';
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
  /** One report and the notes for the module status, or why the engine is gone (connect again). */
  report(): Promise<DockerModuleReport>;
  close(): void;
}

export type DockerModuleReport =
  | { ok: true; report: DockerReport; notes: Record<string, string> }
  | { ok: false; lost: string };

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
      let c: Awaited<ReturnType<typeof collector.collect>>;
      try {
        c = await collector.collect();
      } catch (err) {
        if (err instanceof EngineLost) return { ok: false, lost: err.message };
        throw err;
      }
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
      return { ok: true, report, notes: c.notes };
    },
    close: () => collector.close(),
  };
}

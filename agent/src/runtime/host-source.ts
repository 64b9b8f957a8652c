// The host module as a report source: /proc collection into the host report.
import { HostReport, HostReportResponse, type Logger, PATHS } from '@pulse/shared';
import { createHostCollector } from '../collectors/host/collect.ts';
import type { AgentConfig } from '../config/agent-config.ts';
import { persistAgentId } from '../config/identity.ts';
import { buildHostReport, type ReportIdentity, SequenceCounter } from '../report/host-report.ts';
import type { ModuleRegistry } from './module-status.ts';
import type { ReportSource } from './reporter.ts';

export function isHostReport(v: unknown): v is HostReport {
  return HostReport.safeParse(v).success;
}

export function hostSource(
  config: AgentConfig,
  identity: ReportIdentity,
  modules: ModuleRegistry,
  log: Logger,
): ReportSource<HostReport> {
  const collector = createHostCollector({
    diskExclude: config.diskExclude,
    diskInclude: config.diskInclude,
    log,
  });
  const sequence = new SequenceCounter();
  let primed = false;
  return {
    name: 'host',
    path: PATHS.hostReportAlias,
    bufferFile: 'report-buffer.json',
    isReport: isHostReport,
    async prepare() {
      if (!primed) {
        await collector.prime();
        primed = true;
      }
      return undefined;
    },
    async build() {
      const collection = await collector.collect();
      modules.set('host', { state: 'running', notes: collection.notes });
      return buildHostReport(identity, collection, modules.list(), sequence.next(), new Date());
    },
    onAck(body) {
      const ack = HostReportResponse.safeParse(body);
      if (ack.success && ack.data.agentId && ack.data.agentId !== identity.agentId) {
        log.warn('server assigned a different agent id; adopting it', {
          from: identity.agentId,
          to: ack.data.agentId,
        });
        identity.agentId = ack.data.agentId;
        persistAgentId(config.agentIdFile, ack.data.agentId);
      }
    },
  };
}

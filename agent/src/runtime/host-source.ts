// The host module as a report source: /proc collection into the host report.
import type { HostReport, Logger } from '@pulse/shared';
import { PATHS } from '@pulse/shared/protocol';
import { createHostCollector } from '../collectors/host/collect.ts';
import type { AgentConfig } from '../config/agent-config.ts';
import { persistAgentId } from '../config/identity.ts';
import { buildHostReport, type ReportIdentity, SequenceCounter } from '../report/host-report.ts';
import { ackedAgentId, looksLikeReport } from '../report/shape.ts';
import type { ModuleRegistry } from './module-status.ts';
import type { ReportSource } from './reporter.ts';

export const isHostReport = looksLikeReport<HostReport>('host');

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
      const agentId = ackedAgentId(body);
      if (agentId && agentId !== identity.agentId) {
        log.warn('server assigned a different agent id; adopting it', {
          from: identity.agentId,
          to: agentId,
        });
        identity.agentId = agentId;
        persistAgentId(config.agentIdFile, agentId);
      }
    },
  };
}

// What the Docker and Kubernetes report sources share: the agent block. Kept free of either module's
// imports, so loading one module's source does not load the other's client library.
import type { ReportIdentity } from '../report/host-report.ts';

export function agentInfo(identity: ReportIdentity) {
  return {
    id: identity.agentId,
    version: identity.version,
    type: 'unified' as const,
    intervalSeconds: identity.intervalSeconds,
  };
}

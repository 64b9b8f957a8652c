// What the Docker and Kubernetes report sources share: the agent block and the "source lost" mapping.
import { EngineLost } from '../collectors/docker/engine-api.ts';
import { ClusterLost } from '../collectors/kubernetes/errors.ts';
import type { ReportIdentity } from '../report/host-report.ts';
import { SourceLost } from './reporter.ts';

export function agentInfo(identity: ReportIdentity) {
  return {
    id: identity.agentId,
    version: identity.version,
    type: 'unified' as const,
    intervalSeconds: identity.intervalSeconds,
  };
}

/** The collectors' own "gone" errors become the reporter's cue to reconnect. */
export function lostAsSourceLost(err: unknown): never {
  if (err instanceof EngineLost || err instanceof ClusterLost) throw new SourceLost(err.message);
  throw err;
}

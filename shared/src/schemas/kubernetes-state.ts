// Kubernetes clusters as the live state holds them and /api/state serves them in `kubernetesClusters[]`.
import { z } from 'zod';
import { AgentAdminFields, AgentStatus } from './docker-state.ts';
import { KubeDeployment, KubeNamespace, KubeNode, KubePod, KubernetesReport } from './kubernetes-report.ts';

/** Every kind the agent reported, as it reported it; the four the UI always lists are never absent. */
const inventory = KubernetesReport.omit({ agent: true, cluster: true, timestamp: true }).shape;

export const KubernetesClusterState = AgentAdminFields.extend({
  id: z.string(),
  agentId: z.string(),
  name: z.string(),
  server: z.string().optional(),
  context: z.string().optional(),
  version: z.string().optional(),
  provider: z.string().optional(),
  status: AgentStatus,
  lastSeen: z.string(),
  reportedAt: z.string(),
  /** Reports whose timestamp was over 5 minutes ahead of the server clock, so the server's time was used. */
  clampedTimestamps: z.number().int().nonnegative().optional(),
  intervalSeconds: z.number(),
  agentVersion: z.string().optional(),
  ...inventory,
  nodes: z.array(KubeNode),
  namespaces: z.array(KubeNamespace),
  pods: z.array(KubePod),
  deployments: z.array(KubeDeployment),
});
export type KubernetesClusterState = z.infer<typeof KubernetesClusterState>;

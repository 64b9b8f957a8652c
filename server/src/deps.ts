// Everything createApp needs, built by main.ts (or by a test) and passed in.
import type { Logger, VersionResponse } from '@pulse/shared';
import type { Clock } from './clock.ts';
import type { HistoryStore } from './history/history-store.ts';
import type { MetadataStore } from './metadata/metadata-store.ts';
import type { SetupToken } from './security/setup-token.ts';
import type { TokenStore } from './security/tokens.ts';
import type { AgentInventory } from './sources/agents/agent-inventory.ts';
import type { DockerAgents } from './sources/agents/docker-agents.ts';
import type { HostAgents } from './sources/agents/host-agents.ts';
import type { HostIdentityRegistry } from './sources/agents/host-identity.ts';
import type { KubernetesAgents } from './sources/agents/kubernetes-agents.ts';
import type { RemovalBlocks } from './sources/agents/removal-blocks.ts';
import type { HostLinkStore } from './sources/proxmox/host-links.ts';
import type { InstanceStore } from './sources/proxmox/instance-store.ts';
import type { ProxmoxMonitor } from './sources/proxmox/monitor.ts';
import type { LiveState } from './state/live-state.ts';
import type { ProxmoxLists } from './state/proxmox-lists.ts';
import type { ResourceCatalog } from './state/resource-catalog.ts';

export interface AppDeps {
  log: Logger;
  clock: Clock;
  startedAt: number;
  version: VersionResponse;
  tokens: TokenStore;
  setup: SetupToken;
  state: LiveState;
  identities: HostIdentityRegistry;
  hostAgents: HostAgents;
  metadata: MetadataStore;
  blocks: RemovalBlocks;
  dockerAgents: DockerAgents;
  kubernetesAgents: KubernetesAgents;
  /** Hosts, Docker hosts and clusters kept across restarts; main.ts flushes it on a tick and on stop. */
  agentInventory: AgentInventory;
  /** Metrics history, fed by the state's change feed; main.ts ticks it and closes it on stop. */
  history: HistoryStore;
  /** Configured Proxmox VE / PBS / PMG connections. */
  instances: InstanceStore;
  /** Polls them; started by main.ts (tests start it when they need it). */
  proxmox: ProxmoxMonitor;
  proxmoxLists: ProxmoxLists;
  /** Admins' agent host ↔ Proxmox node links. */
  hostLinks: HostLinkStore;
  /** The unified resources, kept up to date from the state's change feed (GET /api/resources). */
  resources: ResourceCatalog;
}

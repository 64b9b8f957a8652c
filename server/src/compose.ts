// Builds the application's dependencies on an open database; shared by main.ts and the tests.
import type { Logger, VersionResponse } from '@pulse/shared';
import type { Clock } from './clock.ts';
import type { Db } from './db/client.ts';
import type { SqlClient } from './db/statement-client.ts';
import type { AppDeps } from './deps.ts';
import { registerAgentExtractors } from './history/extractors.ts';
import { HistoryStore } from './history/history-store.ts';
import { registerProxmoxExtractors } from './history/proxmox-extractors.ts';
import { HistorySampler } from './history/sampler.ts';
import { DEFAULT_RETENTION, type MetricsRetention } from './history/tiers.ts';
import { MetadataStore } from './metadata/metadata-store.ts';
import { SecretBox } from './security/secret-box.ts';
import { SetupToken } from './security/setup-token.ts';
import { TokenStore } from './security/tokens.ts';
import { AgentInventory } from './sources/agents/agent-inventory.ts';
import { type AgentLimits, DEFAULT_AGENT_LIMITS } from './sources/agents/agent-limits.ts';
import { AgentSettingsStore } from './sources/agents/agent-settings.ts';
import { DockerAgents } from './sources/agents/docker-agents.ts';
import { HostAgents } from './sources/agents/host-agents.ts';
import { HostIdentityRegistry } from './sources/agents/host-identity.ts';
import { KubernetesAgents } from './sources/agents/kubernetes-agents.ts';
import { RemovalBlocks } from './sources/agents/removal-blocks.ts';
import type { ClientTuning } from './sources/proxmox/client/endpoint-client.ts';
import { HostLinkStore } from './sources/proxmox/host-links.ts';
import { InstanceStore } from './sources/proxmox/instance-store.ts';
import { ProxmoxMonitor } from './sources/proxmox/monitor.ts';
import type { PollIntervals } from './sources/proxmox/poll-intervals.ts';
import { systemTimers, type Timers } from './sources/proxmox/scheduler/timers.ts';
import { logFailuresOnce } from './state/json-stream.ts';
import { LiveState } from './state/live-state.ts';
import { ProxmoxLists } from './state/proxmox-lists.ts';
import { ResourceCatalog } from './state/resource-catalog.ts';

export interface ComposeInput {
  db: Db;
  /** Reused prepared statements on the same file (history, token use). */
  sql: SqlClient;
  dataDir: string;
  envTokens: readonly string[];
  log: Logger;
  clock: Clock;
  version: VersionResponse;
  metricsRetention?: MetricsRetention;
  pollIntervals?: Partial<PollIntervals>;
  /** Tests drive the poll timers with a fake clock. */
  timers?: Timers;
  proxmoxTuning?: ClientTuning;
  /** What one token may create (PULSE_MAX_HOSTS_PER_TOKEN, PULSE_MAX_CONTAINERS_PER_HOST). */
  agentLimits?: Partial<AgentLimits>;
}

export async function composeDeps(input: ComposeInput): Promise<AppDeps> {
  const { db, clock, log } = input;
  const tokens = await TokenStore.load(db, input.sql, input.envTokens, clock, log);
  const setup = SetupToken.prepare(input.dataDir, tokens.count() === 0);
  tokens.onCreated(() => {
    if (setup.active) setup.retire();
  });
  const state = new LiveState(clock.now());
  const blocks = await RemovalBlocks.load(db);
  const settings = await AgentSettingsStore.load(db);
  const limits = { ...DEFAULT_AGENT_LIMITS, ...input.agentLimits };
  const tokenById = (id: string) => tokens.findById(id);
  const fleetDeps = { blocks, settings, clock, tokens: tokenById, limits };
  const identities = await HostIdentityRegistry.load(db, blocks, { tokens: tokenById, limits });
  const hostAgents = new HostAgents({
    state,
    identities,
    blocks,
    clock,
    serverVersion: input.version.version,
  });
  const dockerAgents = new DockerAgents(state.dockerHosts, fleetDeps);
  const kubernetesAgents = new KubernetesAgents(state.kubernetesClusters, fleetDeps);
  // Restored before anything else follows the state: the stored agents come back offline, not as reports.
  const agentInventory = await AgentInventory.open({ db, state, hostCursors: hostAgents, clock, log });
  const history = await HistoryStore.open(input.sql, {
    clock,
    retention: input.metricsRetention ?? DEFAULT_RETENTION,
  });
  // New sources add their collections here: historySampler.registerExtractor('<collection>', fn).
  const historySampler = new HistorySampler(state, history, clock);
  registerAgentExtractors(historySampler);
  registerProxmoxExtractors(historySampler);
  const instances = await InstanceStore.load(db, SecretBox.openKeyFile(input.dataDir), clock);
  const proxmoxLists = new ProxmoxLists(clock.now());
  const proxmox = new ProxmoxMonitor({
    store: instances,
    state,
    lists: proxmoxLists,
    clock,
    timers: input.timers ?? systemTimers,
    log,
    ...(input.pollIntervals ? { intervals: input.pollIntervals } : {}),
    ...(input.proxmoxTuning ? { tuning: input.proxmoxTuning } : {}),
  });
  const metadata = await MetadataStore.load(db, clock);
  const hostLinks = await HostLinkStore.load(db, clock);
  // An item whose projection throws is left out of the resources and logged once, as on /api/state.
  const onFailure = logFailuresOnce(log, 'GET /api/resources');
  const resources = new ResourceCatalog({ state, metadata, hostLinks, lists: proxmoxLists, onFailure });
  return {
    log,
    clock,
    startedAt: clock.now(),
    version: input.version,
    tokens,
    setup,
    state,
    identities,
    blocks,
    dockerAgents,
    kubernetesAgents,
    hostAgents,
    agentInventory,
    metadata,
    history,
    instances,
    proxmox,
    proxmoxLists,
    hostLinks,
    resources,
  };
}

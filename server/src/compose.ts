// Builds the application's dependencies on an open database; shared by main.ts and the tests.
import type { Logger, VersionResponse } from '@pulse/shared';
import type { Clock } from './clock.ts';
import type { Db } from './db/client.ts';
import type { AppDeps } from './deps.ts';
import { MetadataStore } from './metadata/metadata-store.ts';
import { SetupToken } from './security/setup-token.ts';
import { TokenStore } from './security/tokens.ts';
import { AgentSettingsStore } from './sources/agents/agent-settings.ts';
import { DockerAgents } from './sources/agents/docker-agents.ts';
import { HostAgents } from './sources/agents/host-agents.ts';
import { HostIdentityRegistry } from './sources/agents/host-identity.ts';
import { KubernetesAgents } from './sources/agents/kubernetes-agents.ts';
import { RemovalBlocks } from './sources/agents/removal-blocks.ts';
import { LiveState } from './state/live-state.ts';

export interface ComposeInput {
  db: Db;
  dataDir: string;
  envTokens: readonly string[];
  log: Logger;
  clock: Clock;
  version: VersionResponse;
}

export async function composeDeps(input: ComposeInput): Promise<AppDeps> {
  const { db, clock, log } = input;
  const tokens = await TokenStore.load(db, input.envTokens, clock, log);
  const setup = SetupToken.prepare(input.dataDir, tokens.count() === 0);
  tokens.onCreated(() => {
    if (setup.active) setup.retire();
  });
  const state = new LiveState(clock.now());
  const blocks = await RemovalBlocks.load(db);
  const settings = await AgentSettingsStore.load(db);
  const fleetDeps = { blocks, settings, clock };
  const identities = await HostIdentityRegistry.load(db, blocks);
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
    dockerAgents: new DockerAgents(state.dockerHosts, fleetDeps),
    kubernetesAgents: new KubernetesAgents(state.kubernetesClusters, fleetDeps),
    hostAgents: new HostAgents({ state, identities, blocks, clock, serverVersion: input.version.version }),
    metadata: await MetadataStore.load(db, clock),
  };
}

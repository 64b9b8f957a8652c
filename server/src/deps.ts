// Everything createApp needs, built by main.ts (or by a test) and passed in.
import type { Logger, VersionResponse } from '@pulse/shared';
import type { Clock } from './clock.ts';
import type { MetadataStore } from './metadata/metadata-store.ts';
import type { SetupToken } from './security/setup-token.ts';
import type { TokenStore } from './security/tokens.ts';
import type { DockerAgents } from './sources/agents/docker-agents.ts';
import type { HostAgents } from './sources/agents/host-agents.ts';
import type { HostIdentityRegistry } from './sources/agents/host-identity.ts';
import type { KubernetesAgents } from './sources/agents/kubernetes-agents.ts';
import type { RemovalBlocks } from './sources/agents/removal-blocks.ts';
import type { LiveState } from './state/live-state.ts';

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
}

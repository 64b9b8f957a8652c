// What one API token may create, so that a leaked or buggy agent token cannot grow the state without bound.
import { ApiError } from '../../http/errors.ts';
import type { TokenRecord } from '../../security/tokens.ts';

export interface AgentLimits {
  /** Host agents, and separately Kubernetes clusters, that one token may enrol. */
  maxHostsPerToken: number;
  /** Containers one Docker report may carry. */
  maxContainersPerHost: number;
}

export const DEFAULT_AGENT_LIMITS: AgentLimits = { maxHostsPerToken: 1000, maxContainersPerHost: 1000 };

/**
 * Refuses a new agent for a token that already holds `count` of them. Only called for an agent the
 * token does not hold yet, so the agents it has keep reporting once the cap is reached.
 */
export function assertUnderTokenCap(input: {
  token: TokenRecord;
  count: number;
  limit: number;
  /** Plural noun for the message: "hosts", "Kubernetes clusters". */
  nouns: string;
  id: string;
}): void {
  const { token, count, limit, nouns, id } = input;
  if (count < limit) return;
  throw new ApiError(
    'quota_exceeded',
    `API token '${token.name}' already has ${count} ${nouns}, the limit per token (PULSE_MAX_HOSTS_PER_TOKEN=${limit}); '${id}' was not added. Raise PULSE_MAX_HOSTS_PER_TOKEN on the server, remove ${nouns} this token no longer needs, or give these agents their own token`,
    { limit: String(limit), count: String(count), variable: 'PULSE_MAX_HOSTS_PER_TOKEN' },
  );
}

/** Refuses a Docker report that carries more containers than one host may have. */
export function assertContainerCap(hostId: string, count: number, limit: number): void {
  if (count <= limit) return;
  throw new ApiError(
    'quota_exceeded',
    `Docker host '${hostId}' reported ${count} containers, over the limit of ${limit} per host (PULSE_MAX_CONTAINERS_PER_HOST=${limit}); the report was refused and the host keeps its last state. Raise PULSE_MAX_CONTAINERS_PER_HOST on the server if this host really runs that many`,
    { limit: String(limit), count: String(count), variable: 'PULSE_MAX_CONTAINERS_PER_HOST' },
  );
}

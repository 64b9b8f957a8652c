// Which API token may report for an enrolled agent: the one that enrolled it, an admin token, or any
// token once the enrolling one was revoked or expired (so rotating tokens never locks a user out).
import type { Scope } from '@pulse/shared';
import { hasScope } from '@pulse/shared';
import { ApiError } from '../../http/errors.ts';
import type { TokenRecord } from '../../security/tokens.ts';
import { AGENT_NOUN, AGENT_PATH, type AgentKind } from './removal-blocks.ts';

/** Finds a token by id; undefined once it was revoked. */
export type TokenLookup = (id: string) => TokenRecord | undefined;

/** Holding this scope (or `*`) makes a token an admin for the kind: it may move an agent onto itself. */
const MANAGE_SCOPE: Record<AgentKind, Scope> = {
  host: 'agent:manage',
  docker: 'docker:manage',
  kubernetes: 'kubernetes:manage',
};

export interface BindingInput {
  kind: AgentKind;
  id: string;
  /** The token the agent is bound to; null or undefined while nothing is bound. */
  boundTokenId: string | null | undefined;
  token: TokenRecord;
  tokens: TokenLookup;
  now: number;
}

/** Whether `token` may report for the agent, binding it to itself when it is not the bound one. */
export function mayClaim(input: BindingInput): boolean {
  const { boundTokenId, token, kind } = input;
  if (!boundTokenId || boundTokenId === token.id) return true;
  if (hasScope(token.scopes, MANAGE_SCOPE[kind])) return true;
  const bound = input.tokens(boundTokenId);
  return !bound || (bound.expiresAt !== null && bound.expiresAt <= input.now);
}

/** Throws identity_bound, with the ways out, when another live token holds the agent. */
export function assertMayClaim(input: BindingInput): void {
  if (mayClaim(input)) return;
  const { kind, id, token } = input;
  const path = AGENT_PATH[kind](id);
  throw new ApiError(
    'identity_bound',
    `${AGENT_NOUN[kind]} '${id}' belongs to the API token that enrolled it, and API token '${token.name}' is another one. Report with the token that enrolled it; to move the agent to this token, remove it with DELETE ${path} and allow it back with POST ${path}/allow-reenroll (or revoke the enrolling token), then report again`,
    { id },
  );
}

// What Docker hosts and Kubernetes clusters share: admission (removal blocks, token binding, the cap per
// token), admin settings applied to the state, removal with hide/force, and the online → offline sweep.
import type { Clock } from '../../clock.ts';
import { ApiError } from '../../http/errors.ts';
import type { TokenRecord } from '../../security/tokens.ts';
import { tokenHint } from '../../security/tokens.ts';
import type { Collection } from '../../state/live-state.ts';
import { type AgentLimits, assertUnderTokenCap } from './agent-limits.ts';
import type { AgentSetting, AgentSettingsStore } from './agent-settings.ts';
import type { AgentKind, RemovalBlocks } from './removal-blocks.ts';
import { assertMayClaim, type TokenLookup } from './token-binding.ts';

export interface FleetEntity {
  id: string;
  status: 'online' | 'offline';
  lastSeen: string;
  intervalSeconds: number;
  displayName: string;
  customDisplayName?: string;
  hidden: boolean;
  pendingUninstall: boolean;
  tokenId?: string;
  tokenName?: string;
  tokenHint?: string;
}

export interface FleetDeps {
  blocks: RemovalBlocks;
  settings: AgentSettingsStore;
  clock: Clock;
  tokens: TokenLookup;
  limits: AgentLimits;
}

export interface FleetOptions<T> {
  kind: AgentKind;
  /** What the API calls one of these, and several, for messages. */
  noun: string;
  nouns: string;
  offlineAfterMs: (intervalSeconds: number) => number;
  /** Docker: one token may not serve two agents. */
  exclusiveToken: boolean;
  /** The name the agent reports, shown when no custom display name is set. */
  reportedName: (item: T) => string;
  /** Lets the owner drop what it keeps per agent (counters) when one is removed. */
  onRemoved?: (id: string) => void;
}

export type RemoveOutcome = 'removed' | 'hidden' | 'not_found';

export class AgentFleet<T extends FleetEntity> {
  private readonly items: Collection<T>;
  private readonly deps: FleetDeps;
  readonly opts: FleetOptions<T>;

  constructor(items: Collection<T>, deps: FleetDeps, opts: FleetOptions<T>) {
    this.items = items;
    this.deps = deps;
    this.opts = opts;
  }

  /**
   * Refuses a report for an agent another token holds, over a token that another agent holds (Docker),
   * past the token's cap, or from a removed agent. Nothing is written before every check passed.
   */
  async admit(id: string, token: TokenRecord | undefined, now: number): Promise<void> {
    const { kind } = this.opts;
    if (token) {
      const boundTokenId = this.deps.settings.get(kind, id).tokenId;
      assertMayClaim({ kind, id, boundTokenId, token, tokens: this.deps.tokens, now });
      this.assertTokenFree(id, token);
      if (boundTokenId !== token.id) {
        assertUnderTokenCap({
          token,
          count: this.deps.settings.countBoundTo(kind, token.id),
          limit: this.deps.limits.maxHostsPerToken,
          nouns: this.opts.nouns,
          id,
        });
      }
    }
    await this.deps.blocks.check(kind, id, token?.createdAt, now);
  }

  private assertTokenFree(id: string, token: TokenRecord): void {
    if (!this.opts.exclusiveToken) return;
    const holder = this.deps.settings.holderOf(this.opts.kind, token.id, id);
    if (holder && this.items.get(holder)) {
      throw new ApiError(
        'invalid_report',
        `API token '${token.name}' is already in use by ${this.opts.noun} '${holder}'; each agent needs its own token`,
        { tokenId: token.id, holder },
      );
    }
  }

  /** Stamps admin settings and token hints on a freshly built entity and stores it. */
  async apply(item: T, token: TokenRecord | undefined, now: number): Promise<T> {
    const setting = token
      ? await this.deps.settings.set(this.opts.kind, item.id, { tokenId: token.id }, now)
      : this.deps.settings.get(this.opts.kind, item.id);
    const stamped: T = {
      ...item,
      ...adminFields(setting, this.opts.reportedName(item)),
      ...tokenFields(token),
    };
    this.items.upsert(stamped, now);
    return stamped;
  }

  get(id: string): T | undefined {
    return this.items.get(id);
  }

  /**
   * Removes an agent and blocks it for 24 h, or only hides it (`hide`). One that is still reporting is
   * refused unless `force`, since it would be back with its next report.
   */
  async remove(id: string, opts: { hide: boolean; force: boolean }): Promise<RemoveOutcome> {
    const now = this.deps.clock.now();
    const item = this.items.get(id);
    if (!item) return 'not_found';
    if (opts.hide) {
      await this.update(id, { hidden: true });
      return 'hidden';
    }
    if (item.status === 'online' && !opts.force) {
      throw new ApiError(
        'conflict',
        `${this.opts.noun} '${id}' is still reporting; stop its agent first, mark it pending-uninstall, or remove it with ?force=true`,
      );
    }
    await this.deps.blocks.add(this.opts.kind, id, item.displayName, now);
    await this.deps.settings.delete(this.opts.kind, id);
    this.items.remove(id, now);
    this.opts.onRemoved?.(id);
    return 'removed';
  }

  allowReenroll(id: string): Promise<boolean> {
    return this.deps.blocks.allow(this.opts.kind, id);
  }

  /** Changes admin settings of a known agent; false when unknown. */
  async update(id: string, patch: Partial<AgentSetting>): Promise<T | undefined> {
    const item = this.items.get(id);
    if (!item) return undefined;
    const now = this.deps.clock.now();
    const setting = await this.deps.settings.set(this.opts.kind, id, patch, now);
    this.items.patch(id, entityPatch<T>(adminFields(setting, this.opts.reportedName(item))), now);
    return this.items.get(id);
  }

  sweep(): number {
    const now = this.deps.clock.now();
    let flipped = 0;
    for (const item of this.items.list()) {
      if (
        item.status === 'online' &&
        now - Date.parse(item.lastSeen) > this.opts.offlineAfterMs(item.intervalSeconds)
      ) {
        this.items.patch(item.id, entityPatch<T>({ status: 'offline' }), now);
        flipped++;
      }
    }
    return flipped;
  }
}

function adminFields(s: AgentSetting, reportedName: string): Partial<FleetEntity> {
  return {
    hidden: s.hidden,
    pendingUninstall: s.pendingUninstall,
    customDisplayName: s.displayName ?? undefined,
    displayName: s.displayName || reportedName,
  };
}

/**
 * A patch of FleetEntity fields as a patch of T. Safe: T extends FleetEntity, so every key here exists
 * on T with the same type; TypeScript cannot see that through the generic.
 */
function entityPatch<T extends FleetEntity>(patch: Partial<FleetEntity>): Partial<T> {
  return patch as Partial<T>;
}

function tokenFields(token: TokenRecord | undefined): Partial<FleetEntity> {
  if (!token) return {};
  return { tokenId: token.id, tokenName: token.name, tokenHint: tokenHint(token) };
}

// API token scopes, their legacy aliases, and the check used by the server and tools.

export const SCOPES = [
  '*',
  'monitoring:read',
  'monitoring:write',
  'settings:read',
  'settings:write',
  'docker:report',
  'docker:manage',
  'kubernetes:report',
  'kubernetes:manage',
  'agent:report',
  'agent:config:read',
  'agent:manage',
  'agent:enroll',
  'agent:exec',
  'audit:read',
] as const;

export type Scope = (typeof SCOPES)[number];

/** Older agents and installers still mint tokens with the `host-agent:` prefix. */
export const SCOPE_ALIASES: Readonly<Record<string, Scope>> = {
  'host-agent:report': 'agent:report',
  'host-agent:config:read': 'agent:config:read',
  'host-agent:manage': 'agent:manage',
  'host-agent:enroll': 'agent:enroll',
  'host-agent:exec': 'agent:exec',
};

const known = new Set<string>(SCOPES);

/**
 * Maps a scope or legacy alias to its canonical name, or undefined when unknown.
 * The alias table is an object literal, so a bare `SCOPE_ALIASES[raw]` would hand back
 * Object.prototype members for names like `constructor` or `__proto__`; only own keys count.
 */
export function canonicalScope(raw: string): Scope | undefined {
  if (Object.hasOwn(SCOPE_ALIASES, raw)) return SCOPE_ALIASES[raw];
  return known.has(raw) ? (raw as Scope) : undefined;
}

export function hasScope(granted: readonly Scope[], needed: Scope): boolean {
  return granted.includes('*') || granted.includes(needed);
}

/**
 * The requested scopes that a holder of `granted` may not hand out: a token can only pass on what it
 * holds itself, and only a '*' holder can grant '*'.
 */
export function scopesBeyond(granted: readonly Scope[], requested: readonly Scope[]): Scope[] {
  if (granted.includes('*')) return [];
  return [...new Set(requested.filter((s) => !granted.includes(s)))];
}

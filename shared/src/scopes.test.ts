// canonicalScope knows the scopes and aliases and nothing else; scopesBeyond says what a holder may not hand on.
import { describe, expect, it } from 'vitest';
import { canonicalScope, SCOPE_ALIASES, SCOPES, scopesBeyond } from './scopes.ts';

describe('canonicalScope', () => {
  it('maps every scope to itself and every alias to its scope', () => {
    for (const scope of SCOPES) expect(canonicalScope(scope)).toBe(scope);
    for (const [alias, scope] of Object.entries(SCOPE_ALIASES)) expect(canonicalScope(alias)).toBe(scope);
  });

  it('knows nothing that only exists on Object.prototype', () => {
    for (const name of Object.getOwnPropertyNames(Object.prototype)) {
      expect(canonicalScope(name), name).toBeUndefined();
    }
    expect(canonicalScope('__proto__')).toBeUndefined();
  });
});

describe('scopesBeyond', () => {
  it("is empty for a '*' holder, whatever is asked", () => {
    expect(scopesBeyond(['*'], ['*', 'agent:exec'])).toEqual([]);
  });

  it("lists what the holder lacks once each, '*' included", () => {
    expect(scopesBeyond(['settings:write'], ['*'])).toEqual(['*']);
    expect(scopesBeyond(['settings:write'], ['settings:write', 'agent:exec', 'agent:exec'])).toEqual([
      'agent:exec',
    ]);
    expect(scopesBeyond(['monitoring:read', 'settings:write'], ['monitoring:read'])).toEqual([]);
  });
});

// Bodies and answers of /api/security/tokens.
import { z } from 'zod';
import { canonicalScope, type Scope } from '../scopes.ts';

// canonicalScope only accepts the known names and aliases, so `__proto__`, `constructor` and the
// like are refused here with the rest of the unknown scopes.
const ScopeName = z.string().transform((raw, ctx): Scope => {
  const scope = canonicalScope(raw);
  if (!scope) {
    ctx.addIssue({ code: 'custom', message: `unknown scope '${raw}'` });
    return z.NEVER;
  }
  return scope;
});

export const CreateTokenRequest = z.strictObject({
  name: z.string().trim().min(1, 'must not be empty').max(100),
  scopes: z
    .array(ScopeName)
    .min(1, 'must list at least one scope (omit the field for full access)')
    .max(64, 'lists more scopes than exist')
    .optional(),
  expiresInDays: z.number().int().min(1).max(3650).optional(),
});
export type CreateTokenRequest = z.infer<typeof CreateTokenRequest>;

export const TokenView = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  suffix: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  expiresAt: z.string().nullable(),
  scopes: z.array(z.string()),
  source: z.enum(['api', 'env']),
});
export type TokenView = z.infer<typeof TokenView>;

export const TokenListResponse = z.object({ tokens: z.array(TokenView) });
export const CreateTokenResponse = z.object({ token: z.string(), record: TokenView });

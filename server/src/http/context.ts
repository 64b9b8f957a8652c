// Per-request values that middleware hands to handlers.
import type { TokenRecord } from '../security/tokens.ts';

export interface AppEnv {
  Variables: {
    requestId: string;
    /** The verified API token; undefined on public routes and setup-token requests. */
    token: TokenRecord | undefined;
  };
}

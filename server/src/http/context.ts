// Per-request values that middleware hands to handlers.
import type { TokenRecord } from '../security/tokens.ts';
import type { ApiError } from './errors.ts';

export interface AppEnv {
  Variables: {
    requestId: string;
    /** The verified API token; undefined on public routes and setup-token requests. */
    token: TokenRecord | undefined;
    /** The error the answer carries, set by the error handler for the request log line. */
    apiError: ApiError | undefined;
  };
}

// Token hashing shared by API tokens and the setup token.
import { createHash, randomBytes } from 'node:crypto';

export function sha3(raw: string): string {
  return createHash('sha3-256').update(raw, 'utf8').digest('hex');
}

/** 32 random bytes as 64 hex characters, the raw token format of the original. */
export function newRawToken(bytes = 32): string {
  return randomBytes(bytes).toString('hex');
}

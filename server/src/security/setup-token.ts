// First-run setup token: lets the operator mint the first API token when none exists yet.

import { timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DATA_FILE_MODE, restrictToOwner } from './data-dir.ts';
import { newRawToken, sha3 } from './hash.ts';

export const SETUP_TOKEN_FILE = '.bootstrap_token';

export class SetupToken {
  readonly path: string;
  private hash: string | null;
  private claimed = false;

  private constructor(path: string, hash: string | null) {
    this.path = path;
    this.hash = hash;
  }

  /** Creates (or reuses) the setup token file when no API token exists; otherwise removes it. */
  static prepare(dataDir: string, needed: boolean): SetupToken {
    const path = join(dataDir, SETUP_TOKEN_FILE);
    if (!needed) {
      rmSync(path, { force: true });
      return new SetupToken(path, null);
    }
    let raw = existsSync(path) ? readFileSync(path, 'utf8').trim() : '';
    if (!/^[0-9a-f]{48}$/.test(raw)) {
      raw = newRawToken(24);
      writeFileSync(path, `${raw}\n`, { mode: DATA_FILE_MODE });
    }
    // The mode option only applies to a new file; one kept from an older version may be world-readable.
    restrictToOwner(path);
    return new SetupToken(path, sha3(raw));
  }

  get active(): boolean {
    return this.hash !== null;
  }

  matches(raw: string): boolean {
    if (this.hash === null) return false;
    return timingSafeEqual(Buffer.from(sha3(raw.trim())), Buffer.from(this.hash));
  }

  /**
   * Reserves the setup token for one request at a time: the first-token check and the insert are
   * separated by awaits, so without this, concurrent requests could each mint a first token.
   */
  claim(): boolean {
    if (this.hash === null || this.claimed) return false;
    this.claimed = true;
    return true;
  }

  /** Ends a claim; a no-op once the token is retired, and makes it usable again after a failed attempt. */
  release(): void {
    this.claimed = false;
  }

  /** Called once the first API token exists: the setup token is spent. */
  retire(): void {
    this.hash = null;
    this.claimed = false;
    rmSync(this.path, { force: true });
  }
}

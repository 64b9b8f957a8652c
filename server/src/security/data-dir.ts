// Keeps the data directory private to the server's user: the directory 0700, the files in it 0600.
import { chmodSync, closeSync, lstatSync, mkdirSync, openSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export const DATA_DIR_MODE = 0o700;
export const DATA_FILE_MODE = 0o600;

/** Group and other bits: none of them belong on anything in the data directory. */
const SHARED_BITS = 0o077;

// POSIX modes mean nothing on Windows, where chmod only toggles the read-only flag.
const POSIX = process.platform !== 'win32';

/**
 * Takes group and other access away from one path and reports whether it had any. Only those bits
 * are cleared, so an owner's own bits (an executable someone keeps there) survive.
 */
export function restrictToOwner(path: string): boolean {
  if (!POSIX) return false;
  const mode = lstatSync(path).mode & 0o777;
  if ((mode & SHARED_BITS) === 0) return false;
  chmodSync(path, mode & ~SHARED_BITS);
  return true;
}

/**
 * Creates the data directory if needed and tightens what an older version (or a copy made with a
 * default umask) left readable: the directory itself and the regular files at its top level.
 * Symbolic links are skipped, since chmod would follow them out of the directory, and nothing below
 * the top level is touched, in case the directory was pointed at a place that holds other things.
 * Returns the names whose modes were changed, for the start-up log.
 */
export function secureDataDir(dir: string): string[] {
  mkdirSync(dir, { recursive: true, mode: DATA_DIR_MODE });
  const changed: string[] = [];
  if (restrictToOwner(dir)) changed.push('.');
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isFile() && restrictToOwner(join(dir, entry.name))) changed.push(entry.name);
  }
  return changed;
}

/**
 * Creates an empty file with owner-only access unless it exists. SQLite gives its -wal and -shm
 * files the mode of the database file, so creating pulse.db this way first keeps all three private.
 */
export function touchPrivate(path: string): void {
  closeSync(openSync(path, 'a', DATA_FILE_MODE));
}

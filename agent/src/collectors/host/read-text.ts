// Synchronous read of a small kernel or sysfs text file, where "missing" is an answer rather than an error.
import { readFileSync } from 'node:fs';

/** The file's text, or undefined when it does not exist or cannot be read (no /proc in a sandbox, EACCES). */
export function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

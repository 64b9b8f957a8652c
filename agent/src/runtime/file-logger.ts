// JSON log lines appended to a file, rotated at 25 MB (one previous file kept as <file>.1).
import { appendFileSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { createLogger, type Logger, type LogLevel } from '@pulse/shared/log';

const MAX_BYTES = 25 * 1024 * 1024;

export function createFileLogger(level: LogLevel, path: string): Logger {
  mkdirSync(dirname(path), { recursive: true });
  let size = 0;
  try {
    size = statSync(path).size;
  } catch {
    size = 0;
  }
  return createLogger(level, (line) => {
    if (size + line.length > MAX_BYTES) {
      renameSync(path, `${path}.1`);
      size = 0;
    }
    appendFileSync(path, line, { mode: 0o600 });
    size += Buffer.byteLength(line);
  });
}

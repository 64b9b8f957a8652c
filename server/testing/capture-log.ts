// Test-only: a real logger whose lines are kept in memory, so a test can assert what was logged and at which level.
import { createLogger, type Logger, type LogLevel } from '@pulse/shared';

export interface LogLine {
  level: string;
  msg: string;
  [field: string]: unknown;
}

export interface CapturedLog {
  log: Logger;
  lines: LogLine[];
}

export function captureLog(level: LogLevel = 'debug'): CapturedLog {
  const lines: LogLine[] = [];
  const log = createLogger(level, (line) => {
    lines.push(JSON.parse(line) as LogLine);
  });
  return { log, lines };
}

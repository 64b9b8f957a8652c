// A small structured logger: one JSON object per line, levels filtered once at creation.

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
type Fields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: Fields): void;
  info(msg: string, fields?: Fields): void;
  warn(msg: string, fields?: Fields): void;
  error(msg: string, fields?: Fields): void;
}

const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export function createLogger(
  level: LogLevel,
  write: (line: string) => void = (l) => process.stdout.write(l),
): Logger {
  const min = rank[level];
  const emit = (lvl: Exclude<LogLevel, 'silent'>) =>
    rank[lvl] < min
      ? () => {}
      : (msg: string, fields?: Fields) => {
          write(`${JSON.stringify({ level: lvl, time: new Date().toISOString(), msg, ...fields })}\n`);
        };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}

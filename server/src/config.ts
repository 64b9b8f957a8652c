// Server configuration, read from the environment once at start and passed down.
import { DEFAULT_PORT, LOG_LEVELS } from '@pulse/shared';
import { z } from 'zod';

const tokenList = z
  .string()
  .optional()
  .transform((s) =>
    (s ?? '')
      .split(',')
      .map((t) => t.trim())
      .filter((t) => t.length > 0),
  );

const EnvSchema = z.object({
  // 0 asks the OS for a free port (tests); the chosen one is logged.
  PORT: z.coerce.number().int().min(0).max(65535).default(DEFAULT_PORT),
  BIND_ADDRESS: z.string().min(1).default('0.0.0.0'),
  PULSE_DATA_DIR: z.string().min(1).default('./data'),
  API_TOKENS: tokenList,
  API_TOKEN: tokenList,
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
});

export interface ServerConfig {
  port: number;
  bindAddress: string;
  dataDir: string;
  /** Raw tokens from API_TOKEN and API_TOKENS, merged without duplicates. */
  envTokens: string[];
  logLevel: z.infer<typeof EnvSchema>['LOG_LEVEL'];
}

export function parseConfig(env: Record<string, string | undefined>): ServerConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid configuration: ${problems}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    bindAddress: e.BIND_ADDRESS,
    dataDir: e.PULSE_DATA_DIR,
    envTokens: [...new Set([...e.API_TOKENS, ...e.API_TOKEN])],
    logLevel: e.LOG_LEVEL,
  };
}

// Container environment for the report, with the values of secret-looking variables replaced by `***`.

/** Substrings of a variable NAME (case-insensitive) that make its value secret. */
export const SECRET_NAME_PARTS = [
  'password',
  'passwd',
  'secret',
  'key',
  'token',
  'credential',
  'auth',
  'api_key',
  'apikey',
  'private',
  'access_token',
  'refresh_token',
  'database_url',
  'connection_string',
  'encryption',
] as const;

export const MASK = '***';

/**
 * Whether the variable's value must not leave the host. Matching is by substring, so `MONKEY` and
 * `AUTHOR` are masked too: a masked harmless value costs little, a leaked password a lot.
 */
export function isSecretName(name: string): boolean {
  const lower = name.toLowerCase();
  return SECRET_NAME_PARTS.some((part) => lower.includes(part));
}

/**
 * `NAME=value` entries with secret values masked. An empty value stays empty (there is nothing to hide,
 * and "set but empty" is worth seeing); an entry without `=` is a name only and passes unchanged.
 */
export function maskEnv(env: readonly string[]): string[] {
  return env.map((entry) => {
    const eq = entry.indexOf('=');
    if (eq < 0) return entry;
    const name = entry.slice(0, eq);
    const value = entry.slice(eq + 1);
    return value !== '' && isSecretName(name) ? `${name}=${MASK}` : entry;
  });
}

import { describe, expect, it } from 'vitest';
import { isSecretName, MASK, maskEnv, SECRET_NAME_PARTS } from './env-mask.ts';

describe('maskEnv', () => {
  it('masks the value of every name containing a secret word, in any case', () => {
    const env = [
      'DB_PASSWORD=hunter2',
      'mysql_passwd=x',
      'Session_Secret=s',
      'STRIPE_API_KEY=sk',
      'GITHUB_TOKEN=t',
      'AWS_CREDENTIALS=c',
      'BASIC_AUTH=u:p',
      'APIKEY=k',
      'PRIVATE_PEM=-----BEGIN',
      'OAUTH_REFRESH_TOKEN=r',
      'DATABASE_URL=postgres://u:p@db/x',
      'MSSQL_CONNECTION_STRING=Server=x;Password=y',
      'ENCRYPTION_SALT=z',
    ];
    expect(maskEnv(env)).toEqual(env.map((e) => `${e.slice(0, e.indexOf('='))}=${MASK}`));
  });

  it('keeps other values, values containing "=", names without a value and empty values', () => {
    expect(maskEnv(['PLAIN=ok', 'JAVA_OPTS=-Dx=1', 'FLAG', 'EMPTY_PASSWORD=', 'PATH=/bin'])).toEqual([
      'PLAIN=ok',
      'JAVA_OPTS=-Dx=1',
      'FLAG',
      'EMPTY_PASSWORD=',
      'PATH=/bin',
    ]);
  });

  it('masks by the name only: a secret-looking value under a plain name passes (the name is the contract)', () => {
    expect(maskEnv(['GREETING=password'])).toEqual(['GREETING=password']);
  });
});

describe('isSecretName', () => {
  it('matches substrings, so some harmless names are masked too', () => {
    expect(isSecretName('MONKEY')).toBe(true);
    expect(isSecretName('AUTHOR')).toBe(true);
    expect(isSecretName('HOSTNAME')).toBe(false);
  });

  it('covers the spec list', () => {
    for (const part of SECRET_NAME_PARTS) expect(isSecretName(`X_${part.toUpperCase()}_Y`)).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { tokenAuthorization } from './auth.ts';
import {
  formatFingerprint,
  isValidFingerprint,
  normalizeBaseUrl,
  normalizeFingerprint,
  parseTokenId,
  resolveAuth,
} from './normalize.ts';

describe('normalizeBaseUrl', () => {
  it('adds https and the product default port to a bare host', () => {
    expect(normalizeBaseUrl('pve', '192.168.1.10')).toBe('https://192.168.1.10:8006');
    expect(normalizeBaseUrl('pbs', '192.168.1.10')).toBe('https://192.168.1.10:8007');
    expect(normalizeBaseUrl('pmg', 'Mail.Example.COM')).toBe('https://mail.example.com:8006');
  });

  it('keeps an explicit scheme and port, and strips trailing slashes and /api2/json', () => {
    expect(normalizeBaseUrl('pve', 'http://pve:8080/')).toBe('http://pve:8080');
    expect(normalizeBaseUrl('pve', 'https://pve.lan:443/api2/json/')).toBe('https://pve.lan:443');
    expect(normalizeBaseUrl('pbs', 'pbs.lan:8007/api2/json')).toBe('https://pbs.lan:8007');
    expect(normalizeBaseUrl('pve', 'https://proxy.lan:443/pve/')).toBe('https://proxy.lan:443/pve');
  });

  it('handles IPv6 and drops user info', () => {
    expect(normalizeBaseUrl('pve', 'fe80::1')).toBe('https://[fe80::1]:8006');
    expect(normalizeBaseUrl('pve', '[fe80::1]:9000')).toBe('https://[fe80::1]:9000');
    expect(normalizeBaseUrl('pve', 'https://root:hunter2@pve:8006')).toBe('https://pve:8006');
  });

  it('refuses nonsense', () => {
    expect(() => normalizeBaseUrl('pve', '')).toThrow(/empty/);
    expect(() => normalizeBaseUrl('pve', 'ftp://pve')).toThrow(/scheme/);
    expect(() => normalizeBaseUrl('pve', 'pve:99999')).toThrow(/port/);
  });
});

describe('fingerprints', () => {
  const hex = 'ab'.repeat(32);
  it('strips colons and spaces and lower-cases', () => {
    expect(normalizeFingerprint(`AB:${'AB:'.repeat(30)}AB`)).toBe(hex);
    expect(normalizeFingerprint(' ab ab\tAB ')).toBe('ababab');
    expect(isValidFingerprint(formatFingerprint(hex))).toBe(true);
    expect(isValidFingerprint('abc')).toBe(false);
    expect(formatFingerprint('aabbcc')).toBe('AA:BB:CC');
  });
});

describe('token names and auth choice', () => {
  it('takes user@realm!id as is, or joins a bare id to the user', () => {
    expect(parseTokenId('pulse@pve!monitor')).toBe('pulse@pve!monitor');
    expect(parseTokenId('monitor', 'pulse@pve')).toBe('pulse@pve!monitor');
    expect(() => parseTokenId('monitor')).toThrow(/user@realm!monitor/);
    expect(() => parseTokenId('monitor', 'pulse')).toThrow(/realm/);
    expect(() => parseTokenId('pulse!monitor')).toThrow(/user@realm!tokenid/);
  });

  it('prefers a token, needs a realm for passwords, and never echoes a secret', () => {
    expect(resolveAuth({ tokenName: 'a@pam!t', tokenValue: 's3cr3t' })).toEqual({
      type: 'token',
      tokenId: 'a@pam!t',
      secret: 's3cr3t',
    });
    expect(resolveAuth({ user: 'root@pam', password: 'pw' })).toEqual({
      type: 'password',
      user: 'root@pam',
      password: 'pw',
    });
    expect(() => resolveAuth({ user: 'root', password: 'pw-secret-1' })).toThrow(/root@pam/);
    expect(() => resolveAuth({ tokenValue: 'tok-secret-1' })).toThrow(/without a token name/);
    try {
      resolveAuth({ user: 'root', password: 'pw-secret-1' });
    } catch (err) {
      expect(String(err)).not.toContain('pw-secret-1');
    }
  });

  it('formats the three token headers exactly', () => {
    expect(tokenAuthorization('pve', 'u@pam!id', 'sec')).toBe('PVEAPIToken=u@pam!id=sec');
    expect(tokenAuthorization('pbs', 'u@pbs!id', 'sec')).toBe('PBSAPIToken=u@pbs!id:sec');
    expect(tokenAuthorization('pmg', 'u@pmg!id', 'sec')).toBe('PMGAPIToken=u@pmg!id:sec');
  });
});

import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KEY_FILE, SecretBox } from './secret-box.ts';

const dir = () => mkdtempSync(join(tmpdir(), 'pulse-box-'));

describe('SecretBox', () => {
  it('creates a 0600 key file once and reuses it', () => {
    const d = dir();
    const sealed = SecretBox.openKeyFile(d).seal('hunter2-password');
    expect(statSync(join(d, KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(SecretBox.openKeyFile(d).open(sealed)).toBe('hunter2-password');
  });

  it('never leaves the plaintext in the sealed text and uses a fresh IV each time', () => {
    const box = SecretBox.openKeyFile(dir());
    const a = box.seal('same-secret');
    const b = box.seal('same-secret');
    expect(a).not.toBe(b);
    expect(a).not.toContain('same-secret');
    expect(Buffer.from(a.split(':')[3] ?? '', 'base64').toString('utf8')).not.toContain('same-secret');
  });

  it('refuses an altered ciphertext and a different key', () => {
    const box = SecretBox.openKeyFile(dir());
    const sealed = box.seal('token-value');
    const parts = sealed.split(':');
    const body = Buffer.from(parts[3] ?? '', 'base64');
    body[0] = (body[0] ?? 0) ^ 1;
    parts[3] = body.toString('base64');
    expect(() => box.open(parts.join(':'))).toThrow();
    expect(() => SecretBox.openKeyFile(dir()).open(sealed)).toThrow();
    expect(() => box.open('plain text')).toThrow(/unknown format/);
  });

  it('refuses a damaged key file instead of silently replacing it', () => {
    const d = dir();
    writeFileSync(join(d, KEY_FILE), 'too-short\n', { mode: 0o600 });
    expect(() => SecretBox.openKeyFile(d)).toThrow(/32-byte/);
    expect(readFileSync(join(d, KEY_FILE), 'utf8')).toBe('too-short\n');
  });
});

import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ReportBuffer } from './report-buffer.ts';

const isN = (v: unknown): v is { n: number } =>
  typeof v === 'object' && v !== null && 'n' in v && typeof v.n === 'number';

describe('ReportBuffer', () => {
  it('keeps order and drops the oldest past capacity', () => {
    const b = new ReportBuffer<number>(3);
    for (let i = 1; i <= 5; i++) b.push(i);
    expect([b.shift(), b.shift(), b.shift(), b.shift()]).toEqual([3, 4, 5, undefined]);
    expect(b.dropped).toBe(2);
  });

  it('saves atomically with mode 0600 and loads back in order, deleting the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'buf-'));
    const path = join(dir, 'report-buffer.json');
    const b = new ReportBuffer<{ n: number }>();
    b.push({ n: 1 });
    b.push({ n: 2 });
    expect(b.save(path)).toBe(2);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const again = new ReportBuffer<{ n: number }>();
    expect(again.load(path, isN)).toEqual({ loaded: 2, rejected: 0 });
    expect([again.shift(), again.shift()]).toEqual([{ n: 1 }, { n: 2 }]);
    expect(existsSync(path)).toBe(false);
  });

  it('skips items that fail validation and survives a corrupt file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'buf-'));
    const path = join(dir, 'report-buffer.json');
    writeFileSync(path, JSON.stringify({ version: 1, reports: [{ n: 1 }, { nope: true }] }));
    const b = new ReportBuffer<{ n: number }>();
    expect(b.load(path, isN)).toEqual({ loaded: 1, rejected: 1 });
    writeFileSync(path, '{ truncated');
    expect(new ReportBuffer<{ n: number }>().load(path, isN)).toEqual({ loaded: 0, rejected: 1 });
    expect(existsSync(path)).toBe(false);
  });

  it('writes nothing for an empty buffer and removes a stale file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'buf-'));
    const path = join(dir, 'report-buffer.json');
    writeFileSync(path, 'old');
    expect(new ReportBuffer().save(path)).toBe(0);
    expect(existsSync(path)).toBe(false);
    expect(() => readFileSync(path)).toThrow();
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  machineIdFromText,
  parseLoadavg,
  parseUptime,
  readLoadavg,
  readMachineId,
  readUptime,
} from './system.ts';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

describe('parseLoadavg', () => {
  it('reads the three averages of a recorded /proc/loadavg', () => {
    expect(parseLoadavg(fixture('loadavg'))).toEqual([1.97, 1.36, 0.68]);
    expect(parseLoadavg('0.00 0.01 0.05 1/211 30211\n')).toEqual([0, 0.01, 0.05]);
  });

  it('gives undefined for empty or garbled text', () => {
    expect(parseLoadavg('')).toBeUndefined();
    expect(parseLoadavg('0.5 0.4\n')).toBeUndefined();
    expect(parseLoadavg('a b c\n')).toBeUndefined();
  });
});

describe('parseUptime', () => {
  it('truncates the first field to whole seconds', () => {
    expect(parseUptime(fixture('uptime'))).toBe(986);
    expect(parseUptime('350735.47 234388.90\n')).toBe(350735);
  });

  it('gives undefined for empty or garbled text', () => {
    expect(parseUptime('')).toBeUndefined();
    expect(parseUptime('-3 5\n')).toBeUndefined();
    expect(parseUptime('up 3 days\n')).toBeUndefined();
  });
});

describe('machineIdFromText', () => {
  it('formats systemd 32-hex ids as a lowercase UUID', () => {
    expect(machineIdFromText('3D1219C7C4C5404AAA1F6D2A48ADFDA4\n')).toBe(
      '3d1219c7-c4c5-404a-aa1f-6d2a48adfda4',
    );
  });

  it('keeps other ids of 8 characters or more as they are, trimmed', () => {
    expect(machineIdFromText('  host-0042-abc \n')).toBe('host-0042-abc');
    expect(machineIdFromText('3d1219c7-c4c5-404a-aa1f-6d2a48adfda4')).toBe(
      '3d1219c7-c4c5-404a-aa1f-6d2a48adfda4',
    );
  });

  it('rejects empty and short ids', () => {
    expect(machineIdFromText('')).toBeUndefined();
    expect(machineIdFromText('uninit\n')).toBeUndefined();
  });
});

describe('readers', () => {
  it('give undefined for files that do not exist', () => {
    expect(readLoadavg('/nonexistent/loadavg')).toBeUndefined();
    expect(readUptime('/nonexistent/uptime')).toBeUndefined();
    expect(readMachineId(['/nonexistent/machine-id'])).toBeUndefined();
  });

  it('take the first usable id', () => {
    const path = new URL('./fixtures/machine-id', import.meta.url).pathname;
    expect(readMachineId(['/nonexistent/machine-id', path])).toBe('0f4e2a91-7c3b-4d58-9e16-b2a7c0d3e845');
  });
});

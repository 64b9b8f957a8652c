import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ToolResult } from './tools.ts';
import { parseZpoolList, readZpools, ZPOOL_LIST_ARGS } from './zfs.ts';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

describe('parseZpoolList', () => {
  it('gives one disk per pool with exact bytes', () => {
    expect(parseZpoolList(fixture('zpool-list'))).toEqual([
      {
        device: 'rpool',
        mountpoint: 'zpool:rpool',
        filesystem: 'zfs',
        type: 'zfs',
        totalBytes: 498216206336,
        usedBytes: 87412301824,
        freeBytes: 410803904512,
        usage: (87412301824 / 498216206336) * 100,
      },
      {
        device: 'tank',
        mountpoint: 'zpool:tank',
        filesystem: 'zfs',
        type: 'zfs',
        totalBytes: 15994458210304,
        usedBytes: 9123456712704,
        freeBytes: 6871001497600,
        usage: (9123456712704 / 15994458210304) * 100,
      },
      {
        device: 'backup',
        mountpoint: 'zpool:backup',
        filesystem: 'zfs',
        type: 'zfs',
        totalBytes: 7992761384960,
        usedBytes: 0,
        freeBytes: 7992761384960,
        usage: 0,
      },
    ]);
  });

  it('skips the human-readable form and garbled rows', () => {
    expect(parseZpoolList('')).toEqual([]);
    expect(parseZpoolList('tank\t14.5T\t8.30T\t6.25T\tONLINE\n')).toEqual([]);
    expect(parseZpoolList('no pools available\n')).toEqual([]);
    expect(parseZpoolList('empty\t0\t0\t0\tFAULTED\n')).toEqual([]);
  });
});

describe('readZpools', () => {
  it('runs zpool list with exact-byte output', async () => {
    let seen: readonly string[] = [];
    const run = async (_cmd: string, args: readonly string[]): Promise<ToolResult> => {
      seen = args;
      return { ok: true, stdout: fixture('zpool-list'), code: 0 };
    };
    expect((await readZpools(run)).value.map((d) => d.device)).toEqual(['rpool', 'tank', 'backup']);
    expect(seen).toEqual(ZPOOL_LIST_ARGS);
  });

  it('says why when zpool is missing', async () => {
    const run = async (): Promise<ToolResult> => ({
      ok: false,
      reason: 'missing',
      detail: 'zpool not found',
    });
    expect(await readZpools(run)).toEqual({ value: [], reason: 'zpool not found' });
  });
});

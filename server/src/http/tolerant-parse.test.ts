import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ApiError } from './errors.ts';
import { formatPath, type TolerantList, tolerantParse, withWarnings } from './tolerant-parse.ts';

const Item = z.object({
  id: z.string().max(8),
  name: z.string().max(8).optional(),
  size: z.number().min(0),
  tags: z.array(z.string()).optional(),
});
const Report = z.object({
  host: z.object({ hostname: z.string().max(16), disks: z.array(Item).max(10).optional() }),
  items: z.array(Item).max(10),
  note: z.string().optional(),
});
const LISTS: TolerantList[] = [
  { path: ['items'], noun: 'item' },
  { path: ['host', 'disks'], noun: 'disk' },
];

function report(extra: object = {}) {
  return {
    host: { hostname: 'h1', disks: [{ id: 'd0', size: 1 }] },
    items: [
      { id: 'a', name: 'first', size: 1 },
      { id: 'b', name: 'second', size: 2 },
      { id: 'c', name: 'third', size: 3 },
    ],
    ...extra,
  };
}

function thrownBy(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('expected an ApiError');
}

describe('tolerantParse', () => {
  it('returns a valid report as is, without warnings', () => {
    const result = tolerantParse(Report, report(), LISTS);
    expect(result.warnings).toEqual([]);
    expect(result.data.items.map((i) => i.id)).toEqual(['a', 'b', 'c']);
  });

  it('drops each bad item, keeps the rest, and names the item, its field and the problem', () => {
    const value = report();
    value.items[0] = { id: 'a', name: 'first', size: -1 };
    value.items[2] = { id: 'c', name: 'far-too-long', size: 3 };
    const result = tolerantParse(Report, value, LISTS);
    expect(result.data.items.map((i) => i.id)).toEqual(['b']);
    expect(result.warnings).toEqual([
      {
        path: 'items[0]',
        message: 'Dropped item "first" (id "a"): size: Too small: expected number to be >=0',
      },
      {
        path: 'items[2]',
        message:
          'Dropped item "far-too-long" (id "c"): name: Too big: expected string to have <=8 characters',
      },
    ]);
  });

  it('drops from a nested list, quoting each problem of the item', () => {
    const value = report();
    value.host.disks = [{ id: 'd0', size: 1 }, { bad: true } as never];
    const result = tolerantParse(Report, value, LISTS);
    expect(result.data.host.disks).toEqual([{ id: 'd0', size: 1 }]);
    expect(result.warnings).toEqual([
      {
        path: 'host.disks[1]',
        message:
          'Dropped disk: id: Invalid input: expected string, received undefined; size: Invalid input: expected number, received undefined',
      },
    ]);
  });

  it('quotes three problems of one item and counts the rest', () => {
    const value = { ...report(), items: [{ id: 1, name: 2, size: 'x', tags: [3, 4] }] };
    const [warning] = tolerantParse(Report, value, LISTS).warnings;
    expect(warning?.message).toMatch(/^Dropped item: id: .*; name: .*; size: [^;]* \(and 2 more\)$/);
  });

  it('says when an item is not even an object', () => {
    const value = { ...report(), items: ['oops', { id: 'x', size: 1 }] };
    const result = tolerantParse(Report, value, LISTS);
    expect(result.data.items).toEqual([{ id: 'x', size: 1 }]);
    expect(result.warnings[0]?.message).toBe('Dropped item: Invalid input: expected object, received string');
  });

  it('cuts a long name when quoting it, since that may be the problem', () => {
    const value = report();
    value.items[1] = { id: 'b', name: 'n'.repeat(300), size: 2 };
    const [warning] = tolerantParse(Report, value, LISTS).warnings;
    expect(warning?.message).toContain(`"${'n'.repeat(64)}…" (id "b")`);
    expect(warning?.message.length).toBeLessThan(200);
  });

  it('refuses the report, naming the field, when a problem lies outside the lists', () => {
    const err = thrownBy(() =>
      tolerantParse(Report, report({ host: { hostname: 'x'.repeat(100) } }), LISTS, 'invalid_report'),
    );
    expect(err.code).toBe('invalid_report');
    expect(err.message).toContain('host.hostname');
  });

  it('names only the remaining top-level problem when bad items come with it', () => {
    const value = report({ note: 42 });
    value.items[1] = { id: 'b', name: 'second', size: -2 };
    const err = thrownBy(() => tolerantParse(Report, value, LISTS));
    expect(err.details).toEqual({ note: 'Invalid input: expected string, received number' });
  });

  it('does not drop anything for a problem with the list itself', () => {
    const value = { ...report(), items: Array(11).fill({ id: 'a', size: 1 }) };
    expect(thrownBy(() => tolerantParse(Report, value, LISTS)).message).toContain('items:');
  });
});

describe('formatPath', () => {
  it('writes keys with dots and indexes in brackets', () => {
    expect(formatPath(['host', 'disks', 2, 'usage'])).toBe('host.disks[2].usage');
    expect(formatPath(['containers', 3])).toBe('containers[3]');
  });
});

describe('withWarnings', () => {
  const answer = { success: true, agentId: 'a' };

  it('leaves warnings out when there are none', () => {
    expect(withWarnings(answer, [])).toEqual(answer);
    expect(withWarnings({ ...answer, warnings: [] }, [])).toEqual(answer);
  });

  it('puts the parse warnings before the ingest warnings', () => {
    const parsed = [{ path: 'containers[1]', message: 'dropped' }];
    const own = [{ path: 'timestamp', message: 'clamped' }];
    expect(withWarnings({ ...answer, warnings: own }, parsed)).toEqual({
      ...answer,
      warnings: [...parsed, ...own],
    });
  });

  it('keeps the list within the 1000 warnings an answer may carry', () => {
    const many = Array.from({ length: 2500 }, (_, i) => ({ path: `containers[${i}]`, message: 'dropped' }));
    const warnings = withWarnings(answer, many).warnings ?? [];
    expect(warnings).toHaveLength(1000);
    expect(warnings.at(-1)).toEqual({ path: '', message: '1501 more warnings not listed' });
  });
});

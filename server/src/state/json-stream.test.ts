import type { Logger } from '@pulse/shared';
import { describe, expect, it } from 'vitest';
import { jsonPieces, jsonStream, logFailuresOnce, type SerialiseFailure } from './json-stream.ts';

function serialise(value: unknown): { text: string; failures: SerialiseFailure[] } {
  const failures: SerialiseFailure[] = [];
  return { text: [...jsonPieces(value, (f) => failures.push(f))].join(''), failures };
}

/**
 * `{ next: { next: ... } }`, `depth` levels, of prototype-less objects as zod builds records. V8 serialises
 * plain objects without recursing, but one object of another kind anywhere in the value sends the whole
 * JSON.stringify down its recursive path, which overflows the stack at a few thousand levels.
 */
function nested(depth: number): Record<string, unknown> {
  let value: Record<string, unknown> = Object.create(null);
  value.leaf = true;
  for (let i = 0; i < depth; i++) {
    const outer: Record<string, unknown> = Object.create(null);
    outer.next = value;
    value = outer;
  }
  return value;
}

const DEEP = 20_000;

describe('jsonPieces', () => {
  it('joins to exactly what JSON.stringify gives for ordinary values', () => {
    const withoutPrototype: Record<string, unknown> = Object.create(null);
    withoutPrototype.kept = 1;
    const samples: unknown[] = [
      {
        hosts: [{ id: 'a', name: 'ä "quoted" \n line', missing: undefined, tags: ['x'] }, undefined, null],
        stats: { uptime: 3, version: '1.0', skipped: undefined, fn: () => 1 },
        backups: { pve: [{ id: 'b', at: new Date(0) }], pbs: [], pmg: [] },
        numbers: [Number.NaN, Number.POSITIVE_INFINITY, -0, 1e21],
        emoji: '🙂',
        nothing: null,
        bare: withoutPrototype,
        nestedLists: [[1, [2, [3]]], { deep: { deeper: [{ deepest: 'yes' }] } }],
      },
      [],
      {},
      'text',
      42,
      null,
    ];
    for (const sample of samples) {
      const { text, failures } = serialise(sample);
      expect(text).toBe(JSON.stringify(sample));
      expect(failures).toEqual([]);
    }
  });

  it('keeps an item nested too deep for the stack without its deepest part, and its siblings whole', () => {
    expect(() => JSON.stringify(nested(DEEP))).toThrow(RangeError);
    const answer = {
      dockerHosts: [
        {
          id: 'deep-host',
          hostname: 'dock-1',
          containers: [{ id: 'c1', healthcheckTargets: [nested(DEEP)] }],
        },
        { id: 'plain-host', hostname: 'dock-2', containers: [{ id: 'c2' }] },
      ],
      stats: { dockerHosts: 2 },
    };
    const { text, failures } = serialise(answer);
    const parsed = JSON.parse(text) as typeof answer;
    expect(parsed.dockerHosts[1]).toEqual(answer.dockerHosts[1]);
    expect(parsed.stats).toEqual({ dockerHosts: 2 });
    const kept = parsed.dockerHosts[0];
    expect(kept).toMatchObject({ id: 'deep-host', hostname: 'dock-1', containers: [{ id: 'c1' }] });
    expect(text.length).toBeLessThan(10_000);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ path: 'dockerHosts[0]', id: 'deep-host' });
    expect(failures[0]?.error).toBeInstanceOf(RangeError);
  });

  it('reduces an item JSON has no form for to its scalars, and never throws', () => {
    const answer = {
      hosts: [{ id: 'odd', hostname: 'h', counter: 10n, disks: [{ device: 'sda' }], memory: { total: 4 } }],
    };
    const { text, failures } = serialise(answer);
    // The BigInt is written as text by the first retry; nothing else is lost.
    expect(JSON.parse(text)).toEqual({
      hosts: [{ id: 'odd', hostname: 'h', counter: '10', disks: [{ device: 'sda' }], memory: { total: 4 } }],
    });
    expect(failures.map((f) => f.id)).toEqual(['odd']);

    // A cycle is cut where the retry stops descending.
    const cyclic: Record<string, unknown> = { id: 'loop', list: [1, 2] };
    cyclic.self = cyclic;
    const cut = serialise({ hosts: [cyclic] });
    expect(JSON.parse(cut.text)).toMatchObject({
      hosts: [{ id: 'loop', list: [1, 2], self: { id: 'loop' } }],
    });
    expect(cut.failures.map((f) => f.id)).toEqual(['loop']);

    // A value that fails however it is retried leaves a stub: scalars kept, strings cut, lists emptied.
    const hostile = {
      id: 'stub',
      name: 'x'.repeat(5000),
      list: [1, 2],
      inner: {
        toJSON() {
          throw new Error('no JSON for this one');
        },
      },
    };
    const stubbed = serialise({ hosts: [hostile] });
    const host = (JSON.parse(stubbed.text) as { hosts: Record<string, unknown>[] }).hosts[0];
    expect(host).toMatchObject({ id: 'stub', list: [], inner: {} });
    expect(String(host?.name)).toHaveLength(1024);
    expect(stubbed.failures.map((f) => f.id)).toEqual(['stub']);
  });
});

describe('jsonStream', () => {
  it('streams UTF-8 chunks that decode to the whole answer', async () => {
    const answer = {
      resources: Array.from({ length: 3000 }, (_, i) => ({
        id: `r-${i}`,
        name: `größe-${i}-🙂`,
        tags: ['a'],
      })),
    };
    const res = new Response(jsonStream(answer, () => {}));
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(new TextDecoder().decode(bytes)).toBe(JSON.stringify(answer));
  });
});

describe('logFailuresOnce', () => {
  it('logs a failing item once however often it is read, keyed by list and id rather than index', () => {
    const lines: Array<Record<string, unknown>> = [];
    const log: Logger = {
      debug: () => {},
      info: () => {},
      warn: () => {},
      error: (msg, fields) => lines.push({ msg, ...fields }),
    };
    const onFailure = logFailuresOnce(log, 'GET /api/state');
    const error = new RangeError('Maximum call stack size exceeded');
    onFailure({ path: 'dockerHosts[0]', id: 'deep-host', error });
    onFailure({ path: 'dockerHosts[3]', id: 'deep-host', error });
    onFailure({ path: 'hosts[0]', id: 'deep-host', error });
    expect(lines).toEqual([
      expect.objectContaining({
        answer: 'GET /api/state',
        path: 'dockerHosts[0]',
        id: 'deep-host',
        error: 'RangeError: Maximum call stack size exceeded',
      }),
      expect.objectContaining({ path: 'hosts[0]', id: 'deep-host' }),
    ]);
  });
});

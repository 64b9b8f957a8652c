import { describe, expect, it } from 'vitest';
import type { ContainerSummary } from './container.ts';
import { collectContainers, type EngineGet, newContainerMemo } from './containers.ts';

const idOf = (i: number) => i.toString(16).padStart(4, '0').repeat(16);

function runningList(n: number): ContainerSummary[] {
  return Array.from({ length: n }, (_, i) => ({
    Id: idOf(i),
    Names: [`/app-${i}`],
    Image: 'registry.example.com/shop/web:2.4',
    ImageID: 'sha256:5c1e',
    Created: 1773400000,
    State: 'running',
    Status: 'Up 2 days',
  }));
}

/** Polls `ok` between turns of the event loop; the deadline is generous, it is not a measurement. */
async function until(ok: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`${what} not seen in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * An engine whose inspects answer at once and whose stats requests stay open until their signal aborts,
 * as a request to a stalled engine does; it counts stats requests started and open, and keeps the
 * requests made after the cycle was over.
 */
function stalledStats(cycle: AbortSignal) {
  const stats = { started: 0, open: 0, most: 0 };
  const late: string[] = [];
  const get: EngineGet = (path, _query, signal) => {
    if (cycle.aborted) late.push(path);
    if (!path.endsWith('/stats')) {
      const id = /^\/containers\/([0-9a-f]+)\/json$/.exec(path)?.[1];
      return Promise.resolve(id === undefined ? {} : { Id: id, State: { Status: 'running' } });
    }
    stats.started++;
    stats.open++;
    stats.most = Math.max(stats.most, stats.open);
    return new Promise((_resolve, reject) => {
      const end = () => {
        stats.open--;
        reject(signal?.reason);
      };
      if (signal?.aborted) end();
      else signal?.addEventListener('abort', end, { once: true });
    });
  };
  return { get, stats, late };
}

describe('collectContainers', () => {
  it('starts no request once the cycle is over, and holds stats requests to the limit until each ends', async () => {
    const cycle = new AbortController();
    const engine = stalledStats(cycle.signal);
    const run = collectContainers(
      runningList(40),
      {
        get: engine.get,
        runtime: 'docker',
        concurrency: 8,
        statsConcurrency: 4,
        containerBudgetMs: 60_000,
        signal: cycle.signal,
        withSizes: false,
      },
      newContainerMemo(),
    );
    await until(() => engine.stats.open === 4, 'four stats requests open');
    cycle.abort();
    const round = await run;
    // The four open requests were ended by the cycle; no container was asked about after it.
    expect(engine.stats).toEqual({ started: 4, open: 0, most: 4 });
    expect(engine.late).toEqual([]);
    // Every listed container is still reported, from what arrived.
    expect(round.containers).toHaveLength(40);
    expect(round.withoutStats).toHaveLength(40);
  });
});

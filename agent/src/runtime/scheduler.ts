// Timing helpers for the reporting loops: an abortable sleep and the next tick on a fixed grid.

export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted || ms <= 0) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** The first tick after `now` on the grid `previous + k × interval`: an overrun skips missed ticks. */
export function nextTick(previous: number, now: number, intervalMs: number): number {
  const next = previous + intervalMs;
  return next > now ? next : previous + Math.ceil((now - previous + 1) / intervalMs) * intervalMs;
}

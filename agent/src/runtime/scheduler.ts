// Runs a task now and then on a fixed interval until the signal aborts; an overrun skips missed ticks.

export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

export async function runEvery(
  intervalMs: number,
  signal: AbortSignal,
  task: () => Promise<void>,
  now: () => number = Date.now,
): Promise<void> {
  const start = now();
  let tick = 0;
  while (!signal.aborted) {
    await task();
    tick = Math.max(tick + 1, Math.ceil((now() - start) / intervalMs));
    await sleep(start + tick * intervalMs - now(), signal);
  }
}

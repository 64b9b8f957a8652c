// Timers as a dependency: the scheduler asks for callbacks, tests decide when they fire.

export interface Timers {
  /** Calls fn after delayMs; the returned function cancels it. */
  schedule(fn: () => void, delayMs: number): () => void;
}

export const systemTimers: Timers = {
  schedule(fn, delayMs) {
    const handle = setTimeout(fn, Math.max(0, delayMs));
    return () => clearTimeout(handle);
  },
};

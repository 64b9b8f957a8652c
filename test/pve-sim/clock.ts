// Seeded randomness and a freezable clock: every varying number is a pure function of (seed, key, time).

/** mulberry32: a small seeded PRNG for building the model. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A deterministic value in [0, 1) for (seed, key, step); the same inputs always give the same number. */
export function noise(seed: number, key: string, step: number): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  const text = `${key}#${step}`;
  for (let i = 0; i < text.length; i++) {
    h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  }
  return seededRandom(h)();
}

export interface SimClock {
  /** Current simulated time, unix seconds. */
  now(): number;
  /** Stops the clock at epoch (unix seconds); null lets it follow the wall clock again. */
  freeze(epoch: number | null): void;
  /** Moves a frozen clock forward. */
  advance(seconds: number): void;
}

export function createClock(): SimClock {
  let frozen: number | null = null;
  return {
    now: () => frozen ?? Math.floor(Date.now() / 1000),
    freeze(epoch) {
      frozen = epoch;
    },
    advance(seconds) {
      frozen = (frozen ?? Math.floor(Date.now() / 1000)) + seconds;
    },
  };
}

/** Unix seconds as 8 uppercase hex digits, the way UPIDs and tickets carry them. */
export const hex8 = (n: number) => (n >>> 0).toString(16).toUpperCase().padStart(8, '0');

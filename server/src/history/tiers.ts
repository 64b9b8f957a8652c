// The four storage tiers: point resolution, block span, retention, and which tier answers a range.

export const TIER_NAMES = ['raw', 'minute', 'hourly', 'daily'] as const;
export type TierName = (typeof TIER_NAMES)[number];
export type Tier = 0 | 1 | 2 | 3;
export const TIERS: readonly Tier[] = [0, 1, 2, 3];

/** Seconds between points; raw's figure is the nominal poll cadence, used only to ignore fine buckets. */
export const TIER_RESOLUTION: Readonly<Record<Tier, number>> = { 0: 5, 1: 60, 2: 3600, 3: 86_400 };

/**
 * Seconds covered by one stored block. Raw samples are sealed from memory into slabs (every series of a
 * chunk over two minutes per row) once those minutes have passed; each rollup block is written once, when
 * its span has passed, so no block is ever rewritten.
 */
export const TIER_SPAN: Readonly<Record<Tier, number>> = { 0: 120, 1: 3600, 2: 86_400, 3: 7 * 86_400 };

/**
 * Seconds per raw slab: how long a sample stays in memory before its slab is sealed, and so what a crash
 * may lose of recorded samples (plus the few writer ticks a seal takes). Two minutes rather than one
 * store a series' first value and times once per four samples at the fleet's 30 s cadence instead of two:
 * a fifth to two fifths fewer bytes per sample, for twice the (still small) buffer.
 */
export const SLAB_SPAN = TIER_SPAN[0];

export interface MetricsRetention {
  rawHours: number;
  minuteHours: number;
  hourlyDays: number;
  dailyDays: number;
}

export const DEFAULT_RETENTION: MetricsRetention = {
  rawHours: 2,
  minuteHours: 24,
  hourlyDays: 7,
  dailyDays: 90,
};

export function retentionSeconds(r: MetricsRetention): Record<Tier, number> {
  return { 0: r.rawHours * 3600, 1: r.minuteHours * 3600, 2: r.hourlyDays * 86_400, 3: r.dailyDays * 86_400 };
}

/** ≤ 2 h raw, ≤ 24 h minute, ≤ 7 d hourly, else daily. */
export function tierForDuration(seconds: number): Tier {
  if (seconds <= 2 * 3600) return 0;
  if (seconds <= 24 * 3600) return 1;
  if (seconds <= 7 * 86_400) return 2;
  return 3;
}

/** The tiers to try when `tier` has nothing in the range: coarser ones first (they reach further back). */
export function fallbackTiers(tier: Tier): Tier[] {
  return [...TIERS.filter((t) => t > tier), ...TIERS.filter((t) => t < tier).reverse()];
}

export function tierName(tier: Tier): TierName {
  return TIER_NAMES[tier];
}

/** Byte counts and rates (`netin`, `diskwrite_sdb`, `used`, `...bytes`) keep whole bytes. */
const WHOLE_UNIT_METRIC = /^(netin|netout|diskread|diskwrite|used|total|avail)(_|$)|bytes$/i;

/** Metric names are few next to series: each is matched once. */
const exponents = new Map<string, number>();

/** Decimal exponent of the stored quantum per metric: hundredths for percentages and the like. */
export function quantumExponent(metric: string): number {
  let exp = exponents.get(metric);
  if (exp === undefined) {
    exp = WHOLE_UNIT_METRIC.test(metric) ? 0 : -2;
    exponents.set(metric, exp);
  }
  return exp;
}

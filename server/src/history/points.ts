// Series points as parallel arrays (seconds, avg, min, max, count), and the pure operations on them.

/** A raw sample is a point whose min and max equal its value and whose count is 1. */
export interface Points {
  t: number[];
  avg: number[];
  min: number[];
  max: number[];
  n: number[];
}

export function emptyPoints(): Points {
  return { t: [], avg: [], min: [], max: [], n: [] };
}

export function pushPoint(p: Points, t: number, avg: number, min: number, max: number, n: number): void {
  p.t.push(t);
  p.avg.push(avg);
  p.min.push(min);
  p.max.push(max);
  p.n.push(n);
}

/** Appends the points of `src` with from <= t <= to (src sorted by time); returns `dst`. */
export function appendRange(dst: Points, src: Points, from: number, to: number): Points {
  for (let i = 0; i < src.t.length; i++) {
    const t = src.t[i] ?? 0;
    if (t < from) continue;
    if (t > to) break;
    pushPoint(dst, t, src.avg[i] ?? 0, src.min[i] ?? 0, src.max[i] ?? 0, src.n[i] ?? 0);
  }
  return dst;
}

/**
 * Aggregates sorted points into buckets of `step` seconds aligned to `origin`: count-weighted average,
 * smallest min, largest max, summed count. A bucket is stamped with its start; empty buckets are skipped.
 * `lastBucket` caps the bucket index so that a point on the closing edge joins the final bucket.
 */
export function bucketPoints(
  p: Points,
  step: number,
  origin = 0,
  lastBucket = Number.POSITIVE_INFINITY,
): Points {
  const out = emptyPoints();
  let current = Number.NaN;
  let sum = 0;
  let lo = 0;
  let hi = 0;
  let count = 0;
  const close = () => {
    if (count > 0) pushPoint(out, origin + current * step, sum / count, lo, hi, count);
  };
  for (let i = 0; i < p.t.length; i++) {
    const k = Math.min(Math.floor(((p.t[i] ?? 0) - origin) / step), lastBucket);
    const n = p.n[i] ?? 1;
    const min = p.min[i] ?? 0;
    const max = p.max[i] ?? 0;
    if (k !== current) {
      close();
      current = k;
      sum = 0;
      count = 0;
      lo = min;
      hi = max;
    }
    sum += (p.avg[i] ?? 0) * n;
    count += n;
    if (min < lo) lo = min;
    if (max > hi) hi = max;
  }
  close();
  return out;
}

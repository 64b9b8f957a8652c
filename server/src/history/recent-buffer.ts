// The samples recorded but not sealed yet: one typed-array log per slab of time, 14 bytes a sample (and 8
// per series id) in a few objects in all, instead of two JS arrays per series; chained per series for
// reads and seals.
import { type Points, pushPoint } from './points.ts';

const MIN_CAPACITY = 1024;
/** A slab log reused for a later slab shrinks when it had this many times more room than samples. */
const SHRINK_RATIO = 4;

/** Room for `n` samples and an eighth more, in whole KiB-entries: a slab like the last one rarely grows. */
function sizeFor(n: number): number {
  return Math.max(MIN_CAPACITY, Math.ceil((n * 1.125) / 1024) * 1024);
}

function pow2AtLeast(n: number): number {
  let c = MIN_CAPACITY;
  while (c < n) c *= 2;
  return c;
}

/** One slab's samples: offsets in the slab, values at full precision, a next-entry chain per series. */
export class SlabSamples {
  start = 0;
  count = 0;
  private offsets: Uint16Array;
  private values: Float64Array;
  private nextEntry: Int32Array;
  /** First and last entry per series id, -1 when it has none in this slab. */
  private head: Int32Array;
  private tail: Int32Array;

  constructor(start: number, capacity: number, seriesCapacity: number) {
    this.start = start;
    this.offsets = new Uint16Array(capacity);
    this.values = new Float64Array(capacity);
    this.nextEntry = new Int32Array(capacity);
    this.head = new Int32Array(seriesCapacity).fill(-1);
    this.tail = new Int32Array(seriesCapacity).fill(-1);
  }

  /** Bytes held by the typed arrays. */
  get bytes(): number {
    return (
      this.offsets.byteLength +
      this.values.byteLength +
      this.nextEntry.byteLength +
      this.head.byteLength +
      this.tail.byteLength
    );
  }

  get capacity(): number {
    return this.values.length;
  }

  get seriesCapacity(): number {
    return this.head.length;
  }

  /** `t` must be in this slab and newer than the series' last sample here. */
  add(seriesId: number, t: number, v: number): void {
    if (this.count === this.values.length) this.resize(sizeFor(this.values.length * 1.5));
    if (seriesId >= this.head.length) this.growSeries(seriesId + 1);
    const i = this.count++;
    this.offsets[i] = t - this.start;
    this.values[i] = v;
    this.nextEntry[i] = -1;
    const last = this.tail[seriesId] ?? -1;
    if (last < 0) this.head[seriesId] = i;
    else this.nextEntry[last] = i;
    this.tail[seriesId] = i;
  }

  has(seriesId: number): boolean {
    return (this.head[seriesId] ?? -1) >= 0;
  }

  /** Copies one series' samples (offsets in the slab, values) into the scratch arrays; returns how many. */
  read(seriesId: number, offsets: Uint16Array, values: Float64Array): number {
    let n = 0;
    for (let i = this.head[seriesId] ?? -1; i >= 0; i = this.nextEntry[i] ?? -1) {
      offsets[n] = this.offsets[i] ?? 0;
      values[n] = this.values[i] ?? 0;
      n++;
    }
    return n;
  }

  /** Appends one series' samples with from <= t <= to as raw points. */
  collect(seriesId: number, from: number, to: number, into: Points): void {
    for (let i = this.head[seriesId] ?? -1; i >= 0; i = this.nextEntry[i] ?? -1) {
      const t = this.start + (this.offsets[i] ?? 0);
      if (t < from) continue;
      if (t > to) break;
      const v = this.values[i] ?? 0;
      pushPoint(into, t, v, v, v, 1);
    }
  }

  /** Empties the log for a later slab; oversized arrays shrink to about what this slab held. */
  clear(): void {
    if (this.values.length > MIN_CAPACITY && this.values.length >= SHRINK_RATIO * this.count) {
      const next = sizeFor(this.count);
      this.offsets = new Uint16Array(next);
      this.values = new Float64Array(next);
      this.nextEntry = new Int32Array(next);
    }
    this.count = 0;
    this.head.fill(-1);
    this.tail.fill(-1);
  }

  private resize(capacity: number): void {
    const grow = <T extends Uint16Array | Float64Array | Int32Array>(from: T, to: T): T => {
      to.set(from.subarray(0, this.count));
      return to;
    };
    this.offsets = grow(this.offsets, new Uint16Array(capacity));
    this.values = grow(this.values, new Float64Array(capacity));
    this.nextEntry = grow(this.nextEntry, new Int32Array(capacity));
  }

  private growSeries(atLeast: number): void {
    const size = pow2AtLeast(atLeast);
    const head = new Int32Array(size).fill(-1);
    const tail = new Int32Array(size).fill(-1);
    head.set(this.head);
    tail.set(this.tail);
    this.head = head;
    this.tail = tail;
  }
}

/** The unsealed slabs, oldest first; a sealed slab's arrays are kept for the next one. */
export class RecentBuffer {
  private readonly span: number;
  private readonly slabs: SlabSamples[] = [];
  private spare: SlabSamples | undefined;

  constructor(span: number) {
    this.span = span;
  }

  /** The series' last sample must be older than `t` (the store checks). */
  add(seriesId: number, t: number, v: number): void {
    const start = Math.floor(t / this.span) * this.span;
    this.slabAt(start).add(seriesId, t, v);
  }

  slab(start: number): SlabSamples | undefined {
    return this.slabs.find((s) => s.start === start);
  }

  get oldest(): SlabSamples | undefined {
    return this.slabs[0];
  }

  /** Unsealed slabs, oldest first. */
  all(): readonly SlabSamples[] {
    return this.slabs;
  }

  /** Drops a sealed slab; its arrays (cut down if the slab used little of them) serve the next new slab. */
  release(start: number): void {
    const i = this.slabs.findIndex((s) => s.start === start);
    if (i < 0) return;
    const [gone] = this.slabs.splice(i, 1);
    gone?.clear();
    this.spare = gone;
  }

  /** One series' samples with from <= t <= to, oldest first. */
  collect(seriesId: number, from: number, to: number, into: Points): void {
    for (const s of this.slabs) {
      if (s.start + this.span <= from || s.start > to || !s.has(seriesId)) continue;
      s.collect(seriesId, from, to, into);
    }
  }

  get samples(): number {
    let n = 0;
    for (const s of this.slabs) n += s.count;
    return n;
  }

  /** Bytes of the typed arrays, the spare slab's included. */
  get bytes(): number {
    let n = this.spare?.bytes ?? 0;
    for (const s of this.slabs) n += s.bytes;
    return n;
  }

  private slabAt(start: number): SlabSamples {
    const last = this.slabs[this.slabs.length - 1];
    if (last?.start === start) return last;
    const found = this.slab(start);
    if (found) return found;
    let fresh = this.spare;
    this.spare = undefined;
    if (fresh) fresh.start = start;
    else {
      // Sized like the newest slab: the fleet's cadence changes slowly.
      fresh = new SlabSamples(start, sizeFor(last?.count ?? 0), last?.seriesCapacity ?? MIN_CAPACITY);
    }
    const at = this.slabs.findIndex((s) => s.start > start);
    if (at < 0) this.slabs.push(fresh);
    else this.slabs.splice(at, 0, fresh);
    return fresh;
  }
}

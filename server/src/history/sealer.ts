// Seals the recent buffer into slab rows: slab after slab once it has ended, a bounded number of
// series ids per step, so no writer tick encodes or allocates more than its budget.
import type { SqlClient as Client, SqlStatement as InStatement } from '../db/statement-client.ts';
import type { MarkStore } from './marks.ts';
import type { RecentBuffer, SlabSamples } from './recent-buffer.ts';
import type { SeriesDictionary } from './series.ts';
import { chunkOf, SLAB_SERIES, SlabEncoder } from './slab-codec.ts';
import { putSlabs, type SlabRow, SQL, stmt } from './sql.ts';
import { SLAB_SPAN } from './tiers.ts';

export class Sealer {
  private readonly client: Client;
  private readonly series: SeriesDictionary;
  private readonly marks: MarkStore;
  private readonly buffer: RecentBuffer;
  private readonly encoder = new SlabEncoder();
  // A series has at most one sample per second, so one slab's samples of it fit these.
  private readonly offsets = new Uint16Array(SLAB_SPAN);
  private readonly values = new Float64Array(SLAB_SPAN);
  /** Series ids below this (a chunk boundary) are sealed for the slab at the sealed mark. */
  private cursor = 0;

  constructor(client: Client, series: SeriesDictionary, marks: MarkStore, buffer: RecentBuffer) {
    this.client = client;
    this.series = series;
    this.marks = marks;
    this.buffer = buffer;
  }

  /**
   * The slab the sealed mark falls in: the one being sealed. (A mark left by the layout before slabs may
   * sit inside a slab; that slab then holds only samples from the mark on.)
   */
  private get current(): number {
    return Math.floor(this.marks.sealed / SLAB_SPAN) * SLAB_SPAN;
  }

  /** The earliest second a new sample of the series may have: before it, its slab is written. */
  sealedUntil(seriesId: number): number {
    return seriesId < this.cursor ? this.current + SLAB_SPAN : this.marks.sealed;
  }

  /**
   * Seals the slabs that ended by `now`, at most `budget` series ids' worth (Infinity: all of them).
   * Returns whether the sealed mark moved.
   */
  async step(now: number, budget: number): Promise<boolean> {
    const before = this.marks.sealed;
    let left = budget;
    while (left > 0) {
      const start = this.current;
      if (start + SLAB_SPAN > now) break;
      const slab = this.buffer.slab(start);
      if (!slab) {
        // Nothing was recorded in this slab (after downtime, or a quiet fleet): on to the next slab with
        // samples, never past the current one.
        const open = Math.floor(now / SLAB_SPAN) * SLAB_SPAN;
        const next = Math.min(this.buffer.oldest?.start ?? open, open);
        await this.client.batch(this.sealedStatements(next), 'write');
        this.marks.sealed = next;
        this.cursor = 0;
        continue;
      }
      const from = this.cursor;
      const end = this.series.nextId;
      const upto = Number.isFinite(left)
        ? Math.min(end, Math.ceil((from + left) / SLAB_SERIES) * SLAB_SERIES)
        : end;
      const done = upto >= end;
      const stmts = putSlabs(this.encode(slab, from, upto, false));
      if (done) stmts.push(...this.sealedStatements(start + SLAB_SPAN));
      if (stmts.length > 0) await this.client.batch(stmts, 'write');
      left -= Math.max(1, upto - from);
      if (done) {
        this.marks.sealed = start + SLAB_SPAN;
        this.cursor = 0;
        this.buffer.release(start);
      } else this.cursor = upto;
    }
    return this.marks.sealed !== before;
  }

  /**
   * Writes every unsealed sample as rows with exact values, so that a stop loses nothing: the next open
   * reads them back into memory, and sealing their slab replaces them.
   */
  async writeUnsealed(): Promise<void> {
    const rows: SlabRow[] = [];
    for (const slab of this.buffer.all()) {
      const from = slab.start === this.current ? this.cursor : 0;
      rows.push(...this.encode(slab, from, this.series.nextId, true));
    }
    if (rows.length > 0) await this.client.batch(putSlabs(rows), 'write');
  }

  private sealedStatements(sealed: number): InStatement[] {
    // Segments are what a store from before slabs left unsealed; they go once their samples are sealed.
    return [this.marks.statement('sealed', sealed), stmt(SQL.deleteSegments, [sealed])];
  }

  /** One row per chunk with samples among series ids [from, upto). */
  private encode(slab: SlabSamples, from: number, upto: number, exact: boolean): SlabRow[] {
    const rows: SlabRow[] = [];
    for (let chunk = chunkOf(from); chunk * SLAB_SERIES < upto; chunk++) {
      const base = chunk * SLAB_SERIES;
      this.encoder.begin(exact);
      for (let sid = Math.max(from, base); sid < Math.min(upto, base + SLAB_SERIES); sid++) {
        if (!slab.has(sid)) continue;
        const n = slab.read(sid, this.offsets, this.values);
        const exponent = this.series.byId(sid)?.exponent ?? 0;
        this.encoder.add(sid - base, exponent, this.offsets, this.values, n);
      }
      if (this.encoder.samples > 0)
        rows.push([slab.start, chunk, this.encoder.samples, this.encoder.finish()]);
    }
    return rows;
  }
}

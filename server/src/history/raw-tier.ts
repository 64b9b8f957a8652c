// The raw tier: sealed samples in slab rows (a chunk of series over one slab of time per row), the
// unsealed ones in the recent buffer, and per-series raw blocks a store from before slabs may still hold
// (read, rolled up and pruned like the rest until the raw retention has dropped them).
import type { SqlClient as Client, SqlStatement as InStatement } from '../db/statement-client.ts';
import {
  anyLegacyRaw,
  legacyFirstStartFrom,
  legacyPrune,
  legacyRawOfRange,
  readLegacyRaw,
} from './legacy-raw.ts';
import { emptyPoints, type Points, pushPoint } from './points.ts';
import type { RecentBuffer } from './recent-buffer.ts';
import type { Series } from './series.ts';
import { chunkOf, decodeSlab, type SampleVisitor } from './slab-codec.ts';
import { bytes, num, SQL, slabId, slabStartOf, stmt } from './sql.ts';
import { SLAB_SPAN } from './tiers.ts';

export interface RawStats {
  blocks: number;
  points: number;
  payloadBytes: number;
}

export class RawTier {
  readonly buffer: RecentBuffer;
  private readonly client: Client;
  /** Whether per-series raw blocks of the earlier layout remain. */
  private legacy = false;

  constructor(client: Client, buffer: RecentBuffer) {
    this.client = client;
    this.buffer = buffer;
  }

  async init(): Promise<void> {
    this.legacy = await anyLegacyRaw(this.client);
  }

  /** Raw points with from <= t <= to per series id: stored ones, then recent ones not stored yet. */
  async read(list: readonly Series[], from: number, to: number): Promise<Map<number, Points>> {
    // Memory before disk: a seal landing between the two reads then shows samples in both (and they are
    // taken once below), where the other order would miss them.
    const recent = new Map<number, Points>();
    for (const s of list) {
      const p = emptyPoints();
      this.buffer.collect(s.id, from, to, p);
      recent.set(s.id, p);
    }
    const out = new Map<number, Points>(list.map((s) => [s.id, emptyPoints()]));
    if (this.legacy) await readLegacyRaw(this.client, list, from, to, out);
    const chunks = new Set(list.map((s) => chunkOf(s.id)));
    await this.readSlabs(
      chunks,
      from,
      to,
      (sid) => out.has(sid),
      (sid, t, v) => {
        const dst = out.get(sid);
        if (dst && t >= from && t <= to) pushPoint(dst, t, v, v, v, 1);
      },
    );
    for (const [sid, mem] of recent) {
      const dst = out.get(sid);
      if (!dst || mem.t.length === 0) continue;
      // Stored samples are a prefix in time of what was recorded; the buffer holds the rest (and, while a
      // slab is being sealed, some of the same samples again).
      const after = dst.t.length > 0 ? (dst.t[dst.t.length - 1] ?? 0) : Number.NEGATIVE_INFINITY;
      for (let i = 0; i < mem.t.length; i++) {
        const t = mem.t[i] ?? 0;
        if (t <= after) continue;
        const v = mem.avg[i] ?? 0;
        pushPoint(dst, t, v, v, v, 1);
      }
    }
    return out;
  }

  /** Stored raw points of series ids [from, upto) in [start, end), for a minute rollup step. */
  async rollupSource(from: number, upto: number, start: number, end: number): Promise<Map<number, Points>> {
    const out = this.legacy
      ? await legacyRawOfRange(this.client, from, upto, start, end)
      : new Map<number, Points>();
    const into = (sid: number): Points => {
      let p = out.get(sid);
      if (!p) {
        p = emptyPoints();
        out.set(sid, p);
      }
      return p;
    };
    const chunks = new Set<number>();
    for (let c = chunkOf(from); c <= chunkOf(upto - 1); c++) chunks.add(c);
    await this.readSlabs(
      chunks,
      start,
      end - 1,
      (sid) => sid >= from && sid < upto,
      (sid, t, v) => pushPoint(into(sid), t, v, v, v, 1),
    );
    return out;
  }

  /** A lower bound of the start of the earliest stored raw data that reaches `t` or later, if any. */
  async firstStartFrom(t: number): Promise<number | undefined> {
    const from = slabId(Math.floor(t / SLAB_SPAN) * SLAB_SPAN, 0);
    const id = (await this.client.execute(SQL.firstSlabFrom, [from])).rows[0]?.id;
    let first = typeof id === 'number' ? slabStartOf(id) : undefined;
    if (this.legacy) {
      const block = await legacyFirstStartFrom(this.client, t);
      if (block !== undefined) first = Math.min(first ?? block, block);
    }
    return first;
  }

  async hasData(start: number, end: number): Promise<boolean> {
    const first = await this.firstStartFrom(start);
    return first !== undefined && first < end;
  }

  /** Drops slabs (and old raw blocks) whose samples are all before `cutoff`, at most `budget` rows each. */
  pruneStatements(cutoff: number, budget: number): InStatement[] {
    // A slab's samples are all before its start + SLAB_SPAN.
    const out = [stmt(SQL.pruneSlabs, [slabId(cutoff - SLAB_SPAN + 1, 0), budget])];
    if (this.legacy) out.push(legacyPrune(cutoff, budget));
    return out;
  }

  /** After a prune: the old raw blocks stop being read once the last is gone. */
  async checkLegacy(): Promise<void> {
    if (this.legacy) await this.init();
  }

  /** Stored slabs (their samples before `sealed`: the rest are in memory too), old raw blocks, the buffer. */
  async stats(sealed: number): Promise<RawStats> {
    const [slabs, legacy] = await this.client.batch([stmt(SQL.slabStats, [sealed]), SQL.legacyStats], 'read');
    const a = slabs?.rows[0];
    const b = legacy?.rows[0];
    return {
      blocks: num(a, 'blocks') + num(b, 'blocks'),
      points: num(a, 'points') + num(b, 'points') + this.buffer.samples,
      payloadBytes: num(a, 'bytes') + num(b, 'bytes'),
    };
  }

  /** Samples of the rows at or past the sealed mark, which a flush wrote before their slab was sealed. */
  async loadUnsealed(sealed: number, visit: SampleVisitor): Promise<void> {
    const from = Math.floor(sealed / SLAB_SPAN) * SLAB_SPAN;
    const rows = (await this.client.execute(SQL.slabsFrom, [slabId(from, 0)])).rows;
    for (const row of rows) decodeSlab(bytes(row, 'data'), num(row, 'start_ts'), num(row, 'chunk'), visit);
  }

  /** Decodes the rows of `chunks` in every slab overlapping [from, to], slab by slab (so in time order). */
  private async readSlabs(
    chunks: ReadonlySet<number>,
    from: number,
    to: number,
    want: (sid: number) => boolean,
    visit: SampleVisitor,
  ): Promise<void> {
    if (chunks.size === 0) return;
    const extent = (await this.client.execute(SQL.slabExtent)).rows[0];
    const lo = extent?.lo;
    const hi = extent?.hi;
    if (typeof lo !== 'number' || typeof hi !== 'number') return;
    const first = Math.max(Math.floor(from / SLAB_SPAN) * SLAB_SPAN, slabStartOf(lo));
    const last = Math.min(Math.floor(to / SLAB_SPAN) * SLAB_SPAN, slabStartOf(hi));
    if (first > last) return;
    const minChunk = Math.min(...chunks);
    const maxChunk = Math.max(...chunks);
    const stmts: InStatement[] = [];
    for (let start = first; start <= last; start += SLAB_SPAN)
      stmts.push(stmt(SQL.slabChunks, [slabId(start, minChunk), slabId(start, maxChunk)]));
    const results = await this.client.batch(stmts, 'read');
    for (const [i, rs] of results.entries()) {
      const start = first + i * SLAB_SPAN;
      for (const row of rs.rows) {
        const chunk = num(row, 'chunk');
        if (chunks.has(chunk)) decodeSlab(bytes(row, 'data'), start, chunk, visit, want);
      }
    }
  }
}

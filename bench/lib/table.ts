// Plain-text tables for bench output: the first `leftColumns` columns left-aligned (labels, text), the
// others right-aligned (figures).

export function formatTable(head: string[], rows: string[][], leftColumns = 1): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const fmt = (row: string[]) =>
    row
      .map((cell, i) => (i < leftColumns ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [fmt(head), fmt(widths.map((w) => '-'.repeat(w))), ...rows.map(fmt)].join('\n');
}

/** A number with `digits` decimals, or `-` when there is none. */
export function fixed(n: number | undefined | null, digits = 0): string {
  return n === undefined || n === null || !Number.isFinite(n) ? '-' : n.toFixed(digits);
}

/** Bytes as B, kB, MB, GB (powers of 1,000, the unit the goals are written in). */
export function bytes(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return '-';
  if (n < 1_000) return `${n.toFixed(0)} B`;
  if (n < 1_000_000) return `${(n / 1_000).toFixed(1)} kB`;
  if (n < 1_000_000_000) return `${(n / 1_000_000).toFixed(1)} MB`;
  return `${(n / 1_000_000_000).toFixed(2)} GB`;
}

/** A count with thousands separators. */
export function count(n: number): string {
  return n.toLocaleString('en-US');
}

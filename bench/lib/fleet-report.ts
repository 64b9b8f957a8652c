// Text output of the fleet bench: a table per phase as it ends, the restart and heap figures, and at the
// end one table across phases in the shape of issue #11's, followed by goal / measured / met?.
import type { IngestFigures } from './fleet-figures.ts';
import type { GoalRow } from './fleet-goals.ts';
import { BACK_WITHIN, type PhaseResult } from './fleet-phase.ts';
import { READ_LABEL, READ_ROUTES, type ReadFigures } from './fleet-reads.ts';
import type { RestartResult } from './fleet-restart.ts';
import type { HeapBreakdown } from './heap-snapshot.ts';
import { bytes, count, fixed, formatTable } from './table.ts';

const mib = (v?: number) => (v === undefined ? '-' : `${v.toFixed(0)} MiB`);
const ms = (v?: number) => (v === undefined ? '-' : v < 10 ? v.toFixed(2) : v.toFixed(0));

function readRow(route: (typeof READ_ROUTES)[number], r: ReadFigures | undefined): string[] {
  if (!r) return [READ_LABEL[route], '-', '-', '-', '-', '-'];
  const json =
    r.jsonBytes.min === r.jsonBytes.max
      ? bytes(r.jsonBytes.max)
      : `${bytes(r.jsonBytes.min)}–${bytes(r.jsonBytes.max)}`;
  return [
    READ_LABEL[route],
    `${r.count}`,
    json,
    bytes(r.wireBytes.max),
    `${ms(r.p50)} / ${ms(r.p95)} / ${ms(r.max)}`,
    '',
  ];
}

function ingestCells(i: IngestFigures): string {
  return `${count(i.reports)} reports, p50 ${ms(i.p50)} / p99 ${ms(i.p99)} / max ${ms(i.max)} ms, ${i.over15s} over 15 s, ${i.errors} errors`;
}

/** The figures of one phase, one per line. */
export function phaseTable(p: PhaseResult): string {
  const e = p.expected;
  const lines: [string, string][] = [];
  lines.push(['duration', `${p.seconds.toFixed(0)} s`]);
  if (e.hosts + e.dockerHosts > 0)
    lines.push([
      'fleet (listed by /api/state)',
      `${count(e.hosts)} hosts, ${count(e.dockerHosts)} Docker hosts, ${count(e.containers)} containers` +
        (p.listed
          ? ` (listed ${count(p.listed.hosts)}, ${count(p.listed.dockerHosts)}, ${count(p.listed.containers)})`
          : ''),
    ]);
  lines.push([
    'server RSS start / steady / peak / end',
    `${mib(p.rss.start)} / ${mib(p.rss.steady)} / ${mib(p.rss.peak)} / ${mib(p.rss.end)}`,
  ]);
  if (p.rss.peakDuringReads !== undefined)
    lines.push(['server RSS peak during the reads', mib(p.rss.peakDuringReads)]);
  lines.push([
    p.name === 'stop'
      ? 'RSS slope (least squares, the whole watch)'
      : 'RSS slope (least squares, steady window)',
    p.rss.slope === undefined ? '-' : `${p.rss.slope.toFixed(2)} MiB/min`,
  ]);
  if (p.rss.backAfterReads !== undefined)
    lines.push([
      p.name === 'stop'
        ? `RSS back within ${BACK_WITHIN * 100} % of steady under load`
        : `RSS back within ${BACK_WITHIN * 100} % of steady after the reads`,
      p.rss.backAfterReads === null ? 'not within the phase' : `after ${p.rss.backAfterReads.toFixed(0)} s`,
    ]);
  if (p.ingest) {
    lines.push(['ingest, steady (no reads)', ingestCells(p.ingest.steady)]);
    lines.push(['ingest, during the reads', ingestCells(p.ingest.duringReads)]);
  }
  const c = p.cpu;
  lines.push([
    'CPU cores: server / load generator / bench / rest of machine',
    `${fixed(c.server, 2)} / ${fixed(c.generator, 2)} / ${fixed(c.bench, 2)} / ${fixed(c.other, 2)}`,
  ]);
  lines.push([
    'server disk writes',
    p.diskWritesPerMinute === undefined
      ? '-'
      : `${bytes(p.diskWritesPerMinute)}/min (${bytes(p.diskWritesPerMinute * 1440)}/day)`,
  ]);
  let out = formatTable(['measure', 'value'], lines, 2);
  if (p.reads && Object.keys(p.reads).length > 0) {
    const rows = READ_ROUTES.map((route) => readRow(route, p.reads?.[route]).slice(0, 5));
    out += `\n\n${formatTable(['read', 'n', 'JSON', 'gzip (max)', 'p50 / p95 / max ms'], rows)}`;
  }
  return out;
}

export function restartTable(r: RestartResult): string {
  return formatTable(
    ['measure', 'value'],
    [
      ['SIGTERM to exit (clean stop)', `${r.stopSeconds.toFixed(2)} s`],
      ['start to first 200 from /api/health', `${r.healthySeconds.toFixed(2)} s`],
      [
        'start to /api/state listing the whole inventory',
        r.listedSeconds === null
          ? `not listed (last: ${r.listed.hosts} hosts, ${r.listed.dockerHosts} Docker hosts, ${r.listed.containers} containers)`
          : `${r.listedSeconds.toFixed(2)} s (${r.stateReads} reads)`,
      ],
      ['server RSS then', mib(r.rssMiB)],
    ],
    2,
  );
}

export function heapTable(h: HeapBreakdown): string {
  const rows = h.top.map((f) => [
    f.name.length > 60 ? `${f.name.slice(0, 57)}...` : f.name,
    count(f.count),
    `${(f.selfBytes / 1024 / 1024).toFixed(1)} MiB`,
    `${((f.selfBytes / h.totalBytes) * 100).toFixed(1)} %`,
  ]);
  return (
    `${formatTable(['constructor', 'objects', 'self size', 'of heap'], rows)}\n` +
    `heap in the snapshot: ${(h.totalBytes / 1024 / 1024).toFixed(1)} MiB in ${count(h.nodes)} nodes ` +
    `(snapshot file ${bytes(h.fileBytes)})`
  );
}

/** One column per phase: the table, with this run's figures. */
export function acrossPhases(phases: PhaseResult[], labels: Record<string, string>): string {
  const read = (p: PhaseResult, route: (typeof READ_ROUTES)[number], withSize: boolean) => {
    const r = p.reads?.[route];
    if (!r) return '-';
    return withSize ? `${bytes(r.jsonBytes.max)}, p50 ${ms(r.p50)} ms` : `p50 ${ms(r.p50)} ms`;
  };
  const rows: string[][] = [
    ['server RSS steady / peak', ...phases.map((p) => `${mib(p.rss.steady)} / ${mib(p.rss.peak)}`)],
    ['server RSS end (slope/min)', ...phases.map((p) => `${mib(p.rss.end)} (${fixed(p.rss.slope, 1)})`)],
    ['GET /api/state', ...phases.map((p) => read(p, 'state', true))],
    ['GET /api/resources?limit=100', ...phases.map((p) => read(p, 'resources', false))],
    ['GET /api/charts?range=1h', ...phases.map((p) => read(p, 'charts', true))],
    [
      'ingest p99 during reads / over 15 s',
      ...phases.map((p) =>
        p.ingest ? `${ms(p.ingest.duringReads.p99)} ms / ${p.ingest.whole.over15s}` : '-',
      ),
    ],
    ['disk writes / min', ...phases.map((p) => bytes(p.diskWritesPerMinute))],
  ];
  return formatTable(['measure', ...phases.map((p) => labels[p.name] ?? p.name)], rows);
}

export function goalTable(rows: GoalRow[]): string {
  return formatTable(
    ['goal', 'measured', 'met?'],
    rows.map((r) => [r.goal, r.measured, r.met === undefined ? 'n/a' : r.met ? 'yes' : 'NO']),
    3,
  );
}

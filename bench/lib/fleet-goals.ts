// The goals of issue #11 for the fleet, each set against the figure of this run that answers it. Printed
// as goal / measured / met?; they never decide whether the bench passes.
import type { PhaseResult } from './fleet-phase.ts';
import type { RestartResult } from './fleet-restart.ts';
import { bytes, fixed } from './table.ts';

const MB = 1_000_000;
const MIB = 1024 * 1024;
/** Goals are written in MB; RSS is measured in MiB. */
const mbAsMiB = (mb: number) => (mb * MB) / MIB;

/** |slope| under this counts as flat: the GC sawtooth alone moves a least-squares fit by a little. */
export const FLAT_SLOPE_MIB_PER_MIN = 1;

export interface GoalRow {
  goal: string;
  measured: string;
  met: boolean | undefined;
}

export interface GoalInput {
  idle?: PhaseResult;
  loaded?: PhaseResult;
  phases: PhaseResult[];
  restart?: RestartResult;
}

function atMost(value: number | undefined | null, limit: number): boolean | undefined {
  return value === undefined || value === null ? undefined : value <= limit;
}

export function goalRows({ idle, loaded, phases, restart }: GoalInput): GoalRow[] {
  const rss = loaded?.rss;
  const state = loaded?.reads?.state;
  const resources = loaded?.reads?.resources;
  const charts = loaded?.reads?.charts;
  const ingest = loaded?.ingest?.duringReads;
  const over15 = phases.reduce((n, p) => n + (p.ingest?.whole.over15s ?? 0), 0);
  const reports = phases.reduce((n, p) => n + (p.ingest?.whole.reports ?? 0), 0);
  const perDay = loaded?.diskWritesPerMinute === undefined ? undefined : loaded.diskWritesPerMinute * 1440;
  const mib = (v?: number) => (v === undefined ? '-' : `${v.toFixed(0)} MiB`);
  return [
    {
      goal: 'idle RSS ≤ 80 MB (76 MiB)',
      measured: mib(idle?.rss.steady),
      met: atMost(idle?.rss.steady, mbAsMiB(80)),
    },
    {
      goal: 'steady RSS ≤ 150 MB (143 MiB) with the fleet',
      measured: mib(rss?.steady),
      met: atMost(rss?.steady, mbAsMiB(150)),
    },
    {
      goal: 'peak RSS ≤ 250 MB (238 MiB) while serving the reads',
      measured: mib(rss?.peakDuringReads),
      met: atMost(rss?.peakDuringReads, mbAsMiB(250)),
    },
    {
      goal: `RSS slope ≈ 0 (|slope| ≤ ${FLAT_SLOPE_MIB_PER_MIN} MiB/min, steady window)`,
      measured: rss?.slope === undefined ? '-' : `${rss.slope.toFixed(2)} MiB/min`,
      met: rss?.slope === undefined ? undefined : Math.abs(rss.slope) <= FLAT_SLOPE_MIB_PER_MIN,
    },
    {
      goal: 'RSS back within 10 % of steady ≤ 1 min after the reads',
      measured:
        rss?.backAfterReads === undefined
          ? '-'
          : rss.backAfterReads === null
            ? `not within ${fixed(loaded ? (loaded.windows.end - (loaded.windows.readsEnd ?? 0)) / 1000 : 0)} s`
            : `${rss.backAfterReads.toFixed(0)} s`,
      met:
        rss?.backAfterReads === undefined
          ? undefined
          : rss.backAfterReads !== null && rss.backAfterReads <= 60,
    },
    {
      goal: 'GET /api/resources?limit=100 p95 ≤ 20 ms',
      measured: resources ? `${resources.p95.toFixed(1)} ms` : '-',
      met: atMost(resources?.p95, 20),
    },
    {
      goal: 'GET /api/state ≤ 15 MB (JSON)',
      measured: state ? `${bytes(state.jsonBytes.max)} (${bytes(state.wireBytes.max)} gzip)` : '-',
      met: atMost(state?.jsonBytes.max, 15 * MB),
    },
    {
      goal: 'GET /api/state p95 ≤ 300 ms',
      measured: state ? `${state.p95.toFixed(0)} ms` : '-',
      met: atMost(state?.p95, 300),
    },
    {
      goal: 'GET /api/charts (default) ≤ 2 MB (JSON)',
      measured: charts ? `${bytes(charts.jsonBytes.max)} (${bytes(charts.wireBytes.max)} gzip)` : '-',
      met: atMost(charts?.jsonBytes.max, 2 * MB),
    },
    {
      goal: 'restart to healthy ≤ 2 s',
      measured: restart ? `${restart.healthySeconds.toFixed(2)} s` : '-',
      met: atMost(restart?.healthySeconds, 2),
    },
    {
      goal: 'ingest p99 ≤ 100 ms during the reads',
      measured: ingest?.p99 === undefined ? '-' : `${ingest.p99.toFixed(1)} ms`,
      met: atMost(ingest?.p99, 100),
    },
    {
      goal: 'no report over 15 s (whole run)',
      measured: `${over15} of ${reports.toLocaleString('en-US')}`,
      met: reports === 0 ? undefined : over15 === 0,
    },
    {
      goal: 'disk writes ≤ 2 GB/day',
      measured:
        perDay === undefined ? '-' : `${bytes(perDay)}/day (${bytes(loaded?.diskWritesPerMinute)}/min)`,
      met: atMost(perDay, 2_000 * MB),
    },
  ];
}

// Report validation that drops a malformed list item, with a warning, instead of refusing the report.
import type { ReportWarning } from '@pulse/shared';
import { z } from 'zod';
import { type BodyLimits, type BodySource, parseJson, readBody } from './body.ts';
import { type ErrorCode, validationError } from './errors.ts';

/** A list in a report whose items stand alone, so one can go without the rest losing meaning. */
export interface TolerantList {
  /** Keys from the report's root to the list, e.g. `['host', 'disks']`. */
  path: readonly string[];
  /** What one item is called in a warning: `container`, `disk`, `pod`. */
  noun: string;
}

export interface TolerantResult<T> {
  data: T;
  /** One per dropped item, in report order. */
  warnings: ReportWarning[];
}

type Path = ReadonlyArray<PropertyKey>;

/** Report answers carry at most this many warnings (ReportWarnings' cap); the rest become one line. */
const MAX_WARNINGS = 1000;
/** Problems quoted per dropped item; the rest are counted. */
const ISSUES_PER_ITEM = 3;
/** Names and ids quoted in a warning are cut here, since an over-long one may be why the item went. */
const LABEL_CHARS = 64;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isList(value: unknown): value is unknown[] {
  return Array.isArray(value);
}

/** `['host', 'disks', 2, 'usage']` → `host.disks[2].usage`. */
export function formatPath(path: Path): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

function startsWith(path: Path, prefix: readonly string[]): boolean {
  return prefix.length < path.length && prefix.every((key, i) => path[i] === key);
}

/** The item an issue lies in, when it lies inside a tolerant list: the deepest such list wins. */
function itemOf(
  path: Path,
  lists: readonly TolerantList[],
): { list: TolerantList; index: number } | undefined {
  let best: { list: TolerantList; index: number } | undefined;
  for (const list of lists) {
    const index = path[list.path.length];
    if (typeof index !== 'number' || !startsWith(path, list.path)) continue;
    if (!best || list.path.length > best.list.path.length) best = { list, index };
  }
  return best;
}

function listAt(root: unknown, path: readonly string[]): unknown[] | undefined {
  let node = root;
  for (const key of path) {
    if (!isRecord(node)) return undefined;
    node = node[key];
  }
  return isList(node) ? node : undefined;
}

function quote(value: string): string {
  return JSON.stringify(value.length > LABEL_CHARS ? `${value.slice(0, LABEL_CHARS)}…` : value);
}

/** ` "web" (id c0ffee)` from whatever name and id the raw item carries, so a person can find it. */
function label(item: unknown): string {
  if (!isRecord(item)) return '';
  const pick = (keys: string[]) =>
    keys.map((k) => item[k]).find((v): v is string => typeof v === 'string' && v !== '');
  const name = pick(['name', 'hostname', 'mountpoint', 'device', 'nodeName']);
  const namespace = pick(['namespace']);
  const id = pick(['id', 'uid', 'targetId']);
  const shown = name && namespace ? `${namespace}/${name}` : name;
  return [shown ? ` ${quote(shown)}` : '', id ? ` (id ${quote(id)})` : ''].join('');
}

function warningText(list: TolerantList, item: unknown, issues: readonly z.core.$ZodIssue[], at: number) {
  const problems = issues.slice(0, ISSUES_PER_ITEM).map((issue) => {
    const field = formatPath(issue.path.slice(at));
    return field === '' ? issue.message : `${field}: ${issue.message}`;
  });
  const more = issues.length > ISSUES_PER_ITEM ? ` (and ${issues.length - ISSUES_PER_ITEM} more)` : '';
  return `Dropped ${list.noun}${label(item)}: ${problems.join('; ')}${more}`;
}

/** Groups the issues by the tolerant item they lie in; `outside` holds those that lie in none. */
function sortIssues(issues: readonly z.core.$ZodIssue[], lists: readonly TolerantList[]) {
  const items = new Map<string, { list: TolerantList; index: number; issues: z.core.$ZodIssue[] }>();
  const outside: z.core.$ZodIssue[] = [];
  for (const issue of issues) {
    const at = itemOf(issue.path, lists);
    if (!at) {
      outside.push(issue);
      continue;
    }
    const key = `${at.list.path.join('.')}#${at.index}`;
    const entry = items.get(key) ?? { ...at, issues: [] };
    entry.issues.push(issue);
    items.set(key, entry);
  }
  return { bad: [...items.values()], outside };
}

/**
 * Validates `value` (a freshly parsed body, which this mutates) against `schema`. When every problem
 * lies inside items of the tolerant lists, those items are dropped and the rest is validated again.
 * Otherwise, or if the rest still fails, it throws `invalidCode` naming the fields at fault.
 */
export function tolerantParse<S extends z.ZodType>(
  schema: S,
  value: unknown,
  lists: readonly TolerantList[],
  invalidCode: ErrorCode = 'validation_failed',
): TolerantResult<z.output<S>> {
  const first = schema.safeParse(value);
  if (first.success) return { data: first.data, warnings: [] };
  const { bad, outside } = sortIssues(first.error.issues, lists);
  // The report itself is wrong, so dropping items would not save it; the answer names only what is.
  if (outside.length > 0) throw validationError(new z.ZodError(outside), invalidCode);

  const warnings: ReportWarning[] = [];
  for (const { list, index, issues } of bad) {
    const item = listAt(value, list.path)?.[index];
    warnings.push({
      path: formatPath([...list.path, index]),
      message: warningText(list, item, issues, list.path.length + 1),
    });
  }
  // Highest index first, so removing one item does not shift the ones still to go.
  for (const { list, index } of [...bad].sort((a, b) => b.index - a.index)) {
    listAt(value, list.path)?.splice(index, 1);
  }
  const second = schema.safeParse(value);
  if (!second.success) throw validationError(second.error, invalidCode);
  return { data: second.data, warnings };
}

/** Reads, decodes and parses a report body, then validates it with tolerantParse. */
export async function readReport<S extends z.ZodType>(
  req: BodySource,
  schema: S,
  limits: BodyLimits,
  lists: readonly TolerantList[],
): Promise<TolerantResult<z.output<S>>> {
  return tolerantParse(schema, parseJson(await readBody(req, limits)), lists, 'invalid_report');
}

/**
 * The answer with the parse warnings first and the ingest's own after; `warnings` is left out when
 * there are none. The constraint keeps it compiling whether or not an ingest result has `warnings`.
 */
export function withWarnings<T extends { success: boolean; warnings?: readonly ReportWarning[] }>(
  answer: T,
  parsed: readonly ReportWarning[],
): Omit<T, 'warnings'> & { warnings?: ReportWarning[] } {
  const { warnings: own, ...rest } = answer;
  const all = [...parsed, ...(own ?? [])];
  if (all.length === 0) return rest;
  if (all.length <= MAX_WARNINGS) return { ...rest, warnings: all };
  const kept = all.slice(0, MAX_WARNINGS - 1);
  const more = { path: '', message: `${all.length - kept.length} more warnings not listed` };
  return { ...rest, warnings: [...kept, more] };
}

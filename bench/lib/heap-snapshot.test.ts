// The streamed heap breakdown must agree with reading the whole snapshot at once, and a snapshot asked
// for by signal must be taken only once it is complete.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeHeapSnapshot } from 'node:v8';
import { afterEach, describe, expect, it } from 'vitest';
import { heapByConstructor, takeHeapSnapshot } from './heap-snapshot.ts';
import { stopChild } from './proc.ts';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
  nodes: number[];
  strings: string[];
}

/** The same figures, from the snapshot parsed in one piece. */
function breakdownByParse(path: string): Map<string, number> {
  const s = JSON.parse(readFileSync(path, 'utf8')) as Snapshot;
  const fields = s.snapshot.meta.node_fields;
  const [types] = s.snapshot.meta.node_types;
  const at = (name: string) => fields.indexOf(name);
  const sizes = new Map<string, number>();
  for (let i = 0; i < s.nodes.length; i += fields.length) {
    const type = types[s.nodes[i + at('type')] ?? 0] ?? '';
    const name =
      type === 'object' || type === 'native'
        ? s.strings[s.nodes[i + at('name')] ?? 0] || '(anonymous)'
        : `(${type})`;
    sizes.set(name, (sizes.get(name) ?? 0) + (s.nodes[i + at('self_size')] ?? 0));
  }
  return sizes;
}

const dirs: string[] = [];
const children: ChildProcess[] = [];
afterEach(async () => {
  await Promise.all(children.splice(0).map((c) => stopChild(c, 2_000)));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pulse-heap-test-'));
  dirs.push(dir);
  return dir;
}

describe('heapByConstructor', () => {
  it('sums self sizes per constructor as a whole-file parse does', async () => {
    const path = writeHeapSnapshot(join(tempDir(), 'this.heapsnapshot'));
    const streamed = await heapByConstructor(path, 1_000_000);
    const parsed = breakdownByParse(path);
    const total = [...parsed.values()].reduce((a, b) => a + b, 0);
    expect(streamed.totalBytes).toBe(total);
    expect(new Map(streamed.top.map((f) => [f.name, f.selfBytes]))).toEqual(parsed);
    const sorted = streamed.top.map((f) => f.selfBytes);
    expect(sorted).toEqual([...sorted].sort((a, b) => b - a));
  });
});

describe('takeHeapSnapshot', () => {
  it('signals a process started with --heapsnapshot-signal and answers once the file is complete', async () => {
    const dir = tempDir();
    const child = spawn(
      process.execPath,
      [
        '--heapsnapshot-signal=SIGUSR2',
        `--diagnostic-dir=${dir}`,
        '-e',
        'globalThis.kept = Array.from({ length: 5000 }, (_, i) => new (class Kept { constructor() { this.i = i } })()); process.stdout.write("ready\\n"); setInterval(() => {}, 1000)',
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    children.push(child);
    await new Promise<void>((resolve) => child.stdout?.once('data', () => resolve()));
    const pid = child.pid;
    if (pid === undefined) throw new Error('no pid');

    const path = await takeHeapSnapshot(pid, dir, 60_000);
    const breakdown = await heapByConstructor(path, 1_000);
    expect(breakdown.top.find((f) => f.name === 'Kept')?.count).toBe(5000);
  });
});

// A heap snapshot of a running server and its breakdown by constructor. The server runs with
// --heapsnapshot-signal=SIGUSR2 and --diagnostic-dir=<dir>: on the signal V8 writes the snapshot from the
// server's own thread (the server answers nothing meanwhile). The file can be far larger than what this
// process should hold, so it is read as a stream: the header for the field layout, the `nodes` array
// summed per (type, name) as it goes by, then only the names that were needed from `strings`.
import { closeSync, createReadStream, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface ConstructorFigure {
  name: string;
  count: number;
  selfBytes: number;
}

export interface HeapBreakdown {
  file: string;
  fileBytes: number;
  nodes: number;
  /** Sum of every node's self size: the live JS heap the snapshot saw. */
  totalBytes: number;
  top: ConstructorFigure[];
}

function snapshotsIn(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.endsWith('.heapsnapshot'));
}

/** The last bytes of a file, as text. */
function tail(path: string, bytes: number): string {
  const size = statSync(path).size;
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(Math.min(bytes, size));
    readSync(fd, buf, 0, buf.length, size - buf.length);
    return buf.toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/**
 * Sends SIGUSR2 to `pid` and resolves with the path of the new snapshot in `dir` once it is complete: the
 * JSON is closed and the file stopped growing. Fails after `timeoutMs`.
 */
export async function takeHeapSnapshot(pid: number, dir: string, timeoutMs = 600_000): Promise<string> {
  const before = new Set(snapshotsIn(dir));
  process.kill(pid, 'SIGUSR2');
  const deadline = Date.now() + timeoutMs;
  let lastSize = -1;
  for (;;) {
    if (Date.now() > deadline) throw new Error(`no complete heap snapshot in ${dir} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 500));
    const file = snapshotsIn(dir).find((f) => !before.has(f));
    if (!file) continue;
    const path = join(dir, file);
    const size = statSync(path).size;
    if (size > 0 && size === lastSize && /\]\s*\}\s*$/.test(tail(path, 64))) return path;
    lastSize = size;
  }
}

/** Object and native nodes are named by their constructor; every other type is a group of its own. */
function groupOf(type: string): string | undefined {
  return type === 'object' || type === 'native' ? undefined : `(${type})`;
}

interface Meta {
  node_fields: string[];
  node_types: [string[], ...unknown[]];
}

function parseMeta(header: string): Meta {
  // The header is `{"snapshot":{...},` up to the nodes array: closing it gives valid JSON.
  const parsed = JSON.parse(`${header.replace(/,\s*$/, '')}}`) as { snapshot?: { meta?: Meta } };
  const meta = parsed.snapshot?.meta;
  if (!meta || !Array.isArray(meta.node_fields) || !Array.isArray(meta.node_types?.[0]))
    throw new Error('heap snapshot: no node layout in the header');
  return meta;
}

/** Self size and count per constructor name (top `top` by self size), read as a stream. */
export async function heapByConstructor(path: string, top = 15): Promise<HeapBreakdown> {
  const NODES = '"nodes":[';
  const STRINGS = '"strings":[';
  let stage: 'header' | 'nodes' | 'seek' | 'strings' | 'done' = 'header';
  let pending = '';

  // Nodes: one number at a time, `fields` numbers per node.
  let fields = 0;
  let typeAt = 0;
  let nameAt = 0;
  let sizeAt = 0;
  let types: string[] = [];
  let value = 0;
  let inNumber = false;
  let field = 0;
  let nodeType = 0;
  let nodeName = 0;
  let nodeSize = 0;
  let nodes = 0;
  let totalBytes = 0;
  const byName = new Map<number, { count: number; selfBytes: number }>();
  const byGroup = new Map<string, { count: number; selfBytes: number }>();

  const endNode = () => {
    nodes += 1;
    totalBytes += nodeSize;
    const group = groupOf(types[nodeType] ?? 'unknown');
    const entry = group === undefined ? byName.get(nodeName) : byGroup.get(group);
    if (entry) {
      entry.count += 1;
      entry.selfBytes += nodeSize;
    } else if (group === undefined) byName.set(nodeName, { count: 1, selfBytes: nodeSize });
    else byGroup.set(group, { count: 1, selfBytes: nodeSize });
  };

  /** Consumes numbers of the nodes array; the index after its closing bracket, or -1 if not there yet. */
  const readNodes = (chunk: string, from: number): number => {
    for (let i = from; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (c >= 48 && c <= 57) {
        value = value * 10 + (c - 48);
        inNumber = true;
        continue;
      }
      if (inNumber) {
        if (field === typeAt) nodeType = value;
        else if (field === nameAt) nodeName = value;
        else if (field === sizeAt) nodeSize = value;
        field += 1;
        if (field === fields) {
          endNode();
          field = 0;
        }
        value = 0;
        inNumber = false;
      }
      if (c === 93) return i + 1;
    }
    return -1;
  };

  // Strings: JSON string literals; only the wanted ones are kept, and only they are decoded.
  let wanted = new Set<number>();
  const names = new Map<number, string>();
  let index = 0;
  let inString = false;
  let escaped = false;
  let parts: string[] = [];
  const readStrings = (chunk: string, from: number): boolean => {
    let i = from;
    while (i < chunk.length) {
      if (!inString) {
        const c = chunk.charCodeAt(i);
        i += 1;
        if (c === 34) {
          inString = true;
          parts = [];
        } else if (c === 93) return true;
        continue;
      }
      const start = i;
      for (; i < chunk.length; i++) {
        const c = chunk.charCodeAt(i);
        if (escaped) escaped = false;
        else if (c === 92) escaped = true;
        else if (c === 34) break;
      }
      const keep = wanted.has(index);
      if (keep) parts.push(chunk.slice(start, i));
      if (i < chunk.length) {
        if (keep) names.set(index, JSON.parse(`"${parts.join('')}"`) as string);
        index += 1;
        inString = false;
        i += 1;
      }
    }
    return false;
  };

  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 4 << 20 });
  for await (const raw of stream) {
    let chunk = pending + (raw as string);
    pending = '';
    if (stage === 'header') {
      const at = chunk.indexOf(NODES);
      if (at < 0) {
        pending = chunk;
        continue;
      }
      const meta = parseMeta(chunk.slice(0, at));
      fields = meta.node_fields.length;
      typeAt = meta.node_fields.indexOf('type');
      nameAt = meta.node_fields.indexOf('name');
      sizeAt = meta.node_fields.indexOf('self_size');
      types = meta.node_types[0];
      stage = 'nodes';
      chunk = chunk.slice(at + NODES.length);
    }
    if (stage === 'nodes') {
      const end = readNodes(chunk, 0);
      if (end < 0) continue;
      stage = 'seek';
      wanted = new Set(byName.keys());
      chunk = chunk.slice(end);
    }
    if (stage === 'seek') {
      // Everything between the nodes and the strings is numbers, so the key cannot occur inside a value.
      const at = chunk.indexOf(STRINGS);
      if (at < 0) {
        pending = chunk.slice(-STRINGS.length);
        continue;
      }
      stage = 'strings';
      chunk = chunk.slice(at + STRINGS.length);
    }
    if (stage === 'strings' && readStrings(chunk, 0)) {
      stage = 'done';
      break;
    }
  }
  stream.destroy();
  if (stage !== 'done') throw new Error(`heap snapshot ${path} ended early (while reading ${stage})`);

  const figures: ConstructorFigure[] = [
    ...[...byName].map(([id, f]) => ({ name: names.get(id) || '(anonymous)', ...f })),
    ...[...byGroup].map(([name, f]) => ({ name, ...f })),
  ];
  // Several string ids can carry one name; fold them.
  const folded = new Map<string, ConstructorFigure>();
  for (const f of figures) {
    const seen = folded.get(f.name);
    if (seen) {
      seen.count += f.count;
      seen.selfBytes += f.selfBytes;
    } else folded.set(f.name, { ...f });
  }
  return {
    file: path,
    fileBytes: statSync(path).size,
    nodes,
    totalBytes,
    top: [...folded.values()].sort((a, b) => b.selfBytes - a.selfBytes).slice(0, top),
  };
}

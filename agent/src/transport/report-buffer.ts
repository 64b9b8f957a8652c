// Ordered, bounded buffer of undelivered reports; the oldest is dropped when full; saved across restarts.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { writeFileAtomic } from '../runtime/atomic-file.ts';

export const BUFFER_CAPACITY = 60;

export class ReportBuffer<T> {
  private items: T[] = [];
  private droppedCount = 0;
  readonly capacity: number;

  constructor(capacity = BUFFER_CAPACITY) {
    this.capacity = capacity;
  }

  get size(): number {
    return this.items.length;
  }

  get dropped(): number {
    return this.droppedCount;
  }

  push(item: T): void {
    this.items.push(item);
    while (this.items.length > this.capacity) {
      this.items.shift();
      this.droppedCount++;
    }
  }

  peek(): T | undefined {
    return this.items[0];
  }

  shift(): T | undefined {
    return this.items.shift();
  }

  clear(): number {
    const n = this.items.length;
    this.items = [];
    return n;
  }

  /** Written atomically with mode 0600; nothing is written for an empty buffer. */
  save(path: string): number {
    if (this.items.length === 0) {
      rmSync(path, { force: true });
      return 0;
    }
    writeFileAtomic(path, JSON.stringify({ version: 1, reports: this.items }));
    return this.items.length;
  }

  /** Loads a saved buffer (then deletes the file); items that fail `accept` are skipped. */
  load(path: string, accept: (item: unknown) => item is T): { loaded: number; rejected: number } {
    if (!existsSync(path)) return { loaded: 0, rejected: 0 };
    let loaded = 0;
    let rejected = 0;
    try {
      const data: unknown = JSON.parse(readFileSync(path, 'utf8'));
      const reports =
        typeof data === 'object' && data !== null && 'reports' in data ? data.reports : undefined;
      for (const item of Array.isArray(reports) ? reports : []) {
        if (accept(item)) {
          this.push(item);
          loaded++;
        } else rejected++;
      }
    } catch {
      rejected++;
    }
    rmSync(path, { force: true });
    return { loaded, rejected };
  }
}

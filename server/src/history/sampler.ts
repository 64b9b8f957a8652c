// Subscribes the history store to the live state's change feed: each upserted item goes through the
// extractor registered for its collection, and every finite value becomes a sample.
import type { Clock } from '../clock.ts';
import type { CollectionName, LiveEntity, LiveState, StateChange } from '../state/live-state.ts';
import type { HistoryStore } from './history-store.ts';

export interface MetricSample {
  /** One of HISTORY_RESOURCE_TYPES: agent, node, vm, container, storage, dockerHost, dockerContainer, k8s... */
  resourceType: string;
  resourceId: string;
  metric: string;
  /** Undefined or non-finite values are skipped: unknown is not zero. */
  value: number | undefined;
}

export type MetricExtractor<T extends LiveEntity> = (item: T) => MetricSample[];

/**
 * Declared as a method so that an extractor typed for one collection's entity (HostState, ...) can be
 * stored beside the others: the collection name is what pairs an item with its extractor.
 */
interface RegisteredExtractor {
  samples(item: LiveEntity): MetricSample[];
}

export class HistorySampler {
  private readonly extractors = new Map<CollectionName, RegisteredExtractor>();
  private readonly store: HistoryStore;
  private readonly clock: Clock;
  private readonly unsubscribe: () => void;

  constructor(state: LiveState, store: HistoryStore, clock: Clock) {
    this.store = store;
    this.clock = clock;
    this.unsubscribe = state.onChange((change) => this.onChange(change));
  }

  /** Adds (or replaces) the extractor for a collection; the extension point for new sources. */
  registerExtractor<T extends LiveEntity>(collection: CollectionName, extract: MetricExtractor<T>): void {
    this.extractors.set(collection, { samples: extract });
  }

  stop(): void {
    this.unsubscribe();
  }

  private onChange(change: StateChange): void {
    // Status flips carry no new measurement; offline items keep their last, stale numbers.
    if (change.kind !== 'upserted' || change.item.status === 'offline') return;
    const extractor = this.extractors.get(change.collection);
    if (!extractor) return;
    const now = this.clock.now();
    for (const s of extractor.samples(change.item)) {
      if (s.value !== undefined && Number.isFinite(s.value))
        this.store.record(s.resourceType, s.resourceId, s.metric, now, s.value);
    }
  }
}

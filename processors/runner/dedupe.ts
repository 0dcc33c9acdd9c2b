import type { RecordMeta } from './pipeline.ts';

/**
 * The event ids accepted in the last `maxEvents` records of one partition and within `maxAgeMs`
 * of the newest record timestamp seen. Bounded by records (offsets), not by ids, so the window at
 * any committed offset can be rebuilt exactly by replaying the `maxEvents` records before it.
 */
export class DedupeWindow {
  private readonly ids = new Set<string>();
  // A ring of the admitted ids in offset order, for eviction; preallocated so memory stays flat.
  private readonly ringIds: (string | undefined)[];
  private readonly ringOffsets: Float64Array;
  private readonly ringTimestamps: Float64Array;
  private head = 0;
  private count = 0;
  private newestTimestamp = Number.NEGATIVE_INFINITY;

  constructor(
    readonly maxEvents: number,
    readonly maxAgeMs: number,
  ) {
    this.ringIds = new Array(maxEvents);
    this.ringOffsets = new Float64Array(maxEvents);
    this.ringTimestamps = new Float64Array(maxEvents);
  }

  get size(): number {
    return this.count;
  }

  /** True when the id is new in the window (and now recorded); false for a duplicate. Offsets must increase. */
  admit(eventId: string, offset: number, timestamp: number): boolean {
    if (timestamp > this.newestTimestamp) this.newestTimestamp = timestamp;
    this.evictBefore(offset - this.maxEvents, this.newestTimestamp - this.maxAgeMs);
    if (this.ids.has(eventId)) return false;
    const tail = (this.head + this.count) % this.maxEvents;
    this.ringIds[tail] = eventId;
    this.ringOffsets[tail] = offset;
    this.ringTimestamps[tail] = timestamp;
    this.count += 1;
    this.ids.add(eventId);
    return true;
  }

  private evictBefore(oldestOffset: number, oldestTimestamp: number): void {
    while (this.count > 0) {
      const offset = this.ringOffsets[this.head] as number;
      const timestamp = this.ringTimestamps[this.head] as number;
      if (offset > oldestOffset && timestamp >= oldestTimestamp) return;
      this.ids.delete(this.ringIds[this.head] as string);
      this.ringIds[this.head] = undefined;
      this.head = (this.head + 1) % this.maxEvents;
      this.count -= 1;
    }
  }
}

/** The dedupe stage: an event id already in the partition's window is a duplicate; a new one is recorded. */
export function isDuplicate(eventId: string, meta: RecordMeta, window: DedupeWindow): boolean {
  return !window.admit(eventId, meta.offset, meta.timestamp);
}

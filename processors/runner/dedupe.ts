import { EventIdSet, readHexId } from '../../lib/event-id-set.ts';
import type { RecordMeta } from './pipeline.ts';

/**
 * The event ids accepted in the last `maxEvents` records of one partition and within `maxAgeMs`
 * of the newest record timestamp seen. Bounded by records (offsets), not by ids, so the window at
 * any committed offset can be rebuilt exactly by replaying the `maxEvents` records before it.
 * Memory is fixed: ~77 bytes per record of the window for hex ids (Sluice's event ids; 7.7 MB a
 * partition at the default 100,000), reserved and written at construction, so a processor is as
 * large idle as after a burst has filled its windows (which any steady load does in minutes);
 * other ids fall back to a string set.
 */
export class DedupeWindow {
  private readonly ids: EventIdSet;
  // A ring of the admitted ids in offset order, for eviction.
  private readonly ringWords: Uint32Array;
  private readonly ringOffsets: Float64Array;
  private readonly ringTimestamps: Float64Array;
  /** Ring positions holding an id that is not 32 lower-case hex characters. */
  private readonly ringOthers = new Map<number, string>();
  /** Ring positions whose id a replay took over at a later position (eviction leaves the id alone). */
  private readonly ringMoved = new Set<number>();
  private head = 0;
  private count = 0;
  private newestTimestamp = Number.NEGATIVE_INFINITY;

  constructor(
    readonly maxEvents: number,
    readonly maxAgeMs: number,
  ) {
    this.ids = new EventIdSet(maxEvents);
    this.ringWords = new Uint32Array(maxEvents * 4).fill(0);
    this.ringOffsets = new Float64Array(maxEvents).fill(0);
    this.ringTimestamps = new Float64Array(maxEvents).fill(0);
  }

  get size(): number {
    return this.count;
  }

  /**
   * True when the id is new in the window (and now recorded); false for a duplicate. Offsets must
   * increase. `replayOf` is the offset in this partition of the record a dead-letter replay copies:
   * when the window holds the id from that very record, it was admitted by rebuilding the window
   * through stages fixed since that record was dead-lettered, so the replay is its first delivery.
   */
  admit(eventId: string, offset: number, timestamp: number, replayOf?: number): boolean {
    if (timestamp > this.newestTimestamp) this.newestTimestamp = timestamp;
    this.evictBefore(offset - this.maxEvents, this.newestTimestamp - this.maxAgeMs);
    // the tail slot is free: eviction by offset leaves at most maxEvents - 1 records
    const tail = (this.head + this.count) % this.maxEvents;
    const kept = this.ids.addKeepingWords(eventId, this.ringWords, tail * 4);
    if (kept === 'duplicate') {
      const original = replayOf === undefined ? -1 : this.positionOf(replayOf);
      if (original < 0 || this.ringMoved.has(original) || !this.holds(original, eventId, tail)) return false;
      this.ringMoved.add(original);
      if (this.ringOthers.has(original)) this.ringOthers.set(tail, eventId);
    } else if (kept === 'other') this.ringOthers.set(tail, eventId);
    this.ringOffsets[tail] = offset;
    this.ringTimestamps[tail] = timestamp;
    this.count += 1;
    return true;
  }

  /** The ring position admitted at `offset` (ring offsets increase from the head), or -1. */
  private positionOf(offset: number): number {
    let low = 0;
    let high = this.count - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const position = (this.head + middle) % this.maxEvents;
      const at = this.ringOffsets[position] as number;
      if (at === offset) return position;
      if (at < offset) low = middle + 1;
      else high = middle - 1;
    }
    return -1;
  }

  /** Whether ring position `position` holds `eventId` (a hex id's words go to the free slot `tail`). */
  private holds(position: number, eventId: string, tail: number): boolean {
    const other = this.ringOthers.get(position);
    if (other !== undefined) return other === eventId;
    const words = this.ringWords;
    if (!readHexId(eventId, words, tail * 4)) return false;
    for (let word = 0; word < 4; word++) {
      if (words[position * 4 + word] !== words[tail * 4 + word]) return false;
    }
    return true;
  }

  private evictBefore(oldestOffset: number, oldestTimestamp: number): void {
    while (this.count > 0) {
      const head = this.head;
      if (
        (this.ringOffsets[head] as number) > oldestOffset &&
        (this.ringTimestamps[head] as number) >= oldestTimestamp
      ) {
        return;
      }
      const other = this.ringOthers.get(head);
      if (this.ringMoved.delete(head)) this.ringOthers.delete(head);
      else if (other === undefined) this.ids.deleteWords(this.ringWords, head * 4);
      else {
        this.ids.delete(other);
        this.ringOthers.delete(head);
      }
      this.head = (head + 1) % this.maxEvents;
      this.count -= 1;
    }
  }
}

/** The dedupe stage: an event id already in the partition's window is a duplicate; a new one is recorded. */
export function isDuplicate(
  eventId: string,
  meta: RecordMeta,
  window: DedupeWindow,
  replayOf?: number,
): boolean {
  return !window.admit(eventId, meta.offset, meta.timestamp, replayOf);
}

import { randomInt } from 'node:crypto';
import type { RecordMeta } from './pipeline.ts';

const hexDigit = new Int8Array(128).fill(-1);
for (let digit = 0; digit < 16; digit++) hexDigit['0123456789abcdef'.charCodeAt(digit)] = digit;

/** Reads a 32-character lower-case hex id into four 32-bit words; false for any other id. */
function readHexId(id: string, words: Uint32Array, at: number): boolean {
  if (id.length !== 32) return false;
  for (let word = 0; word < 4; word++) {
    let value = 0;
    for (let i = word * 8; i < word * 8 + 8; i++) {
      const code = id.charCodeAt(i);
      const digit = code < 128 ? (hexDigit[code] as number) : -1;
      if (digit < 0) return false;
      value = (value << 4) | digit;
    }
    words[at + word] = value >>> 0;
  }
  return true;
}

/**
 * A set of 128-bit ids in flat typed arrays (open addressing, linear probing, backward-shift
 * deletion): 34 bytes a slot instead of ~150 for a JavaScript string in a Set. The slot hash is
 * seeded per process, so ids chosen by a producer cannot pile up in one probe run. The table
 * starts small and doubles as ids arrive, up to twice `maxIds` slots: memory follows the ids held,
 * and a window that is not full probes a table that stays in the CPU caches.
 */
class HexIdSet {
  private words: Uint32Array;
  private used: Uint8Array;
  private mask: number;
  private size = 0;
  private readonly maxCapacity: number;
  private readonly seed = randomInt(1, 2 ** 31);

  constructor(maxIds: number) {
    let capacity = 16;
    while (capacity < maxIds * 2) capacity *= 2;
    this.maxCapacity = capacity;
    const initial = Math.min(capacity, 4096);
    this.mask = initial - 1;
    this.words = new Uint32Array(initial * 4);
    this.used = new Uint8Array(initial);
  }

  /** Rehashes into a table twice the size. */
  private grow(): void {
    const { words, used } = this;
    const capacity = used.length * 2;
    this.words = new Uint32Array(capacity * 4);
    this.used = new Uint8Array(capacity);
    this.mask = capacity - 1;
    for (let slot = 0; slot < used.length; slot++) {
      if (used[slot]) this.place(-this.find(words, slot * 4) - 1, words, slot * 4);
    }
  }

  private home(w: Uint32Array, at: number): number {
    let h = Math.imul((w[at] as number) ^ this.seed, 0x9e3779b1);
    h = Math.imul(h ^ (w[at + 1] as number) ^ (h >>> 15), 0x85ebca6b);
    h = Math.imul(h ^ (w[at + 2] as number) ^ (h >>> 13), 0xc2b2ae35);
    return (h ^ (w[at + 3] as number) ^ (h >>> 16)) & this.mask;
  }

  private equals(slot: number, w: Uint32Array, at: number): boolean {
    const base = slot * 4;
    const words = this.words;
    return (
      words[base] === w[at] &&
      words[base + 1] === w[at + 1] &&
      words[base + 2] === w[at + 2] &&
      words[base + 3] === w[at + 3]
    );
  }

  /** The id's slot, or the empty slot where it would go (as -slot - 1). */
  private find(w: Uint32Array, at: number): number {
    let slot = this.home(w, at);
    while (this.used[slot]) {
      if (this.equals(slot, w, at)) return slot;
      slot = (slot + 1) & this.mask;
    }
    return -slot - 1;
  }

  /** Adds the id; false when it was there already. */
  add(w: Uint32Array, at: number): boolean {
    const slot = this.find(w, at);
    if (slot >= 0) return false;
    if ((this.size + 1) * 2 > this.used.length && this.used.length < this.maxCapacity) {
      this.grow();
      this.place(-this.find(w, at) - 1, w, at);
    } else this.place(-slot - 1, w, at);
    this.size += 1;
    return true;
  }

  private place(empty: number, w: Uint32Array, at: number): void {
    this.used[empty] = 1;
    const base = empty * 4;
    this.words[base] = w[at] as number;
    this.words[base + 1] = w[at + 1] as number;
    this.words[base + 2] = w[at + 2] as number;
    this.words[base + 3] = w[at + 3] as number;
  }

  delete(w: Uint32Array, at: number): void {
    let hole = this.find(w, at);
    if (hole < 0) return;
    // backward-shift: pull later entries of the probe run into the hole so lookups never stop early
    for (let next = (hole + 1) & this.mask; this.used[next]; next = (next + 1) & this.mask) {
      const home = this.home(this.words, next * 4);
      const between = hole <= next ? hole < home && home <= next : hole < home || home <= next;
      if (between) continue;
      this.words.copyWithin(hole * 4, next * 4, next * 4 + 4);
      hole = next;
    }
    this.used[hole] = 0;
    this.size -= 1;
  }
}

/**
 * The event ids accepted in the last `maxEvents` records of one partition and within `maxAgeMs`
 * of the newest record timestamp seen. Bounded by records (offsets), not by ids, so the window at
 * any committed offset can be rebuilt exactly by replaying the `maxEvents` records before it.
 * Memory is bounded: ~70 bytes per record of a full window for hex ids (Sluice's event ids), less
 * until it fills; other ids fall back to a string set.
 */
export class DedupeWindow {
  private readonly hexIds: HexIdSet;
  private readonly otherIds = new Set<string>();
  // A ring of the admitted ids in offset order, for eviction.
  private readonly ringWords: Uint32Array;
  private readonly ringOffsets: Float64Array;
  private readonly ringTimestamps: Float64Array;
  /** Ring positions holding an id that is not 32 lower-case hex characters. */
  private readonly ringOthers = new Map<number, string>();
  private readonly scratch = new Uint32Array(4);
  private head = 0;
  private count = 0;
  private newestTimestamp = Number.NEGATIVE_INFINITY;

  constructor(
    readonly maxEvents: number,
    readonly maxAgeMs: number,
  ) {
    this.hexIds = new HexIdSet(maxEvents);
    this.ringWords = new Uint32Array(maxEvents * 4);
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
    const hex = readHexId(eventId, this.scratch, 0);
    if (hex ? !this.hexIds.add(this.scratch, 0) : this.otherIds.has(eventId)) return false;
    const tail = (this.head + this.count) % this.maxEvents;
    if (hex) this.ringWords.set(this.scratch, tail * 4);
    else {
      this.otherIds.add(eventId);
      this.ringOthers.set(tail, eventId);
    }
    this.ringOffsets[tail] = offset;
    this.ringTimestamps[tail] = timestamp;
    this.count += 1;
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
      if (other === undefined) this.hexIds.delete(this.ringWords, head * 4);
      else {
        this.otherIds.delete(other);
        this.ringOthers.delete(head);
      }
      this.head = (head + 1) % this.maxEvents;
      this.count -= 1;
    }
  }
}

/** The dedupe stage: an event id already in the partition's window is a duplicate; a new one is recorded. */
export function isDuplicate(eventId: string, meta: RecordMeta, window: DedupeWindow): boolean {
  return !window.admit(eventId, meta.offset, meta.timestamp);
}

import { randomInt } from 'node:crypto';

const hexDigit = new Int8Array(128).fill(-1);
for (let digit = 0; digit < 16; digit++) hexDigit['0123456789abcdef'.charCodeAt(digit)] = digit;

/** Reads a 32-character lower-case hex id into four 32-bit words; false for any other id. */
export function readHexId(id: string, words: Uint32Array, at: number): boolean {
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
 * deletion): 34 bytes a slot instead of ~150 for a JavaScript string in a Set, and no string
 * hashing. The slot hash is seeded per process, so ids chosen by a producer cannot pile up in one
 * probe run. The table doubles when half full: memory follows the ids held (the caller bounds
 * them), and a small set probes a table that stays in the CPU caches; `reserved` sizes it for that
 * many ids from the start, its pages written, so it holds them without growing.
 */
class HexIdSet {
  private words: Uint32Array;
  private used: Uint8Array;
  private mask: number;
  private size = 0;
  private readonly seed = randomInt(1, 2 ** 31);

  constructor(reserved = 0) {
    let capacity = 4096;
    while (capacity < reserved * 2) capacity *= 2;
    this.words = new Uint32Array(capacity * 4);
    this.used = new Uint8Array(capacity);
    this.mask = capacity - 1;
    if (reserved > 0) {
      this.words.fill(0);
      this.used.fill(0);
    }
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

  has(w: Uint32Array, at: number): boolean {
    return this.find(w, at) >= 0;
  }

  /** Adds the id; false when it was there already. */
  add(w: Uint32Array, at: number): boolean {
    const slot = this.find(w, at);
    if (slot >= 0) return false;
    if ((this.size + 1) * 2 > this.used.length) {
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
 * A set of event ids: 32-character lower-case hex ids (Sluice's) as 16 bytes in a HexIdSet,
 * any other id in a Set of strings.
 */
export class EventIdSet {
  private readonly hexIds: HexIdSet;
  private readonly otherIds = new Set<string>();
  private readonly scratch = new Uint32Array(4);

  /** `reserved`: hex ids the set is sized and resident for from the start (HexIdSet). */
  constructor(reserved = 0) {
    this.hexIds = new HexIdSet(reserved);
  }

  has(id: string): boolean {
    return readHexId(id, this.scratch, 0) ? this.hexIds.has(this.scratch, 0) : this.otherIds.has(id);
  }

  /** Adds the id; false when it was there already. */
  add(id: string): boolean {
    return this.addKeepingWords(id, this.scratch, 0) !== 'duplicate';
  }

  /**
   * Adds the id and says how it is kept; a hex id's four words are also written to `words` at `at`
   * (where the dedupe window keeps them, to delete the id by its words later).
   */
  addKeepingWords(id: string, words: Uint32Array, at: number): 'duplicate' | 'hex' | 'other' {
    if (readHexId(id, words, at)) return this.hexIds.add(words, at) ? 'hex' : 'duplicate';
    if (this.otherIds.has(id)) return 'duplicate';
    this.otherIds.add(id);
    return 'other';
  }

  delete(id: string): void {
    if (readHexId(id, this.scratch, 0)) this.hexIds.delete(this.scratch, 0);
    else this.otherIds.delete(id);
  }

  /** Deletes the hex id whose words addKeepingWords wrote at `at`. */
  deleteWords(words: Uint32Array, at: number): void {
    this.hexIds.delete(words, at);
  }
}

import type { NativeBuffer } from '../../lib/avro.ts';
import { SluiceError } from '../../lib/errors.ts';
import { GrowingBuffer } from '../../lib/growing-buffer.ts';

/** The element types the sink sends, with their PostgreSQL type oids (array_recv checks them). */
const elementOids = {
  text: 25,
  jsonb: 3802,
  bytea: 17,
  int4: 23,
  int8: 20,
  float8: 701,
  timestamptz: 1184,
} as const;

export type ElementType = keyof typeof elementOids;

/** ndim, has-null flag, element oid, then the one dimension's length and lower bound. */
const HEADER_BYTES = 20;
const TWO_32 = 0x1_0000_0000;
/** 2000-01-01T00:00:00Z, PostgreSQL's epoch for timestamps, in Unix milliseconds. */
const POSTGRES_EPOCH_MS = 946_684_800_000;

/**
 * Array elements in PostgreSQL's binary wire format (what array_send writes for each): an int32
 * byte length (-1 for NULL) and the value's bytes. pg sends a Buffer parameter in binary, so the
 * server reads numbers and times as their bytes and texts with a length, where a text array
 * literal has it scan, unquote and convert every element (most of its time per row, measured).
 */
export class BinaryElements extends GrowingBuffer {
  /** Starts a tuple of COPY's binary format: its field count, the elements follow. */
  tuple(fields: number): void {
    this.room(2).writeInt16BE(fields, this.at);
    this.at += 2;
  }

  /** Appends an element: a string for text or jsonb, bytes for bytea, a number otherwise (epoch milliseconds for timestamptz). */
  element(type: ElementType, value: string | number | Buffer | null): void {
    if (value === null) {
      this.room(4).writeInt32BE(-1, this.at);
      this.at += 4;
      return;
    }
    switch (type) {
      case 'text':
        this.text(value as string);
        return;
      case 'jsonb': {
        // jsonb's binary format: a version byte (1), then the JSON text
        const text = value as string;
        const buffer = this.room(5 + 3 * text.length);
        buffer[this.at + 4] = 1;
        const bytes = (buffer as NativeBuffer).utf8Write(text, this.at + 5, 3 * text.length);
        buffer.writeInt32BE(1 + bytes, this.at);
        this.at += 5 + bytes;
        return;
      }
      case 'bytea': {
        const bytes = value as Buffer;
        this.room(4 + bytes.length).writeInt32BE(bytes.length, this.at);
        bytes.copy(this.buffer, this.at + 4);
        this.at += 4 + bytes.length;
        return;
      }
      case 'float8':
        this.room(12).writeInt32BE(8, this.at);
        this.buffer.writeDoubleBE(value as number, this.at + 4);
        this.at += 12;
        return;
      case 'int4':
        if ((value as number) !== ((value as number) | 0)) throw notRepresentable(value, type);
        this.room(8).writeInt32BE(4, this.at);
        this.buffer.writeInt32BE(value as number, this.at + 4);
        this.at += 8;
        return;
      case 'int8':
        if (!Number.isSafeInteger(value)) throw notRepresentable(value, type);
        this.int64(value as number);
        return;
      case 'timestamptz':
        if (!Number.isSafeInteger(value)) throw notRepresentable(value, type);
        this.microseconds((value as number) - POSTGRES_EPOCH_MS);
        return;
    }
  }

  /** UTF-8 written once after room for its length (at most 3 bytes per UTF-16 unit), the length filled in after. */
  private text(value: string): void {
    const buffer = this.room(4 + 3 * value.length);
    const bytes = (buffer as NativeBuffer).utf8Write(value, this.at + 4, 3 * value.length);
    buffer.writeInt32BE(bytes, this.at);
    this.at += 4 + bytes;
  }

  /** A safe integer as a big-endian int64, in two 32-bit halves (two's complement through floor). */
  private int64(value: number): void {
    const high = Math.floor(value / TWO_32);
    const buffer = this.room(12);
    buffer.writeInt32BE(8, this.at);
    buffer.writeInt32BE(high, this.at + 4);
    buffer.writeUInt32BE(value - high * TWO_32, this.at + 8);
    this.at += 12;
  }

  /**
   * Milliseconds since PostgreSQL's epoch as int64 microseconds, exact past 2^53 µs (split before
   * multiplying); a safe integer's high half fits in 32 bits. The server checks its own range.
   */
  private microseconds(milliseconds: number): void {
    const msHigh = Math.floor(milliseconds / TWO_32);
    const lowMicros = (milliseconds - msHigh * TWO_32) * 1000; // below 2^42: exact
    const carry = Math.floor(lowMicros / TWO_32);
    const buffer = this.room(12);
    buffer.writeInt32BE(8, this.at);
    buffer.writeInt32BE(msHigh * 1000 + carry, this.at + 4);
    buffer.writeUInt32BE(lowMicros - carry * TWO_32, this.at + 8);
    this.at += 12;
  }
}

/** Milliseconds since the Unix epoch of a timestamptz element at `at` (written by BinaryElements). */
export function readTimestampElement(bytes: Buffer, at: number): number {
  const micros = bytes.readInt32BE(at + 4) * TWO_32 + bytes.readUInt32BE(at + 8);
  return Math.floor(micros / 1000) + POSTGRES_EPOCH_MS;
}

/** Where the element at `at` ends (BinaryElements' format). */
export function elementEnd(bytes: Buffer, at: number): number {
  const length = bytes.readInt32BE(at);
  return at + 4 + (length < 0 ? 0 : length);
}

/**
 * A one-dimensional PostgreSQL array in its binary wire format (what array_send writes), built
 * element by element in one growing buffer. Nulls are element lengths of -1.
 */
export class BinaryArray extends BinaryElements {
  private count = 0;
  private hasNull = false;

  constructor(
    readonly type: ElementType,
    initialBytes = 4096,
  ) {
    super(initialBytes, HEADER_BYTES);
  }

  get length(): number {
    return this.count;
  }

  /** Appends a value: a string for text, bytes for bytea, a number otherwise (epoch milliseconds for timestamptz). */
  push(value: string | number | Buffer | null): void {
    this.element(this.type, value);
    this.count++;
    if (value === null) this.hasNull = true;
  }

  /** Appends an element already encoded (by BinaryElements, as this array's type) from `bytes[start, end)`. */
  pushEncoded(bytes: Buffer, start: number, end: number): void {
    this.room(end - start);
    bytes.copy(this.buffer, this.at, start, end);
    this.at += end - start;
    this.count++;
    if (bytes.readInt32BE(start) < 0) this.hasNull = true;
  }

  /** The array's bytes; valid until the next push. */
  bytes(): Buffer {
    const buffer = this.buffer;
    buffer.writeInt32BE(1, 0);
    buffer.writeInt32BE(this.hasNull ? 1 : 0, 4);
    buffer.writeInt32BE(elementOids[this.type], 8);
    buffer.writeInt32BE(this.count, 12);
    buffer.writeInt32BE(1, 16);
    return buffer.subarray(0, this.at);
  }
}

/** A value the element type cannot hold: the row is refused as bad data (the batch is split to find it). */
function notRepresentable(value: unknown, type: ElementType): SluiceError {
  return new SluiceError('ING_VALIDATION_FAILED', `${String(value)} is not a valid ${type}`);
}

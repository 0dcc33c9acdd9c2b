import { copyShortAscii, type NativeBuffer, SHORT_STRING } from '../../lib/avro.ts';
import { GrowingBuffer } from '../../lib/growing-buffer.ts';

/** The last time a DateTime holds (an unsigned 32-bit count of seconds): past it ClickHouse would wrap silently. */
export const maxDateTimeMs = 4_294_967_295_000;

/**
 * Rows in ClickHouse's RowBinary format, written straight into one growing buffer: numbers as
 * their little-endian bytes, strings as a varint length and their UTF-8 bytes, Nullable as a
 * null byte before the value, arrays as a varint count before the items. No number is turned
 * into text and no string is escaped, on our side or on the server's (18.16 reads it as well).
 */
export class RowBinaryWriter extends GrowingBuffer {
  constructor(initialBytes = 64 * 1024) {
    super(initialBytes);
  }

  /** The rows written so far; the view is valid until the next write. */
  bytes(): Buffer {
    return this.buffer.subarray(0, this.at);
  }

  varUInt(value: number): void {
    const buffer = this.room(5);
    let rest = value;
    while (rest >= 0x80) {
      buffer[this.at++] = (rest & 0x7f) | 0x80;
      rest >>>= 7;
    }
    buffer[this.at++] = rest;
  }

  string(value: string): void {
    const length = value.length;
    if (length < SHORT_STRING) {
      const buffer = this.room(1 + length);
      const end = copyShortAscii(buffer, this.at + 1, value);
      if (end >= 0) {
        buffer[this.at] = length; // a varint below 128: one byte
        this.at = end;
        return;
      }
    }
    // with room for 3 bytes per UTF-16 unit the whole string fits; a one-byte length is kept
    // before it when even that many bytes would be below 128, else the length is measured first
    if (3 * length < 0x80) {
      const buffer = this.room(1 + 3 * length);
      const bytes = (buffer as NativeBuffer).utf8Write(value, this.at + 1, 3 * length);
      buffer[this.at] = bytes;
      this.at += 1 + bytes;
      return;
    }
    const bytes = Buffer.byteLength(value);
    this.varUInt(bytes);
    const buffer = this.room(bytes);
    this.at += (buffer as NativeBuffer).utf8Write(value, this.at, bytes);
  }

  /** A string given as its UTF-8 bytes, `length` of them from `start` in `source`. */
  rawString(source: Buffer, start: number, length: number): void {
    if (length < 0x80) this.room(1 + length)[this.at++] = length;
    else this.varUInt(length);
    this.rawBytes(source, start, length);
  }

  /** `length` bytes of `source` from `start`, as they are (a Float64 is an Avro double's 8 bytes). */
  rawBytes(source: Buffer, start: number, length: number): void {
    const buffer = this.room(length);
    // up to here a copy in JS beats Buffer#copy's checks and native call
    if (length <= 64) for (let i = 0; i < length; i++) buffer[this.at++] = source[start + i] as number;
    else {
      source.copy(buffer, this.at, start, start + length);
      this.at += length;
    }
  }

  nullableString(value: string | null): void {
    if (this.nullFlag(value)) this.string(value as string);
  }

  stringArray(values: readonly string[]): void {
    this.varUInt(values.length);
    for (const value of values) this.string(value);
  }

  uint8(value: number): void {
    this.room(1)[this.at++] = value;
  }

  uint16(value: number): void {
    this.room(2).writeUInt16LE(value, this.at);
    this.at += 2;
  }

  uint32(value: number): void {
    this.room(4).writeUInt32LE(value, this.at);
    this.at += 4;
  }

  /** UInt64 or Int64 of a safe integer (two's complement), in two 32-bit halves: no BigInt per value. */
  int64(value: number): void {
    const high = Math.floor(value / 0x1_0000_0000);
    const buffer = this.room(8);
    buffer.writeUInt32LE(value - high * 0x1_0000_0000, this.at);
    buffer.writeInt32LE(high, this.at + 4);
    this.at += 8;
  }

  /** DateTime (seconds, UInt32) or DateTime64(3) (milliseconds, Int64) from epoch milliseconds. */
  time(epochMs: number, milliseconds: boolean): void {
    if (milliseconds) this.int64(epochMs);
    else this.uint32(Math.floor(epochMs / 1000));
  }

  float64(value: number): void {
    this.room(8).writeDoubleLE(value, this.at);
    this.at += 8;
  }

  nullableFloat64(value: number | null): void {
    if (this.nullFlag(value)) this.float64(value as number);
  }

  /** Nullable's leading byte (1: NULL, nothing follows); true when a value must follow. */
  private nullFlag(value: unknown): boolean {
    const isNull = value === null;
    this.uint8(isNull ? 1 : 0);
    return !isNull;
  }
}

/** Reads back a row's leading columns (what a writer needs of a row it encoded earlier). */
export class RowBinaryReader {
  private at = 0;

  constructor(private readonly bytes: Buffer) {}

  private varUInt(): number {
    let value = 0;
    let shift = 0;
    for (;;) {
      const byte = this.bytes[this.at++] as number;
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
      shift += 7;
    }
  }

  string(): string {
    const length = this.varUInt();
    this.at += length;
    return this.bytes.toString('utf8', this.at - length, this.at);
  }

  skipString(): void {
    // the length first: `this.at += this.varUInt()` would add it to the position before the varint
    const length = this.varUInt();
    this.at += length;
  }

  nullableString(): string | null {
    return this.bytes[this.at++] === 1 ? null : this.string();
  }
}

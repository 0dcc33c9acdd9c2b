import avro from 'avsc';
import avscUtils from 'avsc/lib/utils.js';
import { SluiceError } from './errors.ts';

const { Tap } = avscUtils;
type Tap = InstanceType<typeof Tap>;

/**
 * Avro `decimal` (bytes or fixed, two's-complement big-endian unscaled value) as an exact
 * decimal string in JavaScript: money never passes through a float.
 */
class DecimalType extends avro.types.LogicalType {
  readonly precision: number;
  readonly scale: number;

  constructor(schema: avro.Schema, opts?: avro.ForSchemaOptions) {
    super(schema, opts);
    const { precision, scale } = schema as { precision?: unknown; scale?: unknown };
    this.precision = Number(precision);
    this.scale = Number(scale ?? 0);
    if (
      !Number.isInteger(this.precision) ||
      this.precision < 1 ||
      this.scale < 0 ||
      this.scale > this.precision
    ) {
      throw new SluiceError(
        'ING_SERDE_INVALID',
        `decimal needs 1 <= precision and 0 <= scale <= precision, got ${this.precision}/${this.scale}`,
      );
    }
  }

  override _fromValue(bytes: Buffer): string {
    let unscaled = 0n;
    for (const byte of bytes) unscaled = (unscaled << 8n) | BigInt(byte);
    if (bytes.length > 0 && (bytes[0] as number) & 0x80) unscaled -= 1n << BigInt(bytes.length * 8);
    return formatDecimal(unscaled, this.scale);
  }

  override _toValue(value: unknown): Buffer {
    const unscaled = parseDecimal(value, this.scale);
    const digits = (unscaled < 0n ? -unscaled : unscaled).toString().length;
    if (digits > this.precision) {
      throw new SluiceError(
        'ING_SERDE_INVALID',
        `decimal ${String(value)} has more than ${this.precision} digits`,
      );
    }
    return toTwosComplement(unscaled);
  }

  override _resolve(type: avro.Type): ((value: string) => string) | undefined {
    if (type instanceof DecimalType && type.scale === this.scale) return (value) => value;
    return undefined;
  }

  override _export(attrs: avro.Schema): void {
    Object.assign(attrs as object, { precision: this.precision, scale: this.scale });
  }
}

const decimalPattern = /^([+-])?(\d+)?(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

/** Parses "12.5", "-0.000125", "1e-7" or a finite number into an integer scaled by 10^scale, exactly. */
export function parseDecimal(value: unknown, scale: number): bigint {
  const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
  const match = typeof text === 'string' ? decimalPattern.exec(text.trim()) : null;
  if (!match || (match[2] === undefined && match[3] === undefined)) {
    throw new SluiceError('ING_SERDE_INVALID', `not a decimal number: ${JSON.stringify(value)}`);
  }
  const [, sign, whole = '', fraction = '', exponentText = '0'] = match;
  const exponent = Number(exponentText);
  let digits = `${whole}${fraction}`;
  // value = digits * 10^(exponent - fraction.length); we want value * 10^scale
  const shift = exponent - fraction.length + scale;
  if (shift >= 0) digits += '0'.repeat(shift);
  else {
    const dropped = digits.slice(shift);
    if (/[1-9]/.test(dropped)) {
      throw new SluiceError(
        'ING_SERDE_INVALID',
        `${JSON.stringify(value)} has more than ${scale} decimal places`,
      );
    }
    digits = digits.slice(0, shift);
  }
  const unscaled = BigInt(digits === '' ? '0' : digits);
  return sign === '-' ? -unscaled : unscaled;
}

export function formatDecimal(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const fraction = digits.slice(digits.length - scale).replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

function toTwosComplement(value: bigint): Buffer {
  let hex = (value < 0n ? (1n << BigInt((value.toString(2).length + 8) & ~7)) + value : value).toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  let bytes = Buffer.from(hex, 'hex');
  // keep the sign bit right: positive values must not start with a 1 bit, negatives must
  if (value >= 0n && bytes.length > 0 && (bytes[0] as number) & 0x80)
    bytes = Buffer.concat([Buffer.from([0]), bytes]);
  while (value < 0n && bytes.length > 1 && bytes[0] === 0xff && (bytes[1] as number) & 0x80)
    bytes = bytes.subarray(1);
  return bytes;
}

// ---------------------------------------------------------------------------------------------
// Faster Avro types. avsc reads and writes through a Tap (a buffer and a position) and lets a
// typeHook supply the type for any schema; the types below replace avsc's where its generic
// paths cost the most in our records, and fall back to avsc's own code for anything unusual.
// They produce the same bytes and values as avsc (lib/avro.test.ts checks them against it);
// bench/serde.bench.ts measures them.

/** What avsc's typings leave out: every type and resolver reads and writes through a Tap. */
interface TapCodec {
  _read(tap: Tap): unknown;
  _write(tap: Tap, value: unknown): void;
}

type AvscTypeClass<Schema> = new (schema: Schema, opts?: avro.ForSchemaOptions) => avro.Type & TapCodec;

/** Node's Buffer methods behind toString and write, without their argument checks (avsc uses them too). */
export interface NativeBuffer extends Buffer {
  latin1Slice(start: number, end: number): string;
  utf8Slice(start: number, end: number): string;
  utf8Write(value: string, offset: number, maxBytes: number): number;
}

/** Below this length, copying a string's characters in JS beats a native write call. */
export const SHORT_STRING = 16;

/**
 * Copies a string shorter than SHORT_STRING into `buffer` at `at` if it is ASCII (one byte per
 * character) and fits; returns where it ends, or -1 (then the bytes written mean nothing).
 */
export function copyShortAscii(buffer: Buffer, at: number, value: string): number {
  const length = value.length;
  if (at + length > buffer.length) return -1;
  // one test after the loop instead of one a character: the loop copies short strings only
  let bits = 0;
  for (let i = 0; i < length; i++) {
    const code = value.charCodeAt(i);
    bits |= code;
    buffer[at + i] = code;
  }
  return bits < 0x80 ? at + length : -1;
}

/**
 * Writes an Avro string. avsc measures every string with Buffer.byteLength, then copies its
 * characters in JS (up to 64 bytes) or writes it natively: two passes, and String#charCodeAt
 * costs some 35 instructions per character. Here an ASCII string is written in one pass: a short
 * one copied in JS with its length byte, a longer one natively after room for its length. Other
 * strings take avsc's path (its bytes for ill-formed UTF-16 differ from Node's UTF-8 writer).
 */
function writeString(tap: Tap, value: string): void {
  const length = value.length;
  const buffer = tap.buf;
  const start = tap.pos;
  if (length < SHORT_STRING) {
    const end = copyShortAscii(buffer, start + 1, value);
    if (end >= 0) {
      buffer[start] = length << 1; // zig-zag varint of a length below 64: one byte
      tap.pos = end;
      return;
    }
  } else if (length < 8192 && start + 2 + 3 * length <= buffer.length) {
    // With room for 3 bytes per UTF-16 unit the whole string is written, and it is ASCII if it
    // took one byte per unit. Room for the varint of that byte count is kept before it.
    const lengthBytes = length < 64 ? 1 : 2;
    const bytes = (buffer as NativeBuffer).utf8Write(value, start + lengthBytes, 3 * length);
    if (bytes === length) {
      if (lengthBytes === 1) buffer[start] = length << 1;
      else {
        buffer[start] = ((length << 1) & 0x7f) | 0x80;
        buffer[start + 1] = length >> 6;
      }
      tap.pos = start + lengthBytes + length;
      return;
    }
  }
  tap.writeString(value);
}

/**
 * Writes a long as avsc does (zig-zag varint), without its float loop for values past 2^30:
 * there each `f & 0x7f` on a double above 2^31 takes V8's slow truncation. Timestamps in
 * milliseconds are such values. Here the low 28 bits and the rest are split once, then written
 * with integer arithmetic.
 */
function writeLong(tap: Tap, value: number): void {
  if (value >= -0x40000000 && value < 0x40000000) {
    tap.writeLong(value);
    return;
  }
  const zigZag = value >= 0 ? value * 2 : -value * 2 - 1; // exact: |value| < 2^53
  let high = Math.floor(zigZag / 0x10000000); // at least 8, below 2^26
  const low = zigZag - high * 0x10000000;
  const buffer = tap.buf;
  let at = tap.pos;
  buffer[at++] = (low & 0x7f) | 0x80;
  buffer[at++] = ((low >> 7) & 0x7f) | 0x80;
  buffer[at++] = ((low >> 14) & 0x7f) | 0x80;
  buffer[at++] = ((low >> 21) & 0x7f) | 0x80;
  while (high > 0x7f) {
    buffer[at++] = (high & 0x7f) | 0x80;
    high >>>= 7;
  }
  buffer[at++] = high;
  tap.pos = at;
}

/** avsc's bounds for a long that reads back exactly. */
const MAX_SAFE_LONG = 9007199254740990;

class StringType extends (avro.types.StringType as unknown as AvscTypeClass<avro.Schema>) {
  override _write(tap: Tap, value: unknown): void {
    if (typeof value === 'string') writeString(tap, value);
    else super._write(tap, value); // throws avsc's invalid-value error
  }
}

class LongType extends (avro.types.LongType as unknown as AvscTypeClass<avro.Schema>) {
  override _write(tap: Tap, value: unknown): void {
    if (Number.isInteger(value) && Math.abs(value as number) <= MAX_SAFE_LONG) {
      writeLong(tap, value as number);
    } else super._write(tap, value); // throws avsc's invalid-value error
  }
}

/** avsc's map, writing its keys with writeString and reading them with BodyTap#readKey. */
class MapType extends (avro.types.MapType as unknown as AvscTypeClass<avro.Schema>) {
  declare readonly valuesType: avro.Type & TapCodec;

  override _read(tap: Tap): unknown {
    if (!(tap instanceof BodyTap)) return super._read(tap);
    const values = this.valuesType;
    const map: Record<string, unknown> = {};
    // a corrupt count stops at the body's end, where decodeAvro throws
    for (let count = tap.readLong(); count !== 0 && tap.isValid(); count = tap.readLong()) {
      if (count < 0) {
        count = -count;
        tap.readLong(); // the block's size in bytes
      }
      for (; count > 0 && tap.isValid(); count--) {
        const key = tap.readKey();
        map[key] = values._read(tap);
      }
    }
    return map;
  }

  override _write(tap: Tap, value: unknown): void {
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      super._write(tap, value); // throws avsc's invalid-value error
      return;
    }
    const values = this.valuesType;
    const keys = Object.keys(value);
    if (keys.length > 0) {
      tap.writeLong(keys.length);
      for (const key of keys) {
        writeString(tap, key);
        values._write(tap, (value as Record<string, unknown>)[key]);
      }
    }
    tap.writeLong(0);
  }
}

const UnwrappedUnionType = avro.types.UnwrappedUnionType as unknown as AvscTypeClass<avro.Type[]>;

/** What `typeof` says of a value of this type, for the types whose values it tells apart. */
function typeofValues(type: avro.Type): string | undefined {
  switch (type.typeName) {
    case 'string':
    case 'enum':
      return 'string';
    case 'int':
    case 'long':
    case 'float':
    case 'double':
      return 'number';
    case 'boolean':
      return 'boolean';
    default:
      return undefined;
  }
}

/**
 * An optional field's union, ["null", T] or [T, "null"], read and written without avsc's
 * generic branch lookup (a bucket name per value, then a dictionary); values of any other shape
 * take avsc's path, which throws the same errors. avsc freezes its types, so the branch indices
 * live in the closure of a class made for each such union.
 */
function nullableUnionType(types: avro.Type[], opts: avro.ForSchemaOptions): avro.Type {
  const nullIndex = types.findIndex((type) => type.typeName === 'null');
  const valueIndex = 1 - nullIndex;
  const valueType = types[valueIndex] as avro.Type & TapCodec;
  const valueTypeof = typeofValues(valueType);
  class NullableUnionType extends UnwrappedUnionType {
    override _read(tap: Tap): unknown {
      const index = tap.readLong();
      if (index === nullIndex) return null;
      if (index === valueIndex) return valueType._read(tap);
      throw new Error(`invalid union index: ${index}`);
    }

    override _write(tap: Tap, value: unknown): void {
      // the index's varint is one byte, 2 * index; past the buffer's end the write is dropped
      // and the position still moves on, as with avsc's writers
      if (value === null) tap.buf[tap.pos++] = nullIndex << 1;
      else if (typeof value === valueTypeof) {
        tap.buf[tap.pos++] = valueIndex << 1;
        valueType._write(tap, value);
      } else super._write(tap, value);
    }
  }
  return new NullableUnionType(types, opts);
}

const logicalTypes = { decimal: DecimalType };

/** The schema of a `typeName` that avsc would build as that type, not as one of our logical types. */
function isPlain(schema: unknown, typeName: string): boolean {
  if (schema === typeName) return true;
  const { type, logicalType } = (schema ?? {}) as { type?: unknown; logicalType?: unknown };
  return type === typeName && !(typeof logicalType === 'string' && logicalType in logicalTypes);
}

function fastType(schema: avro.Schema, opts: avro.ForSchemaOptions): avro.Type | undefined {
  if (isPlain(schema, 'string')) return new StringType({ type: 'string' });
  if (isPlain(schema, 'long')) return new LongType({ type: 'long' });
  if (typeof schema === 'object' && isPlain(schema, 'map')) return new MapType(schema, opts);
  if (Array.isArray(schema) && schema.length === 2 && schema.filter((s) => isPlain(s, 'null')).length === 1) {
    return nullableUnionType(
      schema.map((branch) => avro.Type.forSchema(branch, opts)),
      opts,
    );
  }
  return undefined;
}

/** The one way Sluice builds an Avro type: with its logical types and the faster types above. */
export function avroType(schema: avro.Schema | Record<string, unknown>): avro.Type {
  return avro.Type.forSchema(schema as avro.Schema, { logicalTypes, typeHook: fastType });
}

// ---------------------------------------------------------------------------------------------
// Decoding

/** Strings cut out of one latin1 copy keep at most this many bytes of it alive. */
const TEXT_WINDOW_BYTES = 1024;

/**
 * Recently seen map keys (hashed into slots) and their bytes, for BodyTap#readKey. A cached key
 * may hold on to the latin1 copy it was cut from: 256 KB at most.
 */
const KEY_SLOTS = 256;
const KEY_BYTES = 32;
const keyStrings: (string | undefined)[] = new Array(KEY_SLOTS).fill(undefined);
const keyBytes = new Uint8Array(KEY_SLOTS * KEY_BYTES);

/**
 * A Tap that decodes ASCII strings without a native call each. avsc's readString calls
 * utf8Slice per string, and that call costs more than everything else in a record of short
 * strings. Here the bytes ahead are copied into one latin1 string once, and each ASCII string
 * is cut out of it with substring (a JIT builtin); a string holding any non-ASCII byte still
 * goes through utf8Slice. Same strings: ASCII bytes mean the same in latin1 and UTF-8.
 */
class BodyTap extends Tap {
  private text = '';
  private textStart = 0;
  private textEnd = 0;
  /** The body's memory as 32-bit words, and where the body starts in it. */
  private readonly words: Uint32Array<ArrayBufferLike>;
  private readonly wordsOffset: number;

  constructor(buffer: Buffer, start: number) {
    super(buffer, start);
    this.words = wordsOf(buffer);
    this.wordsOffset = buffer.byteOffset;
  }

  override readString(): string {
    const length = this.readLong();
    const buffer = this.buf;
    const start = this.pos;
    const end = start + length;
    if (length < 0 || end > buffer.length) {
      this._invalidate(); // decodeAvro reports the truncated or corrupt body
      return '';
    }
    this.pos = end;
    return this.isAscii(start, end) ? this.ascii(start, end) : (buffer as NativeBuffer).utf8Slice(start, end);
  }

  /**
   * Bytes and fixed values as views on the body, where avsc copies each into a buffer of its
   * own: a view keeps the body's memory (a fetched batch) alive only as long as the value lives.
   */
  override readFixed(length: number): Buffer | undefined {
    const start = this.pos;
    this.pos = start + length;
    return this.pos > this.buf.length ? undefined : this.buf.subarray(start, this.pos);
  }

  /**
   * Whether the bytes from start to end are all ASCII. A JS loop over a Buffer costs some 20
   * instructions a byte (V8 checks the typed array again on every access), more than the rest
   * of decoding a string, so the bytes are tested four at a time, in the aligned 32-bit words
   * that hold them, the bytes outside masked off (masks for little-endian words).
   */
  private isAscii(start: number, end: number): boolean {
    if (start === end) return true;
    const at = start + this.wordsOffset;
    const stop = end + this.wordsOffset;
    const first = at >>> 2;
    const last = (stop - 1) >>> 2;
    const words = this.words;
    if (!littleEndian || last >= words.length) return isAsciiBytes(this.buf, start, end);
    const headMask = HIGH_BITS << ((at & 3) << 3);
    const tailMask = HIGH_BITS >>> ((-stop & 3) << 3);
    if (first === last) return ((words[first] as number) & headMask & tailMask) === 0;
    let bits = (words[first] as number) & headMask;
    for (let word = first + 1; word < last; word++) bits |= words[word] as number;
    return ((bits & HIGH_BITS) | ((words[last] as number) & tailMask)) === 0;
  }

  /**
   * A map key: the same string as readString, but an ASCII key seen recently is returned as
   * the very string returned then. V8 looks up every new string used as a property name in its
   * string table; the one it has seen before it need not.
   */
  readKey(): string {
    const length = this.readLong();
    const buffer = this.buf;
    const start = this.pos;
    const end = start + length;
    if (length < 0 || end > buffer.length) {
      this._invalidate();
      return '';
    }
    this.pos = end;
    let bits = 0;
    let hash = length;
    for (let i = start; i < end; i++) {
      const byte = buffer[i] as number;
      bits |= byte;
      hash = (Math.imul(hash, 31) + byte) | 0;
    }
    if (bits > 0x7f) return (buffer as NativeBuffer).utf8Slice(start, end);
    if (length > KEY_BYTES) return this.ascii(start, end);
    const slot = hash & (KEY_SLOTS - 1);
    const cached = keyStrings[slot];
    if (cached !== undefined && cached.length === length) {
      const at = slot * KEY_BYTES - start;
      let same = true;
      for (let i = start; i < end && same; i++) same = keyBytes[at + i] === buffer[i];
      if (same) return cached;
    }
    const key = this.ascii(start, end);
    keyStrings[slot] = key;
    keyBytes.set(buffer.subarray(start, end), slot * KEY_BYTES);
    return key;
  }

  /** The ASCII bytes from start to end as a string, cut out of the latin1 copy. */
  private ascii(start: number, end: number): string {
    if (start < this.textStart || end > this.textEnd) {
      const buffer = this.buf as NativeBuffer;
      this.textStart = start;
      this.textEnd = Math.max(end, Math.min(buffer.length, start + TEXT_WINDOW_BYTES));
      this.text = buffer.latin1Slice(start, this.textEnd);
    }
    return this.text.substring(start - this.textStart, end - this.textStart);
  }
}

/** The top bit of each byte of a 32-bit word. */
const HIGH_BITS = 0x80808080;
const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function isAsciiBytes(buffer: Buffer, start: number, end: number): boolean {
  let bits = 0;
  for (let i = start; i < end; i++) bits |= buffer[i] as number;
  return bits < 0x80;
}

/**
 * A Uint32Array on the whole memory of `buffer`, reused while the buffers decoded share their
 * memory (the values of one Kafka fetch, an encoder's slab); it keeps that memory alive until a
 * buffer on other memory comes. Words past its length (memory grown since) are read byte by byte.
 */
function wordsOf(buffer: Buffer): Uint32Array<ArrayBufferLike> {
  const memory = buffer.buffer;
  if (memory !== wordsMemory) {
    wordsMemory = memory;
    words = new Uint32Array(memory, 0, memory.byteLength >>> 2);
  }
  return words;
}
let wordsMemory: ArrayBufferLike | undefined;
let words: Uint32Array<ArrayBufferLike> = new Uint32Array(0);

/**
 * Decodes the one value that fills `buffer` from `start` to its end, with `reader` a type or a
 * resolver from its createResolver. Like Type#fromBuffer, a truncated body or trailing bytes throw.
 */
export function decodeAvro(reader: avro.Type | avro.Resolver, buffer: Buffer, start = 0): unknown {
  const tap = new BodyTap(buffer, start);
  const value = (reader as unknown as TapCodec)._read(tap);
  if (tap.pos > buffer.length) throw new Error('truncated buffer');
  if (tap.pos < buffer.length) throw new Error('trailing data');
  return value;
}

// ---------------------------------------------------------------------------------------------
// Encoding

const SLAB_BYTES = 64 * 1024;

/**
 * Encodes values one after another into a shared slab and hands out views on it, so each
 * encoded value costs one Buffer object and no copy. A view keeps its slab alive; values over
 * a quarter of a slab get a buffer of their own.
 */
export class AvroEncoder {
  private slab = Buffer.allocUnsafe(SLAB_BYTES);
  private used = 0;

  /** The bytes of `prefix` followed by the Avro encoding of `value`. */
  encode(type: avro.Type, value: unknown, prefix: Buffer): Buffer {
    const start = this.used;
    const end = writePrefixed(this.slab, start, type, value, prefix);
    if (end <= this.slab.length) {
      this.used = end;
      return this.slab.subarray(start, end);
    }
    const size = end - start;
    if (size > SLAB_BYTES / 4) {
      const own = Buffer.allocUnsafe(size);
      writePrefixed(own, 0, type, value, prefix);
      return own;
    }
    this.slab = Buffer.allocUnsafe(SLAB_BYTES);
    this.used = 0;
    return this.encode(type, value, prefix);
  }
}

/** Writes from `start` and returns where the value ends, past the buffer's end when it did not fit. */
function writePrefixed(
  buffer: Buffer,
  start: number,
  type: avro.Type,
  value: unknown,
  prefix: Buffer,
): number {
  for (let i = 0; i < prefix.length; i++) buffer[start + i] = prefix[i] as number;
  const tap = new Tap(buffer, start + prefix.length);
  (type as unknown as TapCodec)._write(tap, value);
  return tap.pos;
}

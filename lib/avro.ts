import avro from 'avsc';
import { SluiceError } from './errors.ts';

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

interface Tap {
  buf: Buffer;
  pos: number;
}

/**
 * Avro `string` with a single-pass path for short ASCII strings (ids, units, metric names: most
 * of our strings). avsc measures every string with Buffer.byteLength, a native call that costs
 * more than writing the string; here the length byte and the characters are written in one loop,
 * and anything else (non-ASCII, long strings, a full buffer) takes avsc's own path. Same bytes.
 */
// avsc's typings leave out the internal `_write` that its compiled record writers call.
const AvscStringType = avro.types.StringType as unknown as new (
  schema: avro.Schema,
) => avro.Type & { _write(tap: Tap, value: unknown): void };

class StringType extends AvscStringType {
  override _write(tap: Tap, value: unknown): void {
    if (typeof value === 'string' && value.length < 64) {
      const length = value.length;
      const buffer = tap.buf;
      const start = tap.pos;
      if (start + 1 + length <= buffer.length) {
        let at = start + 1;
        let ascii = true;
        for (let i = 0; i < length && ascii; i++) {
          const code = value.charCodeAt(i);
          ascii = code < 0x80;
          buffer[at++] = code;
        }
        if (ascii) {
          buffer[start] = length << 1; // zig-zag varint of a length below 64: one byte
          tap.pos = at;
          return;
        }
      }
    }
    super._write(tap, value);
  }
}

function isPlainString(schema: unknown): boolean {
  return (
    schema === 'string' ||
    (typeof schema === 'object' &&
      schema !== null &&
      (schema as { type?: unknown; logicalType?: unknown }).type === 'string' &&
      !(schema as { logicalType?: unknown }).logicalType)
  );
}

/** The one way Sluice builds an Avro type: with its logical types and the fast string type. */
export function avroType(schema: avro.Schema | Record<string, unknown>): avro.Type {
  return avro.Type.forSchema(schema as avro.Schema, {
    logicalTypes: { decimal: DecimalType },
    typeHook: (candidate) =>
      isPlainString(candidate) ? new StringType({ type: 'string' } as avro.Schema) : undefined,
  });
}

import { readSchema, topics } from '../../schemas/catalog.ts';
import { maxDateTimeMs, type RowBinaryWriter } from './row-binary.ts';

/**
 * The Avro layout this transcoder reads, in the normalized telemetry schema's field order: each
 * field's path and type, enum symbols in their order. `transcodable` compares it with the schema
 * file at load, so a schema change turns the transcoder off (every record then takes the decoding
 * path) instead of misreading bytes; the unit test fails until the transcoder follows it.
 */
const transcodedFields = [
  'eventId:string',
  'source:enum(http|mqtt|opcua|modbus|file)',
  'deviceId:string',
  'siteId:null|string',
  'metric:string',
  'value:double',
  'unit:string',
  'originalValue:null|double',
  'originalUnit:null|string',
  'sourceTime:long',
  'receivedAt:long',
  'processedAt:long',
  'quality.level:enum(measured|estimated|rough)',
  'quality.score:double',
  'quality.flags:array(string)',
  'enrichment.known:boolean',
  'enrichment.siteName:null|string',
  'enrichment.deviceType:null|string',
  'enrichment.latitude:null|double',
  'enrichment.longitude:null|double',
  'enrichment.tags:map(string)',
  'lineage.topic:string',
  'lineage.partition:int',
  'lineage.offset:long',
  'traceId:null|string',
];
export const transcodedLayout = transcodedFields.join(',');

type SchemaNode = string | { type: string; [key: string]: unknown } | SchemaNode[];

function typeOf(type: SchemaNode): string {
  if (typeof type === 'string') return type;
  if (Array.isArray(type)) return type.map(typeOf).join('|');
  switch (type.type) {
    case 'enum':
      return `enum(${(type.symbols as string[]).join('|')})`;
    case 'array':
      return `array(${typeOf(type.items as SchemaNode)})`;
    case 'map':
      return `map(${typeOf(type.values as SchemaNode)})`;
    default:
      // a logical type reads as its underlying type
      return type.type;
  }
}

/** `path:type` of every leaf field of a record schema, nested records flattened. */
export function layoutOf(record: Record<string, unknown>, prefix = ''): string[] {
  return (record.fields as { name: string; type: SchemaNode }[]).flatMap(({ name, type }) =>
    typeof type === 'object' && !Array.isArray(type) && type.type === 'record'
      ? layoutOf(type, `${prefix}${name}.`)
      : [`${prefix}${name}:${typeOf(type)}`],
  );
}

export const transcodable =
  layoutOf(readSchema(topics.normalizedTelemetry.schemaFile)).join(',') === transcodedLayout;

/** The symbols of an enum field of the layout as UTF-8, in their order (Avro writes the index). */
function symbolsOf(path: string): Buffer[] {
  const field = transcodedFields.find((f) => f.startsWith(`${path}:enum(`)) as string;
  return field
    .slice(`${path}:enum(`.length, -1)
    .split('|')
    .map((symbol) => Buffer.from(symbol));
}
const sources = symbolsOf('source');
const qualityLevels = symbolsOf('quality.level');

/** Thrown inside the row write: the row is dropped and the record takes the decoding path. */
const untranscodable = new Error('untranscodable');

/**
 * Reads Avro's binary encoding front to back: zig-zag varint longs (exact to 2^53), strings as a
 * length and their bytes, doubles as 8 little-endian bytes. Anything malformed or past the end
 * throws `untranscodable`.
 */
class AvroCursor {
  at = 0;
  end = 0;
  bytes: Buffer = Buffer.alloc(0);
  /** The length of the last string read. */
  length = 0;

  long(): number {
    const { bytes } = this;
    let value = 0;
    let factor = 1;
    for (;;) {
      if (this.at >= this.end || factor > 2 ** 49) throw untranscodable;
      const byte = bytes[this.at++] as number;
      value += (byte & 0x7f) * factor;
      if (byte < 0x80) break;
      factor *= 128;
    }
    return value % 2 === 0 ? value / 2 : -(value + 1) / 2;
  }

  /** A string's bytes: where they start (its length in `length`). */
  string(): number {
    const length = this.long();
    const start = this.at;
    this.at += length;
    if (length < 0 || this.at > this.end) throw untranscodable;
    this.length = length;
    return start;
  }

  double(): number {
    if (this.at + 8 > this.end) throw untranscodable;
    const value = this.bytes.readDoubleLE(this.at);
    this.at += 8;
    return value;
  }

  /** Where a double's 8 bytes start (IEEE 754 little-endian: a Float64 in RowBinary too). */
  doubleBytes(): number {
    const start = this.at;
    this.at += 8;
    if (this.at > this.end) throw untranscodable;
    return start;
  }

  /** A ["null", T] union's branch: false for null. */
  present(): boolean {
    const branch = this.long();
    if (branch !== 0 && branch !== 1) throw untranscodable;
    return branch === 1;
  }

  /** An array's or map's next block count (its byte size skipped when written negative). */
  blockCount(): number {
    const count = this.long();
    if (count >= 0) return count;
    this.long();
    return -count;
  }

  time(): number {
    const ms = this.long();
    if (!(ms >= 0 && ms <= maxDateTimeMs)) throw untranscodable;
    return ms;
  }
}

const cursor = new AvroCursor();
/** Start and length of each array item, or map key and value, of the record being read. */
const spans: number[] = [];
let spanCount = 0;

function copyString(rows: RowBinaryWriter, source: Buffer): void {
  const start = cursor.string();
  rows.rawString(source, start, cursor.length);
}

function copyNullableString(rows: RowBinaryWriter, source: Buffer): void {
  if (cursor.present()) {
    rows.uint8(0);
    copyString(rows, source);
  } else rows.uint8(1);
}

function copyDouble(rows: RowBinaryWriter, source: Buffer): void {
  rows.rawBytes(source, cursor.doubleBytes(), 8);
}

function copyNullableDouble(rows: RowBinaryWriter, source: Buffer): void {
  if (cursor.present()) {
    rows.uint8(0);
    copyDouble(rows, source);
  } else rows.uint8(1);
}

function symbol(symbols: Buffer[]): Buffer {
  const found = symbols[cursor.long()];
  if (!found) throw untranscodable;
  return found;
}

/** Reads string blocks (an array's items, or a map's keys and values: `perItem` 2) into `spans`. */
function readBlocks(perItem: 1 | 2): number {
  spanCount = 0;
  let items = 0;
  for (let count = cursor.blockCount(); count > 0; count = cursor.blockCount()) {
    for (let i = 0; i < count * perItem; i++) {
      spans[spanCount++] = cursor.string();
      spans[spanCount++] = cursor.length;
    }
    items += count;
  }
  return items;
}

/** Writes every `stride`-th span of `spans` from `first` as an Array(String). */
function writeSpans(
  rows: RowBinaryWriter,
  source: Buffer,
  items: number,
  first: number,
  stride: number,
): void {
  rows.varUInt(items);
  for (let i = 0; i < items; i++) {
    const at = (first + i * stride) * 2;
    rows.rawString(source, spans[at] as number, spans[at + 1] as number);
  }
}

/**
 * One telemetry_readings row in RowBinary, the columns of `telemetryColumns`, straight from a
 * normalized reading's Avro body (`source` from `start` to its end): strings are copied as bytes
 * (Avro and RowBinary both write a string as its length and its UTF-8 bytes), so the reading is
 * never decoded into an object with a dozen strings, and never encoded back from them. What the
 * decoding path would refuse (a value that is not finite, a time outside DateTime) and anything
 * malformed throws `untranscodable`: the caller lets that record take the decoding path, which
 * says why.
 */
export function transcodeTelemetryRow(
  rows: RowBinaryWriter,
  source: Buffer,
  start: number,
  coordinates: { topic: Buffer; partition: number; offset: number },
  milliseconds: boolean,
): void {
  cursor.bytes = source;
  cursor.at = start;
  cursor.end = source.length;
  copyString(rows, source); // event_id
  const sourceName = symbol(sources);
  rows.rawString(sourceName, 0, sourceName.length);
  copyString(rows, source); // device_id
  copyNullableString(rows, source); // site_id
  copyString(rows, source); // metric
  const value = cursor.double();
  if (!Number.isFinite(value)) throw untranscodable;
  rows.float64(value);
  copyString(rows, source); // unit
  copyNullableDouble(rows, source); // original_value
  copyNullableString(rows, source); // original_unit
  const sourceTime = cursor.time();
  const receivedAt = cursor.time();
  const processedAt = cursor.time();
  rows.time(sourceTime, milliseconds);
  rows.int64(sourceTime);
  rows.time(receivedAt, milliseconds);
  rows.time(processedAt, milliseconds);
  const level = symbol(qualityLevels);
  rows.rawString(level, 0, level.length);
  copyDouble(rows, source); // quality_score
  writeSpans(rows, source, readBlocks(1), 0, 1); // quality_flags
  const known = source[cursor.at++];
  if (known !== 0 && known !== 1) throw untranscodable;
  rows.uint8(known); // known_device
  copyNullableString(rows, source); // site_name
  copyNullableString(rows, source); // device_type
  copyNullableDouble(rows, source); // latitude
  copyNullableDouble(rows, source); // longitude
  const tags = readBlocks(2);
  writeSpans(rows, source, tags, 0, 2); // tag_keys
  writeSpans(rows, source, tags, 1, 2); // tag_values
  cursor.string(); // lineage: not a column (the row's own coordinates are)
  cursor.long();
  cursor.long();
  copyNullableString(rows, source); // trace_id
  if (cursor.at !== cursor.end) throw untranscodable;
  rows.rawString(coordinates.topic, 0, coordinates.topic.length);
  rows.uint16(coordinates.partition);
  rows.int64(coordinates.offset);
}

export function isUntranscodable(err: unknown): boolean {
  return err === untranscodable;
}

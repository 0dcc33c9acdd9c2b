import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { avroType } from '../../lib/avro.ts';
import { readSchema, topics } from '../../schemas/catalog.ts';
import { samples } from '../../schemas/samples.ts';
import type { TelemetryReading } from '../../schemas/types.ts';
import { writeTelemetryRow } from './clickhouse-writer.ts';
import { RowBinaryWriter } from './row-binary.ts';
import {
  isUntranscodable,
  layoutOf,
  transcodable,
  transcodedLayout,
  transcodeTelemetryRow,
} from './telemetry-transcoder.ts';

const schema = readSchema(topics.normalizedTelemetry.schemaFile);
const type = avroType(schema);
const sample = samples['normalized.telemetry.readings.v1'];
const coordinates = {
  kafka_topic: 'normalized.telemetry.readings.v1',
  kafka_partition: 4,
  kafka_offset: 2 ** 40 + 7,
};

/** The row the decoding path writes (decode, then writeTelemetryRow), and the transcoder's from the same bytes. */
function bothRows(body: Buffer, milliseconds: boolean): { decoded: Buffer; transcoded: Buffer } {
  const decodedRows = new RowBinaryWriter(4);
  const features = { dateTime64: milliseconds } as Parameters<typeof writeTelemetryRow>[3];
  writeTelemetryRow(decodedRows, type.fromBuffer(body) as TelemetryReading, coordinates, features);
  const transcodedRows = new RowBinaryWriter(4);
  // framed as on the topic: the body after 5 bytes of header
  transcodeTelemetryRow(
    transcodedRows,
    Buffer.concat([Buffer.from([0, 0, 0, 0, 42]), body]),
    5,
    {
      topic: Buffer.from(coordinates.kafka_topic),
      partition: coordinates.kafka_partition,
      offset: coordinates.kafka_offset,
    },
    milliseconds,
  );
  return { decoded: decodedRows.bytes(), transcoded: transcodedRows.bytes() };
}

const variants: TelemetryReading[] = [
  sample,
  {
    ...sample,
    source: 'file',
    siteId: null,
    originalValue: null,
    originalUnit: null,
    traceId: null,
    quality: { level: 'rough', score: 0, flags: ['unit_converted', 'late', 'x'.repeat(200)] },
    enrichment: { known: false, siteName: null, deviceType: null, latitude: null, longitude: null, tags: {} },
  },
  {
    ...sample,
    source: 'opcua',
    deviceId: `ns=2;s=Zürich/東京/${'d'.repeat(300)}`,
    metric: 'température 🌡',
    unit: '',
    value: -1e-300,
    sourceTime: 0,
    receivedAt: 4_294_967_295_000,
    quality: { level: 'estimated', score: 0.5, flags: ['ünïcode'] },
    enrichment: {
      ...sample.enrichment,
      tags: { line: 'A', floor: '3', 'zone é': 'north 北', empty: '' },
    },
    lineage: { topic: 'raw.telemetry.readings.v1', partition: 0, offset: 2 ** 50 },
  },
];

describe('transcodeTelemetryRow', () => {
  it('reads the layout of the normalized telemetry schema as it is', () => {
    assert.equal(layoutOf(schema).join(','), transcodedLayout);
    assert.equal(transcodable, true);
  });

  it('writes the bytes the decoding path writes, for every kind of field, in seconds and in milliseconds', () => {
    for (const reading of variants) {
      for (const milliseconds of [false, true]) {
        const { decoded, transcoded } = bothRows(type.toBuffer(reading), milliseconds);
        assert.deepEqual(transcoded, decoded, `${reading.source}, milliseconds ${milliseconds}`);
      }
    }
  });

  it('reads arrays and maps written in blocks with a negative count and their byte size', () => {
    const flags = ['flag-one', 'flag-two'];
    const reading = { ...sample, quality: { ...sample.quality, flags } };
    const body = type.toBuffer(reading);
    // avsc writes the flags as one block of count 2 (zig-zag 4); a writer may give -2 and the byte size
    const items = Buffer.concat(flags.map((flag) => Buffer.from([flag.length * 2, ...Buffer.from(flag)])));
    const at = body.indexOf(items);
    assert.equal(body[at - 1], 4);
    const blocked = Buffer.concat([
      body.subarray(0, at - 1),
      Buffer.from([3, items.length * 2]),
      body.subarray(at),
    ]);
    assert.deepEqual(type.fromBuffer(blocked), type.fromBuffer(body));
    const { decoded, transcoded } = bothRows(blocked, false);
    assert.deepEqual(transcoded, decoded);
  });

  it('leaves to the decoding path what it would refuse and what is malformed', () => {
    const body = type.toBuffer(sample);
    const refused = [
      type.toBuffer({ ...sample, value: Number.NaN }),
      type.toBuffer({ ...sample, value: Number.POSITIVE_INFINITY }),
      type.toBuffer({ ...sample, sourceTime: -1 }),
      type.toBuffer({ ...sample, processedAt: 4_294_967_296_000 }),
      body.subarray(0, body.length - 1),
      body.subarray(0, 20),
      Buffer.concat([body, Buffer.from([0])]),
    ];
    for (const [i, bad] of refused.entries()) {
      const rows = new RowBinaryWriter(4);
      assert.throws(
        () =>
          rows.piece(() =>
            transcodeTelemetryRow(rows, bad, 0, { topic: Buffer.from('t'), partition: 0, offset: 0 }, false),
          ),
        isUntranscodable,
        `case ${i}`,
      );
      assert.equal(rows.written, 0, `case ${i}: nothing written`);
    }
  });
});

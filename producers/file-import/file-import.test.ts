import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { prepareTopicsAndSchemas } from '../../lib/bootstrap.ts';
import { loadSettings } from '../../lib/config.ts';
import { createKafka } from '../../lib/kafka.ts';
import type { AvroSerde } from '../../lib/serde.ts';
import { uniqueSuffix } from '../../test/support.ts';
import { rawTopicEnd, readRawReadings, type TopicPosition } from '../testing.ts';
import { fileImportSettings } from './config.ts';
import { TelemetryFileImport } from './file-import.ts';

const kafka = createKafka('file-import-test');
const dir = mkdtempSync(join(tmpdir(), 'sluice-import-'));
const run = uniqueSuffix();
let serde: AvroSerde;
let start: TopicPosition;
// batches of 100 readings: the files below take several Kafka sends
const settings = { ...loadSettings(fileImportSettings), batchEvents: 100 };

describe('file import of CSV, NDJSON and JSON into Kafka', () => {
  before(async () => {
    serde = await prepareTopicsAndSchemas(kafka);
    start = await rawTopicEnd(kafka);
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('streams NDJSON, writing rejected lines with their reasons next to the file', async () => {
    const device = `file-nd-${run}`;
    const lines = Array.from({ length: 500 }, (_, i) =>
      JSON.stringify({
        deviceId: device,
        metric: 'flow',
        value: i,
        unit: 'l/min',
        ts: 1_714_550_400_000 + i,
      }),
    );
    lines.splice(100, 0, '{"deviceId": "broken"', '', '{"metric": "no device"}');
    const file = join(dir, 'readings.ndjson');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const summary = await new TelemetryFileImport(serde, file, { kafka, settings }).run();
    assert.equal(summary.accepted, 500);
    assert.equal(summary.rejected, 2);
    assert.deepEqual(summary.reasons, [
      {
        reason: 'reading_malformed',
        message: 'malformed JSON at line 101 column 22: unexpected end of JSON input',
        count: 1,
      },
      { reason: 'field_missing', message: 'deviceId is missing', count: 1 },
    ]);
    const rejects = readFileSync(summary.rejectsFile as string, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepEqual(
      rejects.map((r) => [r.line, r.reason, r.message, r.payload]),
      [
        [
          101,
          'reading_malformed',
          'malformed JSON at line 101 column 22: unexpected end of JSON input',
          '{"deviceId": "broken"',
        ],
        [103, 'field_missing', 'deviceId is missing', '{"metric": "no device"}'],
      ],
    );
    const readings = await readRawReadings(kafka, serde, start, (r) => r.deviceId === device, { count: 500 });
    assert.equal(readings.length, 500);
    assert.ok(readings.every((r) => r.source === 'file' && r.attributes.file === 'readings.ndjson'));
    assert.equal(new Set(readings.map((r) => r.eventId)).size, 500);
  });

  it('streams a JSON array and a wide CSV, keeping each reading verbatim', async () => {
    const device = `file-mixed-${run}`;
    const elements = Array.from({ length: 300 }, (_, i) => ({
      deviceId: device,
      metric: 'energy',
      value: i,
      unit: 'Wh',
    }));
    const jsonFile = join(dir, 'readings.json');
    writeFileSync(jsonFile, JSON.stringify(elements, null, 2));
    const json = await new TelemetryFileImport(serde, jsonFile, { kafka, settings }).run();
    assert.equal(json.accepted, 300);
    assert.equal(json.rejectsFile, undefined);

    const csvFile = join(dir, 'plant.csv');
    writeFileSync(
      csvFile,
      `device,timestamp,temperature (degC),pressure [bar]\n${device},2024-05-01T00:00:00Z,20.5,1.01\n${device},2024-05-01T00:01:00Z,20.7,\n`,
    );
    const csv = await new TelemetryFileImport(serde, csvFile, { kafka, settings }).run();
    assert.equal(csv.accepted, 3);

    const readings = await readRawReadings(kafka, serde, start, (r) => r.deviceId === device, { count: 303 });
    const energy = readings.find((r) => r.metric === 'energy' && r.value === 7);
    assert.equal(energy?.payload.toString(), JSON.stringify(elements[7], null, 2).replace(/\n/g, '\n  '));
    const pressure = readings.find((r) => r.metric === 'pressure');
    assert.equal(pressure?.unit, 'bar');
    assert.equal(pressure?.contentType, 'text/csv');
  });

  it('stops at a structural error with its position, after importing what came before', async () => {
    const device = `file-bad-${run}`;
    const file = join(dir, 'truncated.json');
    const content = `[{"deviceId":"${device}","metric":"temperature","value":1}, {"deviceId":"${device}","metric":"temperature","value":2}} ]`;
    writeFileSync(file, content);
    const summary = await new TelemetryFileImport(serde, file, { kafka, settings }).run();
    assert.equal(summary.accepted, 1);
    assert.equal(summary.error?.error, 'malformed_json');
    assert.equal(summary.error?.position, content.indexOf('}} ]') + 1);
    assert.equal(summary.error?.message, `unexpected '}' at byte ${content.indexOf('}} ]') + 1}`);
  });
});

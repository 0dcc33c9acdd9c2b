import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Producer } from 'kafkajs';
import { loadSettings, projectRoot } from '../lib/config.ts';
import { createKafka, kafkaSettings } from '../lib/kafka.ts';
import { registrySettings } from '../lib/registry.ts';
import type { AvroSerde } from '../lib/serde.ts';
import type { TelemetryReading } from '../schemas/types.ts';
import { normalizedReadings, privateTelemetryTopic } from '../sinks/fixtures.ts';
import { uniqueSuffix } from './support.ts';

/**
 * The Python consumer example of docs/api.md (confluent-kafka + fastavro), run against the local
 * stack: it must decode Sluice's normalized events knowing only the broker and registry URLs.
 */
describe('Python consumer example', { timeout: 120_000 }, () => {
  const suffix = uniqueSuffix();
  const topic = `test.python.normalized.telemetry.${suffix}`;
  const kafka = createKafka('test-python-consumer');
  const readings: TelemetryReading[] = normalizedReadings(20, { prefix: `py-${suffix}`, devices: 4 });
  let producer: Producer;
  let serde: AvroSerde;

  before(async () => {
    ({ serde, producer } = await privateTelemetryTopic(kafka, topic));
    await producer.send({
      topic,
      acks: -1,
      messages: readings.map((reading) => ({
        key: reading.deviceId,
        value: serde.encode(topic, reading),
        headers: { 'trace-id': String(reading.traceId) },
      })),
    });
  });

  after(async () => {
    await producer.disconnect();
  });

  it('prints every event with its key, headers and decoded value', () => {
    const result = spawnSync(
      'python3',
      [
        join(projectRoot, 'examples', 'python', 'consume_normalized.py'),
        '--bootstrap',
        loadSettings(kafkaSettings).brokers.join(','),
        '--registry',
        loadSettings(registrySettings).url,
        '--topic',
        topic,
        '--group',
        `test-python-${suffix}`,
        '--from-beginning',
        '--max-messages',
        String(readings.length),
        '--idle-seconds',
        '60',
      ],
      { encoding: 'utf8', timeout: 90_000 },
    );
    assert.equal(result.status, 0, result.stderr);
    const printed = result.stdout
      .trim()
      .split('\n')
      .map(
        (line) =>
          JSON.parse(line) as { key: string; headers: Record<string, string>; value: TelemetryReading },
      );
    assert.equal(printed.length, readings.length);
    const byId = new Map(printed.map((message) => [message.value.eventId, message]));
    for (const reading of readings) {
      const message = byId.get(reading.eventId);
      assert.ok(message, `${reading.eventId} not printed`);
      assert.equal(message.key, reading.deviceId);
      assert.deepEqual(message.headers, { 'trace-id': reading.traceId });
      assert.deepEqual(message.value, reading);
    }
  });
});

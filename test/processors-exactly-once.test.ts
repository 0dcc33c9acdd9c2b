import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Kafka } from 'kafkajs';
import { projectRoot } from '../lib/config.ts';
import { createKafka, createProducer } from '../lib/kafka.ts';
import { createRegistryClient } from '../lib/registry.ts';
import { AvroSerde } from '../lib/serde.ts';
import { dlqContract, readSchema, topics } from '../schemas/catalog.ts';
import type { DeadLetter, TelemetryReading } from '../schemas/types.ts';
import { uniqueSuffix } from './support.ts';
import {
  buildLoad,
  committedCount,
  deleteTopics,
  privateRawTopic,
  publishLoad,
  readAll,
} from './telemetry-load.ts';

const suffix = uniqueSuffix();
const input = `test.raw.telemetry.eo.${suffix}`;
const output = `test.normalized.telemetry.eo.${suffix}`;
const dlq = `dlq.${input}`;
const groupId = `test-exactly-once-${suffix}`;
const logFile = join(tmpdir(), `sluice-exactly-once-${suffix}.log`);

/** `sluice run processor telemetry` as an operator runs it, on this test's private topics. */
function startProcessor(): ChildProcess {
  const child = spawn(
    process.execPath,
    [join(projectRoot, 'bin', 'sluice.mjs'), 'run', 'processor', 'telemetry'],
    {
      cwd: projectRoot,
      env: {
        ...process.env,
        LOG_LEVEL: 'warn',
        PROCESSOR_TELEMETRY_INPUT_TOPIC: input,
        PROCESSOR_TELEMETRY_OUTPUT_TOPIC: output,
        PROCESSOR_TELEMETRY_GROUP_ID: groupId,
        PROCESSOR_TELEMETRY_TRANSACTIONAL_ID_PREFIX: groupId,
        PROCESSOR_TELEMETRY_SESSION_TIMEOUT_MS: '6000',
        PROCESSOR_TELEMETRY_HEARTBEAT_INTERVAL_MS: '1000',
        // batches of ~150 records: hundreds of transactions, so each kill lands inside the run
        // (with 1 MiB batches a fast run went from the second kill's mark to the end between two polls)
        PROCESSOR_TELEMETRY_MAX_BYTES_PER_PARTITION: '65536',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const log = createWriteStream(logFile, { flags: 'a' });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  return child;
}

async function stopProcess(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill(signal);
  await exited;
}

describe('telemetry processor: exactly once under SIGKILL', () => {
  let kafka: Kafka;
  let serde: AvroSerde;
  let child: ChildProcess | undefined;
  /** The processors' log is kept for a failure's message only. */
  let passed = false;

  before(async () => {
    kafka = createKafka('exactly-once-test');
    serde = new AvroSerde(createRegistryClient());
    await privateRawTopic(kafka, serde, input);
    await serde.register({ ...topics.normalizedTelemetry, topic: output });
    await serde.register(dlqContract(input), readSchema('dlq.v1.avsc'));
  });

  after(async () => {
    if (child) await stopProcess(child, 'SIGKILL');
    await deleteTopics(kafka, [input, output, dlq]);
    if (passed) rmSync(logFile, { force: true });
  });

  it('100,000 raw events, 5% re-sent and 2% invalid, killed three times → 93,000 normalized and 2,000 dead letters', async () => {
    const load = buildLoad({
      unique: 93_000,
      duplicates: 5_000,
      invalid: 2_000,
      devicePrefix: `eo-${suffix}`,
    });
    assert.equal(load.events.length, 100_000);
    const producer = createProducer(kafka);
    await producer.connect();
    await publishLoad(producer, serde, input, load.events);
    await producer.disconnect();

    child = startProcessor();
    // early marks: a restarted processor catches up fast, and a mark it passes between two polls is
    // missed (65,000 was once: from the second kill to the end within one poll, on a loaded machine)
    const killsAt = [10_000, 25_000, 40_000];
    const deadline = Date.now() + 100_000;
    let kills = 0;
    for (;;) {
      const committed = await committedCount(kafka, groupId, input);
      if (committed === load.events.length) break;
      assert.ok(
        Date.now() < deadline,
        `only ${committed} of ${load.events.length} processed in time (log: ${logFile})`,
      );
      if (kills < killsAt.length && committed >= (killsAt[kills] as number)) {
        await stopProcess(child, 'SIGKILL');
        kills += 1;
        child = startProcessor();
      }
      await sleep(100);
    }
    assert.equal(kills, 3);
    await stopProcess(child, 'SIGTERM');
    assert.equal(child.exitCode, 0, `graceful stop failed (log: ${logFile})`);

    const readings = await readAll(
      kafka,
      output,
      (value) => serde.decodeSync<TelemetryReading>(output, value).value,
    );
    const distinct = new Set(readings.map((reading) => reading.eventId));
    assert.equal(readings.length, 93_000);
    assert.equal(distinct.size, 93_000);
    assert.ok([...distinct].every((id) => load.validIds.has(id)));

    const letters = await readAll(kafka, dlq, (value) => serde.decodeSync<DeadLetter>(dlq, value).value);
    const coordinates = new Set(
      letters.map((letter) => `${letter.originalPartition}/${letter.originalOffset}`),
    );
    assert.equal(letters.length, 2_000);
    assert.equal(coordinates.size, 2_000);
    passed = true;
  });
});

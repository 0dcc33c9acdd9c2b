import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Kafka } from 'kafkajs';
import { dlqContract, type TopicContract, topics } from '../../schemas/catalog.ts';
import { samples } from '../../schemas/samples.ts';
import type { DeadLetter, TelemetryReading } from '../../schemas/types.ts';
import { uniqueSuffix, waitFor } from '../../test/support.ts';
import { SupervisedComponent } from '../component.ts';
import { createKafka, createProducer, ensureTopics } from '../kafka.ts';
import { componentLogger } from '../logger.ts';
import { metricsRegistry } from '../metrics.ts';
import { createRegistryClient } from '../registry.ts';
import { AvroSerde } from '../serde.ts';
import { Destination } from './destination.ts';
import { type Handled, StreamEngine, type StreamPlugin } from './engine.ts';
import type { PartitionBatch, StreamConsumerOptions } from './kafka-port.ts';
import { kafkajsPort } from './kafkajs-port.ts';
import { TableServer, TableWriter } from './testing.ts';

/**
 * The engine on the local stack's Kafka and registry, with a real destination (an HTTP table
 * server, lib/stream/testing.ts): order of acknowledgements, pause and resume while the destination
 * is away, the three dispositions of a failure, and a fatal stop the supervisor recovers from.
 */

const suffix = uniqueSuffix();
const batchRows = 200;

const consumerOptions = (groupId: string): StreamConsumerOptions => ({
  groupId,
  sessionTimeoutMs: 10_000,
  heartbeatIntervalMs: 1_000,
  maxWaitTimeMs: 100,
  // small fetches: many batches per partition, so their order is tested
  maxBytesPerPartition: 16 * 1024,
  maxBytes: 1024 * 1024,
  partitionsConcurrently: 3,
});

function readings(count: number, prefix: string): TelemetryReading[] {
  const sample = samples['normalized.telemetry.readings.v1'];
  return Array.from({ length: count }, (_, i) => ({
    ...sample,
    eventId: `${prefix}-${i}`,
    deviceId: `${prefix}-device-${i % 40}`,
    sourceTime: sample.sourceTime + i,
  }));
}

function receivedCount(component: string): Promise<number> {
  return metricsRegistry
    .getSingleMetric('sluice_events_received_total')
    ?.get()
    .then((metric) =>
      metric.values.filter((v) => v.labels.component === component).reduce((sum, v) => sum + v.value, 0),
    ) as Promise<number>;
}

describe('stream engine (local stack)', { timeout: 180_000 }, () => {
  let kafka: Kafka;
  let serde: AvroSerde;
  const producer = () => createProducer(kafka);
  const contractOf = (name: string): TopicContract => ({ ...topics.normalizedTelemetry, topic: name });

  async function publish(topic: string, values: TelemetryReading[], garbage: Buffer[] = []): Promise<void> {
    const p = producer();
    await p.connect();
    const messages = [
      ...values.map((value) => ({ key: value.deviceId, value: serde.encode(topic, value) })),
      ...garbage.map((value) => ({ key: 'garbage', value })),
    ];
    // sends of 100: record batches the broker hands out one by one, so a partition comes in many batches
    for (let at = 0; at < messages.length; at += 100) {
      await p.send({ topic, acks: -1, messages: messages.slice(at, at + 100) });
    }
    await p.disconnect();
  }

  function sinkEngine(
    name: string,
    topic: string,
    table: TableServer,
    { unclassifiedRetries = 3, batchMaxWaitMs = 50 } = {},
  ) {
    return new StreamEngine<Destination>({
      name,
      port: kafkajsPort(kafka),
      serde,
      contracts: [contractOf(topic), dlqContract(topic)],
      sources: [topic],
      fromBeginning: true,
      consumer: { ...consumerOptions(`${name}-group`), partitionsConcurrently: 1 },
      retryMaxDelayMs: 300,
      unclassifiedRetries,
      plugin: (engine) =>
        new Destination(engine, { writer: new TableWriter(table), batchRows, batchMaxWaitMs }),
    });
  }

  /** A table server, and a one-partition topic holding `count` readings. */
  async function tableAndTopic(kind: string, count: number): Promise<{ topic: string; table: TableServer }> {
    const topic = `test.engine.${kind}.${suffix}`;
    const table = new TableServer();
    await table.start();
    await ensureTopics(kafka, [{ topic, numPartitions: 1 }]);
    await serde.register(contractOf(topic));
    await publish(topic, readings(count, kind));
    return { topic, table };
  }

  before(async () => {
    kafka = createKafka('engine-test');
    serde = new AvroSerde(createRegistryClient());
  });

  after(async () => {
    const admin = kafka.admin();
    await admin.connect();
    const names = (await admin.listTopics()).filter((name) => name.includes(suffix));
    await admin.deleteTopics({ topics: names }).catch(() => undefined);
    await admin.disconnect();
  });

  it("hands each partition's batches over in offset order, the next only once the previous is acknowledged", async () => {
    const topic = `test.engine.order.${suffix}`;
    await ensureTopics(kafka, [topic]);
    await serde.register(contractOf(topic));
    await publish(topic, readings(3_000, 'order'));
    const seen = new Map<number, number[]>();
    const inFlight = new Set<number>();
    let overlaps = 0;
    let batches = 0;
    const plugin: StreamPlugin = {
      open: async () => undefined,
      assigned: async () => undefined,
      close: async () => undefined,
      async handle(batch: PartitionBatch): Promise<Handled> {
        if (inFlight.has(batch.partition)) overlaps++;
        inFlight.add(batch.partition);
        batches++;
        const offsets = seen.get(batch.partition) ?? [];
        offsets.push(...batch.messages.map((message) => Number(message.offset)));
        seen.set(batch.partition, offsets);
        // acknowledged later, as a transaction commits after its batch was handed back
        const settled = sleep((batches % 4) * 10).then(() => {
          inFlight.delete(batch.partition);
        });
        return { consumed: true, settled };
      },
    };
    const engine = new StreamEngine({
      name: `engine-order-${suffix}`,
      port: kafkajsPort(kafka),
      serde,
      contracts: [contractOf(topic)],
      sources: [topic],
      fromBeginning: true,
      consumer: consumerOptions(`engine-order-${suffix}`),
      retryMaxDelayMs: 300,
      unclassifiedRetries: 3,
      plugin: () => plugin,
    });
    await engine.start();
    try {
      const total = () => [...seen.values()].reduce((sum, offsets) => sum + offsets.length, 0);
      await waitFor('every record handed over', async () => total() >= 3_000);
      assert.equal(total(), 3_000);
      assert.ok(batches > 6, `${batches} batches: more than one per partition`);
      assert.equal(
        overlaps,
        0,
        "a partition's batch was handed out before the previous one was acknowledged",
      );
      for (const [partition, offsets] of seen) {
        assert.deepEqual(
          offsets,
          offsets.map((_, index) => index),
          `partition ${partition}: offsets 0… in order, each once`,
        );
      }
      assert.equal(engine.health().state, 'ready');
    } finally {
      await engine.stop(Date.now() + 10_000);
    }
  });

  it('pauses consumption while the destination is away, holds at most two batches, and resumes where it stopped', async () => {
    const topic = `test.engine.outage.${suffix}`;
    const name = `engine-outage-${suffix}`;
    const table = new TableServer();
    await table.start();
    const engine = sinkEngine(name, topic, table);
    await engine.start();
    try {
      await publish(topic, readings(1_000, 'before'));
      await waitFor('the first rows written', async () => table.writes.size === 1_000);
      await table.stop();
      await publish(topic, readings(5_000, 'during'));
      await waitFor('the engine paused', async () =>
        /paused, lag \d+ messages/.test(engine.health().reason ?? ''),
      );
      assert.equal(engine.health().state, 'down');
      assert.match(engine.health().reason ?? '', /write failing since .*ING_NETWORK: ECONNREFUSED/);
      // paused: nothing more is fetched than the batch being written, one more and a fetch
      const heldThen = (await receivedCount(name)) - 1_000;
      await sleep(1_500);
      const held = (await receivedCount(name)) - 1_000;
      assert.equal(held, heldThen, 'no fetch while paused');
      assert.ok(held < 5_000, `${held} of 5,000 records taken while the destination was away`);
      assert.ok(engine.lag() >= held, `lag ${engine.lag()} counts the ${held} records taken and not written`);
      await table.start();
      await waitFor('every row written after the outage', async () => table.writes.size === 6_000);
      assert.deepEqual(
        [...table.writes.values()].filter((times) => times > 1),
        [],
        'no row written twice',
      );
      await waitFor('ready again', async () => engine.health().state === 'ready');
      assert.equal(await receivedCount(name), 6_000);
    } finally {
      await engine.stop(Date.now() + 10_000);
      await table.stop();
    }
  });

  it("resumes from the destination's offsets past Kafka's committed ones, taking each record once", async () => {
    const { topic, table } = await tableAndTopic('resume', 1_000);
    // a sink killed after a write and before its offsets' copy reached Kafka: kafkajs' first fetch,
    // made while the stored offsets are read, starts below them and holds records past them, which
    // the seek then fetches again; a batch left open for a second has both fetches' records in it
    table.offsets.set(`${topic}:0`, '20');
    table.offsetsDelayMs = 500;
    const engine = sinkEngine(`engine-resume-${suffix}`, topic, table, { batchMaxWaitMs: 1_000 });
    await engine.start();
    try {
      await waitFor(
        'every row past the stored offset written',
        async () => table.offsets.get(`${topic}:0`) === '1000',
      );
      assert.deepEqual(
        table.writtenOffsets.get(`${topic}:0`),
        Array.from({ length: 980 }, (_, index) => 20 + index),
        'offsets 20… written in order, each once',
      );
    } finally {
      await engine.stop(Date.now() + 10_000);
      await table.stop();
    }
  });

  it('a graceful stop writes what it holds while still a member of the group, then leaves', async () => {
    const { topic, table } = await tableAndTopic('drain', 150);
    // fewer records than a batch and a long wait: only the stop's drain writes them
    const name = `engine-drain-${suffix}`;
    const engine = sinkEngine(name, topic, table, { batchMaxWaitMs: 60_000 });
    await engine.start();
    try {
      await waitFor('every record buffered', async () => (await receivedCount(name)) === 150);
      assert.equal(table.writes.size, 0);
    } finally {
      await engine.stop(Date.now() + 10_000);
      await table.stop();
    }
    // a write after leaving would have been refused: the member no longer holds the partition
    assert.equal(table.offsets.get(`${topic}:0`), '150');
    assert.equal(table.writes.size, 150);
  });

  it('sends what can never be written to dlq.<topic> with its reason and writes the rest', async () => {
    const topic = `test.engine.poison.${suffix}`;
    const table = new TableServer();
    await table.start();
    const values = readings(600, 'poison');
    const refused = [values[17], values[301], values[302]].map(
      (value) => (value as TelemetryReading).eventId,
    );
    for (const id of refused) table.invalid.add(id);
    const engine = sinkEngine(`engine-poison-${suffix}`, topic, table);
    await engine.start();
    try {
      await publish(topic, values, [Buffer.from('not avro at all')]);
      await waitFor('the good rows written', async () => table.writes.size === 597);
      const letters = await readDeadLetters(kafka, serde, dlqContract(topic).topic, 4);
      const write = letters.filter((letter) => letter.stage === 'write');
      const writeIds = await Promise.all(
        write.map(
          async (letter) => ((await serde.decode(topic, letter.value)).value as TelemetryReading).eventId,
        ),
      );
      assert.deepEqual(writeIds.sort(), [...refused].sort());
      assert.deepEqual(
        write.map((letter) => letter.reasonCode),
        ['row_rejected', 'row_rejected', 'row_rejected'],
      );
      const decode = letters.filter((letter) => letter.stage === 'decode');
      assert.equal(decode.length, 1);
      assert.equal(decode[0]?.originalTopic, topic);
      assert.equal(decode[0]?.value?.toString(), 'not avro at all');
      // every offset of the topic is stored: rows written and rows dead-lettered alike
      const stored = [...table.offsets.values()].reduce((sum, offset) => sum + Number(offset), 0);
      assert.equal(stored, 601);
    } finally {
      await engine.stop(Date.now() + 10_000);
      await table.stop();
    }
  });

  it('stops fatally when a failed batch cannot be rewound: the consumer would go on past it', async () => {
    const topic = `test.engine.rewind.${suffix}`;
    const engine = sinkEngine(`engine-rewind-${suffix}`, topic, new TableServer());
    // a consumer that has not joined its group refuses seeks, as kafkajs' does between a crash and its restart
    engine.rewind({ topic, partition: 0, offset: '0' }, new Error('the commit failed'));
    assert.equal(engine.failed.aborted, true);
    assert.equal(engine.health().state, 'down');
    assert.match(engine.health().reason ?? '', /Consumer group was not initialized/);
  });

  it('retries an unexplained failure a few times, then stops fatally; the supervisor starts it again and it resumes', async () => {
    const topic = `test.engine.fatal.${suffix}`;
    const name = `engine-fatal-${suffix}`;
    const table = new TableServer();
    await table.start();
    await ensureTopics(kafka, [topic]);
    await serde.register(contractOf(topic));
    await publish(topic, readings(500, 'fatal'));
    table.failNextWrites = 1_000;
    let made = 0;
    const supervised = new SupervisedComponent(
      {
        name,
        create: () => {
          made++;
          return sinkEngine(name, topic, table, { unclassifiedRetries: 2 });
        },
      },
      { restartInitialMs: 200, restartMaxMs: 1_000, giveUpMs: 600_000 },
      componentLogger(name),
    );
    const stopping = new AbortController();
    const running = supervised.run(stopping.signal);
    try {
      await waitFor('a restart', async () => supervised.restarts >= 1, 60_000);
      // three unexplained failures in a row (the first and two retries) end each run
      assert.ok(table.failedWrites >= 3, `${table.failedWrites} failed writes`);
      assert.equal(table.writes.size, 0);
      table.failNextWrites = 0;
      await waitFor('every row written after the restart', async () => table.writes.size === 500, 60_000);
      assert.deepEqual(
        [...table.writes.values()].filter((times) => times > 1),
        [],
      );
      await waitFor('ready', async () => supervised.health().state === 'ready');
      assert.ok(made >= 2, `made ${made} times`);
    } finally {
      stopping.abort();
      await supervised.stop(Date.now() + 10_000);
      await running;
      await table.stop();
    }
  });
});

/** The first `count` dead letters of the topic, decoded. */
async function readDeadLetters(kafka: Kafka, serde: AvroSerde, topic: string, count: number) {
  const letters: DeadLetter[] = [];
  const consumer = kafka.consumer({ groupId: `engine-test-dlq-${uniqueSuffix()}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      letters.push((await serde.decode(topic, message.value)).value as DeadLetter);
    },
  });
  try {
    await waitFor(`${count} dead letters`, async () => letters.length >= count);
    await sleep(500);
    return letters;
  } finally {
    await consumer.disconnect();
  }
}

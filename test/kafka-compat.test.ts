import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Consumer, Kafka } from 'kafkajs';
import { createKafka, createProducer, ensureTopics, topicWatermarks } from '../lib/kafka.ts';
import { retry } from '../lib/retry.ts';
import { uniqueSuffix } from './support.ts';

/**
 * What Sluice needs from the broker through kafkajs (unmaintained since 2023, while Kafka 4
 * removed old protocol versions): admin, idempotent produce, consumer groups, transactions.
 * Runs against whatever KAFKA_BROKERS points at; `npm run test:kafka4` points it at Kafka 4.x.
 */

async function consumeAll(
  consumer: Consumer,
  topic: string,
  expected: number,
  timeoutMs = 30_000,
): Promise<string[]> {
  const values: string[] = [];
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise<void>((resolveAll, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${values.length} of ${expected} consumed from ${topic}`)),
      timeoutMs,
    );
    void consumer.run({
      eachMessage: async ({ message }) => {
        values.push(String(message.value));
        if (values.length >= expected) {
          clearTimeout(timer);
          resolveAll();
        }
      },
    });
  });
  return values;
}

async function withTopics(kafka: Kafka, names: string[], run: () => Promise<void>): Promise<void> {
  await ensureTopics(
    kafka,
    names.map((topic) => ({ topic, numPartitions: 3 })),
  );
  try {
    await run();
  } finally {
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: names }).catch(() => {});
    await admin.disconnect();
  }
}

describe('Kafka compatibility (kafkajs against the running broker)', () => {
  const kafka = createKafka('compat-test');

  it('admin: cluster, create/list/describe/delete topics, offsets, groups', async () => {
    const topic = `test.compat.admin.${uniqueSuffix()}`;
    const admin = kafka.admin();
    await admin.connect();
    try {
      const cluster = await admin.describeCluster();
      assert.ok(cluster.brokers.length >= 1);
      await withTopics(kafka, [topic], async () => {
        assert.ok((await admin.listTopics()).includes(topic));
        // this client connected before the topic existed: its metadata catches up on a retriable error
        const metadata = await retry(() => admin.fetchTopicMetadata({ topics: [topic] }), {
          initialDelayMs: 50,
        });
        assert.equal(metadata.topics[0]?.partitions.length, 3);
        const offsets = await retry(() => admin.fetchTopicOffsets(topic), { initialDelayMs: 50 });
        assert.deepEqual(
          offsets.map((o) => o.high),
          ['0', '0', '0'],
        );
        const groups = await admin.listGroups();
        assert.ok(Array.isArray(groups.groups));
      });
      // deletion completes asynchronously on the controller: the topic leaves the listing soon after
      const deadline = Date.now() + 15_000;
      while ((await admin.listTopics()).includes(topic)) {
        assert.ok(Date.now() < deadline, `${topic} still listed 15 s after its deletion`);
        await sleep(200);
      }
    } finally {
      await admin.disconnect();
    }
  });

  it('idempotent producer with acks=all, consumer group reads everything, committed offsets visible', async () => {
    const topic = `test.compat.group.${uniqueSuffix()}`;
    const groupId = `compat-${uniqueSuffix()}`;
    await withTopics(kafka, [topic], async () => {
      const producer = createProducer(kafka);
      await producer.connect();
      await producer.send({
        topic,
        acks: -1,
        messages: Array.from({ length: 100 }, (_, i) => ({ key: `device-${i % 7}`, value: `v${i}` })),
      });
      await producer.disconnect();
      const consumer = kafka.consumer({ groupId });
      await consumer.connect();
      const values = await consumeAll(consumer, topic, 100);
      await consumer.disconnect();
      assert.equal(new Set(values).size, 100);
      const admin = kafka.admin();
      await admin.connect();
      const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
      await admin.disconnect();
      const total = committed?.partitions.reduce((sum, p) => sum + Number(p.offset), 0);
      assert.equal(total, 100);
    });
  });

  it('transactions: consume → produce → sendOffsets; read_committed sees commits, never aborts', async () => {
    const input = `test.compat.tx-in.${uniqueSuffix()}`;
    const output = `test.compat.tx-out.${uniqueSuffix()}`;
    const groupId = `compat-tx-${uniqueSuffix()}`;
    await withTopics(kafka, [input, output], async () => {
      const producer = createProducer(kafka);
      await producer.connect();
      await producer.send({
        topic: input,
        acks: -1,
        messages: Array.from({ length: 10 }, (_, i) => ({ value: `in-${i}` })),
      });
      await producer.disconnect();

      const transactional = createProducer(kafka, { transactionalId: `compat-${uniqueSuffix()}` });
      await transactional.connect();
      const aborted = await transactional.transaction();
      await aborted.send({ topic: output, messages: [{ value: 'aborted-1' }, { value: 'aborted-2' }] });
      await aborted.abort();

      const source = kafka.consumer({ groupId });
      await source.connect();
      await source.subscribe({ topic: input, fromBeginning: true });
      let transformed = 0;
      await new Promise<void>((resolveAll, reject) => {
        const timer = setTimeout(() => reject(new Error(`${transformed} of 10 transformed`)), 30_000);
        void source.run({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            const tx = await transactional.transaction();
            try {
              await tx.send({
                topic: output,
                messages: batch.messages.map((m) => ({ value: `out-${String(m.value)}` })),
              });
              const last = batch.messages.at(-1);
              if (last) {
                await tx.sendOffsets({
                  consumerGroupId: groupId,
                  topics: [
                    {
                      topic: batch.topic,
                      partitions: [{ partition: batch.partition, offset: String(Number(last.offset) + 1) }],
                    },
                  ],
                });
              }
              await tx.commit();
            } catch (err) {
              await tx.abort();
              throw err;
            }
            transformed += batch.messages.length;
            if (transformed >= 10) {
              clearTimeout(timer);
              resolveAll();
            }
          },
        });
      });
      await source.disconnect();
      await transactional.disconnect();

      const reader = kafka.consumer({ groupId: `compat-reader-${uniqueSuffix()}`, readUncommitted: false });
      await reader.connect();
      const values = await consumeAll(reader, output, 10);
      await reader.disconnect();
      assert.deepEqual(values.sort(), Array.from({ length: 10 }, (_, i) => `out-in-${i}`).sort());

      const admin = kafka.admin();
      await admin.connect();
      const [committed] = await admin.fetchOffsets({ groupId, topics: [input] });
      await admin.disconnect();
      assert.equal(
        committed?.partitions.reduce((sum, p) => sum + Number(p.offset), 0),
        10,
      );
    });
  });

  it('high watermarks include an open transaction, where the admin stops at the last stable offset', async () => {
    const topic = `test.compat.watermarks.${uniqueSuffix()}`;
    await withTopics(kafka, [topic], async () => {
      const transactional = createProducer(kafka, { transactionalId: `compat-wm-${uniqueSuffix()}` });
      await transactional.connect();
      const open = await transactional.transaction();
      await open.send({
        topic,
        messages: [
          { value: 'a', partition: 0 },
          { value: 'b', partition: 0 },
        ],
      });
      const admin = kafka.admin();
      await admin.connect();
      try {
        const stable = await admin.fetchTopicOffsets(topic);
        assert.equal(stable.find((p) => p.partition === 0)?.high, '0');
        const watermarks = await topicWatermarks(kafka, topic);
        assert.deepEqual(
          watermarks.sort((a, b) => a.partition - b.partition),
          [0, 1, 2].map((partition) => ({ partition, low: 0, high: partition === 0 ? 2 : 0 })),
        );
      } finally {
        await open.abort();
        await transactional.disconnect();
        await admin.disconnect();
      }
    });
  });
});

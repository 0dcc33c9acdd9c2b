import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { uniqueSuffix } from '../../test/support.ts';
import { createKafka, ensureTopics } from '../kafka.ts';
import { kafkajsPort } from './kafkajs-port.ts';

/** A consumer of one partition at a time, quick to poll. */
const consumerOptions = (groupId: string) => ({
  groupId,
  sessionTimeoutMs: 10_000,
  heartbeatIntervalMs: 1_000,
  maxWaitTimeMs: 100,
  maxBytesPerPartition: 1024 * 1024,
  maxBytes: 1024 * 1024,
  partitionsConcurrently: 1,
});

/** The kafkajs port's transactional output on the local stack's Kafka. */
describe('kafkajs port (local stack)', { timeout: 120_000 }, () => {
  const kafka = createKafka('kafkajs-port-test');
  const port = kafkajsPort(kafka);
  const admin = kafka.admin();
  after(async () => {
    await admin.disconnect();
    await port.close();
  });

  it('commits transactions without output back to back: each waits for the markers of the one before', async () => {
    const suffix = uniqueSuffix();
    const topic = `test.kafkajs-port.${suffix}`;
    const groupId = `test-kafkajs-port-${suffix}`;
    await ensureTopics(kafka, [{ topic, numPartitions: 1 }]);
    const consumer = port.consumer(consumerOptions(groupId));
    const output = await port.partitionOutput(consumer, groupId, `${groupId}-0`);
    try {
      // a batch of duplicates only moves the offset: AddOffsetsToTxn is its transaction's first call,
      // sent right after the previous commit, while the coordinator may still be writing its markers
      for (let offset = 1; offset <= 40; offset++)
        await output.commit({ topic, partition: 0, offset: String(offset) });
    } finally {
      await output.close();
    }
    await admin.connect();
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    assert.equal(committed?.partitions[0]?.offset, '40');
  });

  it('runs the assignment hook of a join only after the one before it ended', async () => {
    const suffix = uniqueSuffix();
    const topic = `test.kafkajs-port.${suffix}`;
    const groupId = `test-kafkajs-port-${suffix}`;
    await ensureTopics(kafka, [{ topic, numPartitions: 2 }]);
    const first = port.consumer(consumerOptions(groupId));
    const second = port.consumer(consumerOptions(groupId));
    const hooksOfFirst: { started: number; ended?: number; partitions: number[] }[] = [];
    let secondJoined!: () => void;
    const joinedBySecond = new Promise<void>((resolve) => {
      secondJoined = resolve;
    });
    const hooks = (assigned: (partitions: number[]) => Promise<void>) => ({
      revoking: () => {},
      assigned: (assignment: Record<string, number[]>) => assigned(assignment[topic] ?? []),
      batch: async () => true,
      crashed: () => {},
    });
    try {
      // the first member's first hook lasts until the second member joined and the first, rejoining
      // for it on its next heartbeat (every second), got its share: kafkajs does not wait for the hook
      await first.run(
        [topic],
        true,
        hooks(async (partitions) => {
          const hook = { started: Date.now(), partitions, ended: undefined as number | undefined };
          hooksOfFirst.push(hook);
          if (hooksOfFirst.length === 1) {
            await joinedBySecond;
            await sleep(4_000);
          }
          hook.ended = Date.now();
        }),
      );
      await second.run(
        [topic],
        true,
        hooks(async () => secondJoined()),
      );
      for (let waited = 0; hooksOfFirst.length < 2 && waited < 20_000; waited += 100) await sleep(100);
      assert.equal(hooksOfFirst.length, 2, 'the first member never rejoined');
      const [before, after] = hooksOfFirst as [(typeof hooksOfFirst)[0], (typeof hooksOfFirst)[0]];
      assert.deepEqual(before.partitions, [0, 1]);
      assert.equal(after.partitions.length, 1);
      assert.ok(before.ended !== undefined && after.started >= before.ended, 'the hooks overlapped');
    } finally {
      await Promise.all([first.disconnect(), second.disconnect()]);
    }
  });

  it('tells of a rebalance that a held batch heartbeat meets: its fetch loop, waiting for the batch, cannot', async () => {
    const suffix = uniqueSuffix();
    const topic = `test.kafkajs-port.${suffix}`;
    const groupId = `test-kafkajs-port-${suffix}`;
    await ensureTopics(kafka, [{ topic, numPartitions: 2 }]);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: [{ value: 'held' }] });
    await producer.disconnect();
    const first = port.consumer(consumerOptions(groupId));
    const second = port.consumer(consumerOptions(groupId));
    let holding!: () => void;
    const batchHeld = new Promise<void>((resolve) => {
      holding = resolve;
    });
    const seen: string[] = [];
    try {
      await first.run([topic], true, {
        revoking: () => seen.push('revoking'),
        assigned: async () => undefined,
        // a batch its destination holds (a sink waiting for its write), beating as the sinks do
        batch: async (_batch, heartbeat) => {
          holding();
          for (let beats = 0; beats < 60; beats++) {
            await sleep(250);
            try {
              await heartbeat();
            } catch (err) {
              seen.push(`heartbeat ${(err as { type?: string }).type}`);
              return true;
            }
          }
          return true;
        },
        crashed: () => {},
      });
      await batchHeld;
      await second.run([topic], true, {
        revoking: () => {},
        assigned: async () => undefined,
        batch: async () => true,
        crashed: () => {},
      });
      for (let waited = 0; seen.length < 2 && waited < 20_000; waited += 100) await sleep(100);
      // told before the batch learns it (kafkajs' own event comes once the batch was handed back)
      assert.deepEqual(seen.slice(0, 2), ['revoking', 'heartbeat REBALANCE_IN_PROGRESS']);
    } finally {
      await Promise.all([first.disconnect(), second.disconnect()]);
    }
  });

  it('takes a seek, pause or resume while kafkajs restarts its consumer (no group) as moot, and refuses a seek before run', async () => {
    const suffix = uniqueSuffix();
    const topic = `test.kafkajs-port.${suffix}`;
    await ensureTopics(kafka, [{ topic, numPartitions: 1 }]);
    const consumer = port.consumer(consumerOptions(`test-kafkajs-port-${suffix}`));
    const position = { topic, partition: 0, offset: '0' };
    try {
      assert.throws(() => consumer.seek(position), /Consumer group was not initialized/);
      let assigned!: () => void;
      const joined = new Promise<void>((resolve) => {
        assigned = resolve;
      });
      await consumer.run([topic], true, {
        revoking: () => {},
        assigned: async () => assigned(),
        batch: async () => true,
        crashed: () => {},
      });
      await joined;
      consumer.seek(position);
      // what kafkajs does on a crash before it restarts the consumer: stops it, and its group is gone
      await consumer.stop();
      assert.doesNotThrow(() => consumer.seek(position));
      // and so are a pause and a resume (a sink pausing for a failing write)
      assert.doesNotThrow(() => consumer.pause([topic]));
      assert.doesNotThrow(() => consumer.resume([topic]));
    } finally {
      // its connections would keep the test file's process alive after the tests
      await consumer.disconnect();
    }
  });
});

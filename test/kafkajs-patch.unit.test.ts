import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';

/**
 * patches/kafkajs+2.2.4.patch rewrites kafkajs' per-record hot paths (record encoding and decoding,
 * varints, native CRC32C, grouping by partition) for speed. These check the rewritten pieces keep the wire
 * format: values at the varint boundaries, headers, null keys and values, and the CRC check value.
 * It also makes transactions cheaper (coordinators reused, AddPartitionsToTxn retried after 20 ms),
 * checked against a cluster that counts its requests, and stops an idle connection's request queue
 * from polling itself every millisecond.
 */
const require = createRequire(import.meta.url);
interface KafkaEncoder {
  buffer: Buffer;
  writeVarLong(value: number): KafkaEncoder;
}
interface KafkaDecoder {
  offset: number;
  buffer: Buffer;
  readString(): string | null;
  readInt16(): number;
  readInt32(): number;
  readVarInt(): number;
  readVarLong(): unknown;
  readVarLongOrNumber(): unknown;
}
const Encoder = require('kafkajs/src/protocol/encoder.js') as {
  new (): KafkaEncoder;
  sizeOfVarLong(value: number): number;
};
const Decoder = require('kafkajs/src/protocol/decoder.js') as new (buffer: Buffer) => KafkaDecoder;
const encodeRecord = require('kafkajs/src/protocol/recordBatch/record/v0/index.js') as (
  record: Record<string, unknown>,
) => { buffer: Buffer };
const decodeRecord = require('kafkajs/src/protocol/recordBatch/record/v0/decoder.js') as (
  decoder: KafkaDecoder,
  context: Record<string, unknown>,
) => Record<string, unknown>;
type Checksum = (buffer: Buffer) => number;
const crc32C = require('kafkajs/src/protocol/recordBatch/crc32C/index.js') as Checksum;
const javascriptCrc32C = require('kafkajs/src/protocol/recordBatch/crc32C/crc32C.js') as Checksum;
const produceRequest = require('kafkajs/src/protocol/requests/produce/v3/request.js') as (
  args: Record<string, unknown>,
) => { encode(): Promise<{ buffer: Buffer }> };
const decodeRecordBatch = require('kafkajs/src/protocol/recordBatch/v0/decoder.js') as (
  decoder: KafkaDecoder,
) => Promise<{ records: Record<string, unknown>[]; firstTimestamp: string; inTransaction: boolean }>;
const createEosManager = require('kafkajs/src/producer/eosManager/index.js') as (options: {
  logger: unknown;
  cluster: unknown;
  transactional: boolean;
  transactionalId: string;
}) => {
  initProducerId(): Promise<void>;
  beginTransaction(): void;
  addPartitionsToTransaction(
    topicData: { topic: string; partitions: { partition: number }[] }[],
  ): Promise<void>;
  sendOffsets(options: { consumerGroupId: string; topics: unknown[] }): Promise<void>;
  commit(): Promise<void>;
};
const groupMessagesPerPartition = require('kafkajs/src/producer/groupMessagesPerPartition.js') as (
  args: Record<string, unknown>,
) => Record<string, unknown[]>;

interface RequestQueue {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  fulfillRequest(response: { correlationId: number; payload: Buffer | null; size: number }): void;
  scheduleCheckPendingRequests(): void;
}
const RequestQueue = require('kafkajs/src/network/requestQueue/index.js') as new (options: {
  maxInFlightRequests: number | null;
  requestTimeout: number;
  enforceRequestTimeout: boolean;
  clientId: string;
  broker: string;
  logger: Record<string, () => void>;
}) => RequestQueue;

/** A decoder past the record's length prefix, where the batch decoder hands records over. */
function afterLength(record: Buffer): KafkaDecoder {
  const decoder = new Decoder(record);
  assert.equal(decoder.readVarInt(), record.length - decoder.offset);
  return decoder;
}

const boundaries = [0, 1, -1, 63, -64, 64, -65, 8191, 8192, 2 ** 27 - 1, -(2 ** 27), 2 ** 30 - 1, -(2 ** 30)];
const longBoundaries = [...boundaries, 2 ** 30, -(2 ** 30) - 1, 2 ** 35, -(2 ** 40), 1_763_709_330_400];

describe('kafkajs patch keeps the wire format', () => {
  it('varlongs of every size read back, as numbers up to four bytes', () => {
    for (const value of longBoundaries) {
      const bytes = new Encoder().writeVarLong(value).buffer;
      const decoder = new Decoder(bytes);
      assert.equal(String(decoder.readVarLongOrNumber()), String(value));
      assert.equal(decoder.offset, bytes.length);
      assert.equal(String(new Decoder(bytes).readVarLong()), String(value));
      assert.equal(Encoder.sizeOfVarLong(value), bytes.length);
    }
  });

  it('records with headers, null keys and large deltas round-trip with exact offsets and timestamps', () => {
    const records = [
      { key: Buffer.from('device-1'), value: randomBytes(300), offsetDelta: 0, timestampDelta: 0 },
      { key: null, value: 'héllo', offsetDelta: 70_000, timestampDelta: 2 ** 35, headers: { a: '1' } },
      { key: 'k', value: null, offsetDelta: 8191, timestampDelta: 64, headers: { t: ['x', 'y'], u: 'z' } },
    ];
    const context = { firstOffset: '9007199254740000', firstTimestamp: '1763709330400', magicByte: 2 };
    for (const record of records) {
      const decoded = decodeRecord(afterLength(encodeRecord(record).buffer), context);
      assert.equal(decoded.offset, String(9007199254740000n + BigInt(record.offsetDelta)));
      assert.equal(decoded.timestamp, String(1763709330400n + BigInt(record.timestampDelta)));
      assert.deepEqual(decoded.key, record.key === null ? null : Buffer.from(record.key));
      assert.deepEqual(decoded.value, record.value === null ? null : Buffer.from(record.value));
      const headers = Object.fromEntries(
        Object.entries(record.headers ?? {}).map(([key, value]) => [
          key,
          Array.isArray(value) ? value.map((v) => Buffer.from(v)) : Buffer.from(value),
        ]),
      );
      assert.deepEqual({ ...(decoded.headers as object) }, headers);
    }
  });

  it('offsets past 2^53 fall back to exact Long arithmetic', () => {
    const bytes = encodeRecord({ key: null, value: 'v', offsetDelta: 5, timestampDelta: 1 }).buffer;
    const decoded = decodeRecord(afterLength(bytes), {
      firstOffset: '9223372036854775000',
      firstTimestamp: '0',
    });
    assert.equal(decoded.offset, '9223372036854775005');
  });

  it('CRC32C (native) gives the Castagnoli check value and agrees with the JavaScript one', () => {
    assert.equal(crc32C(Buffer.from('123456789')), 0xe3069283);
    for (let length = 0; length < 300; length += 7) {
      const bytes = randomBytes(length);
      assert.equal(crc32C(bytes), javascriptCrc32C(bytes) >>> 0);
    }
  });

  it('groups messages by partition in their order', () => {
    const messages = Array.from({ length: 10 }, (_, i) => ({ value: String(i) }));
    const grouped = groupMessagesPerPartition({
      topic: 't',
      partitionMetadata: [{ partitionId: 0 }, { partitionId: 1 }],
      messages,
      partitioner: ({ message }: { message: { value: string } }) => Number(message.value) % 2,
    });
    assert.deepEqual(grouped, {
      0: messages.filter((_, i) => i % 2 === 0),
      1: messages.filter((_, i) => i % 2),
    });
  });

  it('writes a produce request in one pass: lengths, CRCs and records read back', async () => {
    const long = 'ü'.repeat(40) + 'x'.repeat(70);
    const partitions = [
      {
        partition: 0,
        firstSequence: 7,
        messages: [
          {
            key: 'device-1',
            value: randomBytes(300),
            timestamp: '1763709330400',
            headers: { 'trace-id': 'abc' },
          },
          {
            key: long,
            value: null,
            timestamp: '1763709330405',
            headers: { ünï: Buffer.from('ß'), t: ['x', 'y'] },
          },
          { key: Buffer.from([0, 255]), value: 'héllo', timestamp: '1763709330401' },
        ],
      },
      { partition: 3, messages: [{ key: null, value: randomBytes(70_000), timestamp: '1763709330500' }] },
    ];
    const request = produceRequest({
      acks: -1,
      timeout: 30_000,
      transactionalId: 'txn-1',
      producerId: 42,
      producerEpoch: 3,
      topicData: [
        { topic: 'first', partitions },
        { topic: 'second', partitions: [partitions[1]] },
      ],
    });
    const bytes = (await request.encode()).buffer;
    const decoder = new Decoder(bytes);
    assert.equal(decoder.readString(), 'txn-1');
    assert.equal(decoder.readInt16(), -1);
    assert.equal(decoder.readInt32(), 30_000);
    const topics: Record<string, Record<number, Record<string, unknown>[]>> = {};
    for (let topicCount = decoder.readInt32(); topicCount > 0; topicCount--) {
      const topic = decoder.readString() as string;
      topics[topic] = {};
      for (let partitionCount = decoder.readInt32(); partitionCount > 0; partitionCount--) {
        const partition = decoder.readInt32();
        const size = decoder.readInt32();
        const batchStart = decoder.offset;
        const batchBytes = bytes.subarray(batchStart, batchStart + size);
        assert.equal(batchBytes.readInt32BE(8), size - 12, 'batch length');
        assert.equal(batchBytes.readUInt32BE(17), javascriptCrc32C(batchBytes.subarray(21)) >>> 0, 'CRC');
        const batch = await decodeRecordBatch(decoder);
        assert.equal(decoder.offset, batchStart + size);
        assert.equal(batch.inTransaction, true);
        (topics[topic] as Record<number, Record<string, unknown>[]>)[partition] = batch.records;
      }
    }
    assert.equal(decoder.offset, bytes.length);
    const sent = (index: number) => partitions[index]?.messages ?? [];
    for (const [topic, expected] of [
      ['first', { 0: sent(0), 3: sent(1) }],
      ['second', { 3: sent(1) }],
    ] as const) {
      for (const [partition, messages] of Object.entries(expected)) {
        const records = topics[topic]?.[Number(partition)] ?? [];
        assert.equal(records.length, messages.length);
        records.forEach((record, i) => {
          const message = messages[i] as {
            key: unknown;
            value: unknown;
            timestamp: string;
            headers?: object;
          };
          assert.equal(record.timestamp, message.timestamp);
          assert.deepEqual(record.key, message.key === null ? null : Buffer.from(message.key as string));
          assert.deepEqual(
            record.value,
            message.value === null ? null : Buffer.from(message.value as string),
          );
          assert.deepEqual(Object.keys(record.headers as object), Object.keys(message.headers ?? {}));
        });
      }
    }
  });

  describe('transactions', () => {
    const silent = { debug() {}, info() {}, warn() {}, error() {} };
    /** A coordinator answering `error` to the first `times` requests `refused` of each transaction. */
    function countingCluster(
      error: string,
      times: number,
      refused: 'AddPartitionsToTxn' | 'AddOffsetsToTxn' = 'AddPartitionsToTxn',
    ) {
      const requests: Record<string, number> = {};
      let refusals = 0;
      let connected = true;
      const count = (name: string) => {
        requests[name] = (requests[name] ?? 0) + 1;
        if (name === refused && refusals++ < times) throw Object.assign(new Error(error), { type: error });
      };
      const broker = {
        isConnected: () => connected,
        initProducerId: async () => {
          count('InitProducerId');
          return { producerId: 7, producerEpoch: 0 };
        },
        addPartitionsToTxn: async () => count('AddPartitionsToTxn'),
        addOffsetsToTxn: async () => count('AddOffsetsToTxn'),
        txnOffsetCommit: async () => count('TxnOffsetCommit'),
        endTxn: async () => {
          count('EndTxn');
          refusals = 0;
        },
      };
      const cluster = {
        retry: { retries: 0 },
        refreshMetadataIfNecessary: async () => undefined,
        // as kafkajs' findBroker, connects the coordinator it finds
        findGroupCoordinator: async () => {
          count('FindCoordinator');
          connected = true;
          return broker;
        },
      };
      return { cluster, requests, disconnect: () => (connected = false) };
    }

    async function transaction(eos: ReturnType<typeof createEosManager>, partition: number) {
      eos.beginTransaction();
      await eos.addPartitionsToTransaction([{ topic: 'out', partitions: [{ partition }] }]);
      await eos.sendOffsets({
        consumerGroupId: 'group',
        topics: [{ topic: 'in', partitions: [{ partition, offset: '1' }] }],
      });
      await eos.commit();
    }

    it('finds each coordinator once and retries a transaction started while the last one completes after 20 ms', async () => {
      const { cluster, requests, disconnect } = countingCluster('CONCURRENT_TRANSACTIONS', 3);
      const eos = createEosManager({ logger: silent, cluster, transactional: true, transactionalId: 'tx' });
      await eos.initProducerId();
      const started = performance.now();
      for (let i = 0; i < 5; i++) await transaction(eos, i);
      const elapsed = performance.now() - started;
      assert.deepEqual(requests, {
        FindCoordinator: 2, // the transaction's coordinator and the group's
        InitProducerId: 1,
        AddPartitionsToTxn: 5 * 4,
        AddOffsetsToTxn: 5,
        TxnOffsetCommit: 5,
        EndTxn: 5,
      });
      // 15 retries at 20 ms; the send retrier's backoff started at 300 ms and doubled
      assert.ok(elapsed >= 15 * 18 && elapsed < 1500, `${elapsed} ms`);
      disconnect();
      await transaction(eos, 5).catch(() => undefined);
      // found again once: connecting it, the lookup also reconnects the group's (the same broker here)
      assert.equal(requests.FindCoordinator, 3, 'a coordinator whose connection closed is found again');
    });

    it('retries a transaction of offsets only (its first request AddOffsetsToTxn) while the last one completes', async () => {
      const { cluster, requests } = countingCluster('CONCURRENT_TRANSACTIONS', 3, 'AddOffsetsToTxn');
      const eos = createEosManager({ logger: silent, cluster, transactional: true, transactionalId: 'tx' });
      await eos.initProducerId();
      for (let i = 0; i < 2; i++) {
        eos.beginTransaction();
        await eos.sendOffsets({
          consumerGroupId: 'group',
          topics: [{ topic: 'in', partitions: [{ partition: 0, offset: String(i + 1) }] }],
        });
        await eos.commit();
      }
      assert.deepEqual(requests, {
        FindCoordinator: 2,
        InitProducerId: 1,
        AddOffsetsToTxn: 2 * 4,
        TxnOffsetCommit: 2,
        EndTxn: 2,
      });
    });

    it('forgets the coordinators after a failed request', async () => {
      const { cluster, requests } = countingCluster('NOT_COORDINATOR', 1);
      const eos = createEosManager({ logger: silent, cluster, transactional: true, transactionalId: 'tx' });
      await eos.initProducerId();
      eos.beginTransaction();
      const partitions = [{ topic: 'out', partitions: [{ partition: 0 }] }];
      await assert.rejects(eos.addPartitionsToTransaction(partitions), { type: 'NOT_COORDINATOR' });
      await eos.addPartitionsToTransaction(partitions);
      assert.deepEqual(requests, { FindCoordinator: 2, InitProducerId: 1, AddPartitionsToTxn: 2 });
    });
  });

  describe('request queue', () => {
    const quiet = { debug() {}, info() {}, warn() {}, error() {} };
    const queue = () =>
      new RequestQueue({
        maxInFlightRequests: null,
        requestTimeout: 30_000,
        enforceRequestTimeout: true,
        clientId: 'test',
        broker: '127.0.0.1:9092',
        logger: quiet,
      });

    it('schedules no check after a response when nothing waits and nothing is throttled', () => {
      // stock 2.2.4 set a timer of (-1 - Date.now()) ms here, run after 1 ms, which set the next one:
      // every connection polled itself a thousand times a second for its whole life (kafkajs#1704)
      const idle = queue();
      idle.fulfillRequest({ correlationId: 1, payload: null, size: 0 });
      const scheduled = idle.throttleCheckTimeoutId;
      clearTimeout(scheduled ?? undefined);
      assert.equal(scheduled, null);
    });

    it('still checks again for a request that waits, and at the end of a throttle', () => {
      const waiting = queue();
      waiting.pending.push({});
      waiting.scheduleCheckPendingRequests();
      assert.notEqual(waiting.throttleCheckTimeoutId, null);
      clearTimeout(waiting.throttleCheckTimeoutId ?? undefined);
      const throttled = queue();
      throttled.throttledUntil = Date.now() + 60_000;
      throttled.scheduleCheckPendingRequests();
      assert.notEqual(throttled.throttleCheckTimeoutId, null);
      clearTimeout(throttled.throttleCheckTimeoutId ?? undefined);
    });
  });
});

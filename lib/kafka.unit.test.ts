import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { Partitioners, type PartitionMetadata } from 'kafkajs';
import { javaCompatiblePartitioner, keyPartition } from './kafka.ts';

const require = createRequire(import.meta.url);
const kafkajsMurmur2 = require('kafkajs/src/producer/partitioners/default/murmur2.js') as (
  key: Buffer,
) => number;

function partitionsOf(count: number): PartitionMetadata[] {
  return Array.from({ length: count }, (_, partitionId) => ({
    partitionErrorCode: 0,
    partitionId,
    leader: 1,
    replicas: [1],
    isr: [1],
  }));
}

describe('keyPartition', () => {
  it('picks the partition kafkajs (and the Java client) pick for any key and partition count', () => {
    for (let i = 0; i < 2000; i++) {
      const key = randomBytes(i % 97);
      for (const partitions of [1, 6, 7, 64]) {
        assert.equal(keyPartition(key, partitions), (kafkajsMurmur2(key) & 0x7fffffff) % partitions);
      }
    }
  });

  it('matches the partitions the Java client documents for known keys', () => {
    // Kafka's Utils.murmur2 test vectors: toPositive(murmur2(bytes)) for "21" and "foobar"
    assert.equal(keyPartition(Buffer.from('21'), 0x7fffffff), (-973932308 & 0x7fffffff) % 0x7fffffff);
    assert.equal(keyPartition(Buffer.from('foobar'), 0x7fffffff), (-790332482 & 0x7fffffff) % 0x7fffffff);
  });
});

describe('javaCompatiblePartitioner', () => {
  it('puts every key where kafkajs DefaultPartitioner puts it, also after the partition count changes', () => {
    const partitioner = javaCompatiblePartitioner();
    const reference = Partitioners.DefaultPartitioner();
    for (const count of [6, 6, 12]) {
      const partitionMetadata = partitionsOf(count);
      for (let i = 0; i < 2000; i++) {
        for (const key of [`device-${i % 700}`, Buffer.from(`device-${i % 700}`)]) {
          const message = { key, value: null };
          assert.equal(
            partitioner({ topic: 't', partitionMetadata, message }),
            reference({ topic: 't', partitionMetadata, message }),
          );
        }
      }
    }
  });

  it('keeps an explicit partition', () => {
    const partitioner = javaCompatiblePartitioner();
    const message = { key: 'device-1', value: null, partition: 4 };
    assert.equal(partitioner({ topic: 't', partitionMetadata: partitionsOf(6), message }), 4);
  });
});

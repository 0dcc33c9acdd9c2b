import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Partitioners, type PartitionMetadata } from 'kafkajs';
import { memoizedDefaultPartitioner } from './kafka.ts';

function partitionsOf(count: number): PartitionMetadata[] {
  return Array.from({ length: count }, (_, partitionId) => ({
    partitionErrorCode: 0,
    partitionId,
    leader: 1,
    replicas: [1],
    isr: [1],
  }));
}

describe('memoizedDefaultPartitioner', () => {
  it('puts every key where kafkajs DefaultPartitioner (murmur2) puts it, also after the partition count changes', () => {
    const memoized = memoizedDefaultPartitioner();
    const reference = Partitioners.DefaultPartitioner();
    for (const count of [6, 6, 12]) {
      const partitionMetadata = partitionsOf(count);
      for (let i = 0; i < 2000; i++) {
        const message = { key: `device-${i % 700}`, value: null };
        assert.equal(
          memoized({ topic: 't', partitionMetadata, message }),
          reference({ topic: 't', partitionMetadata, message }),
        );
      }
    }
  });

  it('keeps an explicit partition and Buffer keys as kafkajs does', () => {
    const memoized = memoizedDefaultPartitioner();
    const reference = Partitioners.DefaultPartitioner();
    const partitionMetadata = partitionsOf(6);
    assert.equal(
      memoized({ topic: 't', partitionMetadata, message: { key: 'device-1', value: null, partition: 4 } }),
      4,
    );
    const message = { key: Buffer.from('device-1'), value: null };
    assert.equal(
      memoized({ topic: 't', partitionMetadata, message }),
      reference({ topic: 't', partitionMetadata, message }),
    );
  });
});

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { keyPartition } from './kafka.ts';

const require = createRequire(import.meta.url);
const kafkajsMurmur2 = require('kafkajs/src/producer/partitioners/default/murmur2.js') as (
  key: Buffer,
) => number;

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

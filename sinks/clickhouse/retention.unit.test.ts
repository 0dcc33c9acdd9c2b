import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { featuresOf } from '../../lib/clickhouse.ts';
import { expiredPartitions } from './retention.ts';

describe('ClickHouse retention and version features', () => {
  it('drops only months that ended before the cutoff', () => {
    const cutoff = Date.UTC(2026, 10, 21); // 2026-11-21
    assert.deepEqual(expiredPartitions(['202609', '202610', '202611', '202612', 'tuple()'], cutoff), [
      '202609',
      '202610',
    ]);
    assert.deepEqual(expiredPartitions(['202610'], Date.UTC(2026, 10, 1)), ['202610']);
  });

  it('uses newer features only on servers that have them', () => {
    assert.deepEqual(featuresOf('18.16.1'), {
      version: '18.16.1',
      dateTime64: false,
      lowCardinality: false,
      ttl: false,
      asyncInsert: false,
      deduplicationToken: false,
      queryParameters: false,
    });
    const current = featuresOf('24.8.4.13');
    assert.ok(current.dateTime64 && current.lowCardinality && current.ttl && current.asyncInsert);
    assert.equal(current.deduplicationToken, true);
    assert.equal(featuresOf('19.6.2').ttl, true);
  });
});

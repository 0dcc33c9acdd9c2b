import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { seededRandom } from '../../test/telemetry-load.ts';
import { DedupeWindow, isDuplicate } from './dedupe.ts';

const meta = (offset: number, timestamp = 1_000_000 + offset) => ({
  topic: 't',
  partition: 0,
  offset,
  timestamp,
});

describe('dedupe window', () => {
  it('drops an id seen within the window and keeps new ones', () => {
    const window = new DedupeWindow(100, 60_000);
    const ids = ['a1', 'b2', 'a1', 'c3', 'b2', 'ö-ü-ß'];
    assert.deepEqual(
      ids.map((id, offset) => isDuplicate(id, meta(offset), window)),
      [false, false, true, false, true, false],
    );
    assert.equal(window.size, 4);
  });

  it('forgets ids older than maxEvents records', () => {
    const window = new DedupeWindow(3, 60_000);
    assert.equal(isDuplicate('x', meta(0), window), false);
    assert.equal(isDuplicate('x', meta(2), window), true);
    assert.equal(
      isDuplicate('x', meta(3), window),
      false,
      'offset 0 left the window of 3 records at offset 3',
    );
  });

  it('forgets ids older than maxAgeMs of record time', () => {
    const window = new DedupeWindow(1000, 5_000);
    assert.equal(isDuplicate('x', meta(0, 10_000), window), false);
    assert.equal(isDuplicate('x', meta(1, 15_000), window), true);
    assert.equal(isDuplicate('x', meta(2, 15_001), window), false);
  });

  it('stays bounded: never more ids than records in the window', () => {
    const window = new DedupeWindow(1000, Number.MAX_SAFE_INTEGER);
    for (let offset = 0; offset < 50_000; offset++) window.admit(`id-${offset}`, offset, offset);
    assert.equal(window.size, 1000);
    assert.equal(window.admit('id-49000', 50_000, 50_000), true, 'id-49000 was evicted');
    assert.equal(window.admit('id-49999', 50_001, 50_001), false);
  });

  it('reserves its memory whole at construction: filling it with hex ids allocates nothing more', () => {
    const records = 100_000;
    const before = process.memoryUsage().arrayBuffers;
    const window = new DedupeWindow(records, Number.MAX_SAFE_INTEGER);
    const reserved = process.memoryUsage().arrayBuffers - before;
    assert.ok(reserved > records * 70, `${reserved} bytes reserved`);
    const random = seededRandom(7);
    const hexId = () =>
      Array.from({ length: 4 }, () =>
        Math.floor(random() * 2 ** 32)
          .toString(16)
          .padStart(8, '0'),
      ).join('');
    for (let offset = 0; offset < 2 * records; offset++) assert.ok(window.admit(hexId(), offset, offset));
    assert.equal(window.size, records);
    // other tests' buffers may be collected meanwhile: the window must not have added any
    assert.ok(process.memoryUsage().arrayBuffers - before <= reserved, 'the window grew');
  });

  it('rebuilds exactly by replaying the records before a committed offset', () => {
    const ids = Array.from({ length: 500 }, (_, i) => `id-${i % 180}`);
    const live = new DedupeWindow(100, 60_000);
    const liveResults = ids.map((id, offset) => live.admit(id, offset, offset));
    const committed = 300;
    const rebuilt = new DedupeWindow(100, 60_000);
    for (let offset = committed - 100; offset < committed; offset++)
      rebuilt.admit(ids[offset] as string, offset, offset);
    const resumed = ids.slice(committed).map((id, i) => rebuilt.admit(id, committed + i, committed + i));
    assert.deepEqual(resumed, liveResults.slice(committed));
  });

  for (const id of ['0123456789abcdef0123456789abcdef', 'price-7']) {
    it(`passes the replay of a dead letter whose record the rebuilt window admitted, once (${id})`, () => {
      // a rebuild through fixed stages admitted offset 4, which the old stages dead-lettered
      const window = new DedupeWindow(100, 60_000);
      for (let offset = 0; offset < 10; offset++)
        window.admit(offset === 4 ? id : `other-${offset}`, offset, offset);
      assert.equal(window.admit(id, 10, 10), false, 'a plain copy is a duplicate');
      assert.equal(window.admit(id, 11, 11, 3), false, 'a replay of another record is a duplicate');
      assert.equal(window.admit(id, 12, 12, 4), true, 'the replay of offset 4 is its first delivery');
      assert.equal(window.admit(id, 13, 13, 4), false, 'a second replay of it is a duplicate');
      assert.equal(window.admit(id, 14, 14), false);
      // offset 4 leaves the window; the id stays, held by the replay at offset 12
      for (let offset = 15; offset < 105; offset++) window.admit(`later-${offset}`, offset, offset);
      assert.equal(window.admit(id, 105, 105), false, 'still held by offset 12');
      for (let offset = 106; offset < 113; offset++) window.admit(`later-${offset}`, offset, offset);
      assert.equal(window.admit(id, 113, 113), true, 'offset 12 left the window');
    });
  }

  it('does not take a replay for a different id at the original offset', () => {
    const window = new DedupeWindow(100, 60_000);
    window.admit('0123456789abcdef0123456789abcdef', 0, 0);
    window.admit('fedcba9876543210fedcba9876543210', 1, 1);
    assert.equal(window.admit('fedcba9876543210fedcba9876543210', 2, 2, 0), false);
    assert.equal(window.admit('0123456789abcdef0123456789abcdeX', 3, 3, 0), true, 'new id');
  });

  for (const [maxEvents, maxAgeMs, poolSize] of [
    [700, 5_000, 3000],
    [8, Number.MAX_SAFE_INTEGER, 20],
  ] as const) {
    it(`agrees with a plain list model under churn (window ${maxEvents}), for hex and other ids alike`, () => {
      const random = seededRandom(7);
      const pool = Array.from({ length: poolSize }, (_, i) =>
        i % 5 === 0
          ? `Device-Msg-${i}`
          : (i * 2654435761 + 12345).toString(16).padStart(32, 'a').slice(0, 32),
      );
      const window = new DedupeWindow(maxEvents, maxAgeMs);
      const model: { id: string; offset: number; timestamp: number }[] = [];
      let newest = Number.NEGATIVE_INFINITY;
      for (let offset = 0; offset < 40_000; offset++) {
        const id = pool[Math.floor(random() * pool.length)] as string;
        const timestamp = offset * 3 + Math.floor(random() * 50);
        newest = Math.max(newest, timestamp);
        while (
          model[0] &&
          (model[0].offset <= offset - maxEvents || model[0].timestamp < newest - maxAgeMs)
        ) {
          model.shift();
        }
        const expected = !model.some((entry) => entry.id === id);
        if (expected) model.push({ id, offset, timestamp });
        assert.equal(window.admit(id, offset, timestamp), expected, `offset ${offset}`);
        assert.equal(window.size, model.length);
      }
    });
  }

  it('grows its id table as ids arrive and keeps finding and evicting every id', () => {
    const window = new DedupeWindow(10_000, Number.MAX_SAFE_INTEGER);
    const id = (i: number) =>
      (i * 2654435761).toString(16).padStart(16, '0').slice(-16) + i.toString(16).padStart(16, '0');
    for (let offset = 0; offset < 25_000; offset++)
      assert.equal(window.admit(id(offset), offset, offset), true);
    assert.equal(window.size, 10_000);
    for (let i = 15_001; i < 25_000; i++)
      assert.equal(window.admit(id(i), 25_000, 25_000), false, `id ${i} is held`);
    let offset = 25_000;
    for (let i = 0; i < 15_000; i += 97)
      assert.equal(window.admit(id(i), offset++, offset), true, `id ${i} was evicted`);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { seededRandom } from '../test/telemetry-load.ts';
import { EventIdSet } from './event-id-set.ts';

describe('EventIdSet', () => {
  it('agrees with a Set of strings under churn, hex and other ids alike, while its table grows', () => {
    const random = seededRandom(11);
    const pool = Array.from({ length: 40_000 }, (_, i) =>
      i % 7 === 0
        ? `Device-Msg-${i}`
        : (i * 2654435761).toString(16).padStart(16, '0').slice(-16) + i.toString(16).padStart(16, '0'),
    );
    const ids = new EventIdSet();
    const model = new Set<string>();
    for (let step = 0; step < 200_000; step++) {
      const id = pool[Math.floor(random() * pool.length)] as string;
      if (random() < 0.3) {
        ids.delete(id);
        model.delete(id);
      } else {
        const expected = !model.has(id);
        model.add(id);
        assert.equal(ids.add(id), expected, `step ${step}`);
      }
    }
    for (const id of pool) assert.equal(ids.has(id), model.has(id), id);
    assert.ok(model.size > 10_000, 'grew well past the first table');
  });

  it('tells hex ids by their exact form: upper case is another id', () => {
    const ids = new EventIdSet();
    const hex = '0123456789abcdef0123456789abcdef';
    assert.equal(ids.add(hex), true);
    assert.equal(ids.add(hex.toUpperCase()), true);
    assert.equal(ids.has(hex), true);
    ids.delete(hex);
    assert.equal(ids.has(hex), false);
    assert.equal(ids.has(hex.toUpperCase()), true);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RecentEventIds } from './clickhouse-writer.ts';

describe('RecentEventIds', () => {
  it('forgets the oldest id once full, and a repeated id keeps its place', () => {
    const recent = new RecentEventIds(3);
    recent.add(['a', 'b', 'c', 'a']);
    assert.ok(recent.has('a') && recent.has('b') && recent.has('c'));
    recent.add(['d']); // evicts a, the oldest arrival (its repeat did not refresh it)
    assert.deepEqual(
      ['a', 'b', 'c', 'd'].map((id) => recent.has(id)),
      [false, true, true, true],
    );
    recent.add(['e', 'f', 'g']);
    assert.deepEqual(
      ['d', 'e', 'f', 'g'].map((id) => recent.has(id)),
      [false, true, true, true],
    );
  });

  it('a claimed id is a duplicate until released, and joins the window only when committed', () => {
    const recent = new RecentEventIds(2);
    recent.add(['a']);
    assert.equal(recent.claim('a'), false, 'in the window');
    assert.equal(recent.claim('b'), true);
    assert.equal(recent.claim('b'), false, 'claimed twice in one batch');
    recent.release(['b']);
    assert.equal(recent.has('b'), false, 'a failed insert forgets its claims');
    assert.equal(recent.claim('b'), true);
    assert.equal(recent.claim('c'), true);
    recent.commit(['b', 'c']); // the window holds two: a is evicted
    assert.deepEqual(
      ['a', 'b', 'c'].map((id) => recent.has(id)),
      [false, true, true],
    );
  });

  it("keeps Sluice's hex ids and other ids in one arrival order", () => {
    const hex = (n: number) => n.toString(16).padStart(32, '0');
    const recent = new RecentEventIds(3);
    recent.add([hex(1), 'device-7:42', hex(2)]);
    recent.add([hex(3), 'device-7:43']); // evicts hex(1) and the other id, in arrival order
    assert.deepEqual(
      [hex(1), 'device-7:42', hex(2), hex(3), 'device-7:43'].map((id) => recent.has(id)),
      [false, false, true, true, true],
    );
    recent.add([hex(4), hex(5), hex(6)]);
    assert.deepEqual(
      [hex(2), hex(3), 'device-7:43', hex(4), hex(5), hex(6)].map((id) => recent.has(id)),
      [false, false, false, true, true, true],
    );
    assert.equal(recent.claim(hex(3)), true, 'an evicted id is new again');
  });
});

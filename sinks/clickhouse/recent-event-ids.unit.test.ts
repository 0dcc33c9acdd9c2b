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
});

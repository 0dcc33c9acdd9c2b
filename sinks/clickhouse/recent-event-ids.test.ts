import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RecentEventIds } from './clickhouse-writer.ts';

describe('RecentEventIds', () => {
  it('forgets the oldest id once full, and a repeated id keeps its place', () => {
    const recent = new RecentEventIds(3);
    for (const id of ['a', 'b', 'c', 'a']) recent.add(id);
    assert.ok(recent.has('a') && recent.has('b') && recent.has('c'));
    recent.add('d'); // evicts a, the oldest arrival (its repeat did not refresh it)
    assert.deepEqual(
      ['a', 'b', 'c', 'd'].map((id) => recent.has(id)),
      [false, true, true, true],
    );
    for (const id of ['e', 'f', 'g']) recent.add(id);
    assert.deepEqual(
      ['d', 'e', 'f', 'g'].map((id) => recent.has(id)),
      [false, true, true, true],
    );
  });
});

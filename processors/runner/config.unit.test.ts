import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { describe, it } from 'node:test';
import { loadSettings } from '../../lib/config.ts';
import { telemetrySettings } from '../telemetry/config.ts';

describe('processor runner settings', () => {
  it('gives auto pipeline threads one fewer than the cores, 1 or 2, and takes a number as it is', () => {
    const threads = (value?: string) =>
      loadSettings(telemetrySettings, value === undefined ? {} : { PROCESSOR_TELEMETRY_THREADS: value })
        .threads;
    const auto = Math.min(2, Math.max(1, availableParallelism() - 1));
    assert.equal(threads(), auto);
    assert.equal(threads('auto'), auto);
    assert.equal(threads('0'), 0);
    assert.equal(threads('3'), 3);
    assert.throws(() => threads('many'), /PROCESSOR_TELEMETRY_THREADS/);
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { compactHeapWhenQuiet } from './memory.ts';

type Gc = () => void;
const global = globalThis as { gc?: Gc };
const mib = 2 ** 20;
const checkEveryMs = 200;

/**
 * Objects that live through a burst (long enough to be promoted to the old generation), then
 * dropped, but for every 16th: what stays is spread over every page the burst filled.
 */
function burstOfGarbage(): { n: number; text: string }[] {
  const kept: { n: number; text: string }[] = [];
  let held: { n: number; text: string }[][] = [];
  for (let batch = 0; batch < 40; batch++) {
    const rows = Array.from({ length: 50_000 }, (_, n) => ({ n, text: `reading ${batch}-${n}` }));
    held.push(rows);
    for (let row = 0; row < rows.length; row += 16) kept.push(rows[row] as { n: number; text: string });
  }
  held = [];
  return kept;
}

async function until(done: () => boolean, deadlineMs = 10_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!done() && Date.now() < deadline) await sleep(checkEveryMs);
}

describe('compactHeapWhenQuiet', () => {
  let collections = 0;
  let collect: Gc;

  before(() => {
    // the components run with --expose-gc (nodeFlagsOf); the test runner's process does not
    if (typeof global.gc !== 'function') setFlagsFromString('--expose-gc');
    collect = global.gc ?? (runInNewContext('gc') as Gc);
    global.gc = () => {
      collections++;
      collect();
    };
  });
  after(() => {
    global.gc = collect;
  });

  it('collects and compacts a heap full of garbage once the process is quiet, and only once', async () => {
    collect();
    const idle = process.memoryUsage().heapUsed;
    const stop = compactHeapWhenQuiet(checkEveryMs);
    try {
      const kept = burstOfGarbage();
      const burst = process.memoryUsage();
      // the case the heap's slack misses: garbage counts as used until it is collected
      assert.ok(
        burst.heapUsed - idle > 64 * mib,
        `${Math.round((burst.heapUsed - idle) / mib)} MiB of garbage`,
      );
      await until(() => collections > 0);
      assert.equal(collections, 1);
      const quiet = process.memoryUsage();
      assert.ok(quiet.heapUsed < idle + 32 * mib, `${Math.round((quiet.heapUsed - idle) / mib)} MiB left`);
      assert.ok(quiet.heapTotal < burst.heapTotal - 64 * mib, 'the pages the burst filled were handed back');
      assert.equal(kept.length, 125_000);
      await sleep(10 * checkEveryMs);
      assert.equal(collections, 1, 'a heap that did not grow again is left alone');
    } finally {
      stop();
    }
  });
});

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { componentNodeFlags } from '../lib/component.ts';
import { projectRoot } from '../lib/config.ts';
import type { SoakReport } from './producer-soak.ts';

/**
 * Long-running producers stay flat: each runs 10,000 polls or messages at a high rate in a process
 * of its own (test/producer-soak.ts), and after a warm-up the live heap does not grow in both
 * halves of the run, live timers, sockets and handles stay put, and no emitter or abort signal
 * collects listeners (Node warns past 10).
 */

/** A leak of one closure or listener per item costs a hundred bytes or more; this is well below. */
const maxHeapBytesPerItem = 32;

function soakReport(producer: string): Promise<SoakReport> {
  const child = spawn(
    process.execPath,
    [...componentNodeFlags, '--import', 'tsx', join('test', 'producer-soak.ts'), producer],
    {
      cwd: projectRoot,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  return new Promise((resolve, reject) =>
    child.once('exit', (code) => {
      const line = output.trim().split('\n').at(-1) ?? '';
      if (code !== 0 || !line.startsWith('{'))
        reject(new Error(`the ${producer} soak exited ${code}: ${output}`));
      else resolve(JSON.parse(line) as SoakReport);
    }),
  );
}

function assertFlat(report: SoakReport): void {
  assert.ok(report.items >= 10_000, `${report.component} did ${report.items} items`);
  const [first, second] = report.halves;
  const perItem = Math.min(first.bytes / first.items, second.bytes / second.items);
  assert.ok(
    perItem < maxHeapBytesPerItem,
    `${report.component}: live objects grew in both halves, ${first.bytes} bytes over ${first.items} items (most: ${first.top.join(', ')}) and ${second.bytes} over ${second.items} (most: ${second.top.join(', ')})`,
  );
  for (const [kind, count] of Object.entries(report.resourcesAfter)) {
    const before = report.resourcesBefore[kind] ?? 0;
    assert.ok(count <= before + 2, `${report.component}: ${kind} resources went from ${before} to ${count}`);
  }
  assert.deepEqual(
    report.warnings.filter((w) => w.startsWith('MaxListenersExceededWarning')),
    [],
    `${report.component} collects listeners`,
  );
}

describe('long-running producers stay flat over 10,000 polls or messages', () => {
  for (const [producer, what] of [
    ['modbus-poller', '10,000 polls'],
    ['opcua-client', '10,000 data changes'],
    ['mqtt-bridge', '10,000 messages'],
    ['http-gateway', '10,000 requests'],
  ]) {
    it(`${producer}: ${what}`, async () => assertFlat(await soakReport(producer as string)));
  }
});

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { jemallocLibrary, mallocEnv } from '../lib/memory.ts';

const directory = mkdtempSync(join(tmpdir(), 'sluice-node-flags-'));
after(() => rmSync(directory, { recursive: true, force: true }));

/** A command that wants 8 MiB semi-spaces: it prints how it ran, once, in whichever process runs it. */
const script = join(directory, 'command.mts');
writeFileSync(
  script,
  `import { rerunWithNodeFlags } from ${JSON.stringify(join(import.meta.dirname, 'node-flags.ts'))};
if (!(await rerunWithNodeFlags(['--max-semi-space-size=8'], ['--max-semi-space-size']))) {
  console.log(JSON.stringify({ pid: process.pid, execArgv: process.execArgv, env: process.env }));
}`,
);

function run(flags: string[], env: NodeJS.ProcessEnv) {
  const result = spawnSync(process.execPath, [...flags, '--import', 'tsx', script], {
    encoding: 'utf8',
    env,
    timeout: 60_000,
  });
  assert.equal(result.status, 0, result.stderr);
  const lines = result.stdout.trim().split('\n');
  assert.equal(lines.length, 1, `ran once: ${result.stdout}`);
  return {
    parent: result.pid,
    ...(JSON.parse(lines[0] as string) as { pid: number; execArgv: string[]; env: NodeJS.ProcessEnv }),
  };
}

describe('rerunWithNodeFlags', { timeout: 120_000 }, () => {
  const plain = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => name !== 'LD_PRELOAD' && !(name in mallocEnv)),
  );

  it('runs the command again with the flags it wants and the memory environment', () => {
    const ran = run(['--max-semi-space-size=64'], plain);
    assert.notEqual(ran.pid, ran.parent, 'a child ran it');
    assert.ok(ran.execArgv.includes('--max-semi-space-size=8'));
    assert.ok(!ran.execArgv.includes('--max-semi-space-size=64'));
    for (const [name, value] of Object.entries(mallocEnv)) assert.equal(ran.env[name], value, name);
    assert.equal(ran.env.LD_PRELOAD, jemallocLibrary());
  });

  it('runs it again when the flags are right but the allocator settings are not', () => {
    const ran = run(['--max-semi-space-size=8'], plain);
    assert.notEqual(ran.pid, ran.parent, 'a child ran it');
    for (const [name, value] of Object.entries(mallocEnv)) assert.equal(ran.env[name], value, name);
  });

  it('runs it in place when flags and environment are already right', () => {
    const ready = { ...plain, ...mallocEnv, ...(jemallocLibrary() ? { LD_PRELOAD: jemallocLibrary() } : {}) };
    const ran = run(['--max-semi-space-size=8'], ready);
    assert.equal(ran.pid, ran.parent, 'no child');
  });
});

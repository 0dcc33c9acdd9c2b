import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { projectRoot } from '../lib/config.ts';
import { step } from './output.ts';
import { stackDown, stackUp } from './stack/stack.ts';

const sourceFolders = ['lib', 'cli', 'producers', 'processors', 'sinks', 'api', 'schemas', 'deploy', 'test'];

function findTestFiles(dir: string): string[] {
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : findTestFiles(path);
    return entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/**
 * `npm test`: brings the local stack up (integration tests talk to real servers),
 * runs every `*.test.ts` with Node's test runner, and stops only what it started.
 */
export async function runTests(only: string[]): Promise<number> {
  const files =
    only.length > 0
      ? only
      : sourceFolders.flatMap((folder) => findTestFiles(join(projectRoot, folder))).sort();
  const started = await stackUp();
  try {
    step('test', `${files.length} test files`);
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--test',
        '--test-reporter=spec',
        '--test-concurrency=2',
        ...files.map((f) => relative(projectRoot, f)),
      ],
      { cwd: projectRoot, stdio: 'inherit' },
    );
    return await new Promise<number>((resolveExit) =>
      child.once('exit', (code, signal) => resolveExit(code ?? (signal ? 1 : 0))),
    );
  } finally {
    if (started.length > 0) {
      step('test', `stopping what this run started: ${started.join(', ')}`);
      await stackDown(started);
    }
  }
}

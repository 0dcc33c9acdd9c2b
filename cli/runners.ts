import { spawn } from 'node:child_process';
import { type Dirent, readdirSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { componentNodeFlags } from '../lib/component.ts';
import { projectRoot } from '../lib/config.ts';
import { step } from './output.ts';
import { ensureDebianPackage, ensurePythonModule } from './stack/install.ts';
import { stackDown, stackUp } from './stack/stack.ts';

const sourceFolders = ['lib', 'cli', 'producers', 'processors', 'sinks', 'api', 'schemas', 'deploy', 'test'];

function findFiles(dir: string, suffix: string): string[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : findFiles(path, suffix);
    return entry.name.endsWith(suffix) ? [path] : [];
  });
}

/** Brings the local stack up for `run` and stops afterwards only what this call started. */
async function withLocalStack<T>(run: () => Promise<T>): Promise<T> {
  const started = await stackUp();
  try {
    return await run();
  } finally {
    if (started.length > 0) {
      step('stack', `stopping what this run started: ${started.join(', ')}`);
      await stackDown(started);
    }
  }
}

function runCommand(command: string, args: string[], env = process.env): Promise<number> {
  const child = spawn(command, args, { cwd: projectRoot, stdio: 'inherit', env });
  return new Promise((resolveExit) =>
    child.once('exit', (code, signal) => resolveExit(code ?? (signal ? 1 : 0))),
  );
}

function runNode(args: string[]): Promise<number> {
  // JSON logs of components under test would bury the runner's report: warnings and up only, unless asked.
  const env = { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' };
  return runCommand(process.execPath, [...componentNodeFlags, '--import', 'tsx', ...args], env);
}

/** Tests that start clusters of their own (`npm run test:cluster`, a CI step of its own): run only when named. */
const clusterTests = join(projectRoot, 'test', 'cluster');

/** Tests that need no servers (`*.unit.test.ts`): the fast lane, run before the stack starts. */
const unitSuffix = '.unit.test.ts';

function testFiles(): string[] {
  return sourceFolders
    .flatMap((folder) => findFiles(join(projectRoot, folder), '.test.ts'))
    .filter((file) => !file.startsWith(`${clusterTests}/`))
    .sort();
}

function nodeTests(files: string[]): Promise<number> {
  return runNode([
    '--test',
    '--test-reporter=spec',
    '--test-concurrency=2',
    ...files.map((f) => relative(projectRoot, f)),
  ]);
}

/** `npm run test:unit`: the tests that need no servers, in seconds. */
export function runUnitTests(): Promise<number> {
  const files = testFiles().filter((file) => file.endsWith(unitSuffix));
  step('test', `${files.length} unit test files (no servers)`);
  return nodeTests(files);
}

/**
 * `npm test`: every `*.test.ts` with Node's test runner, the fast lane first; the integration tests
 * then talk to the real local stack. Named files run in one go, with the stack.
 */
export async function runTests(only: string[]): Promise<number> {
  if (only.length === 0) {
    const unit = await runUnitTests();
    if (unit !== 0) return unit;
  }
  const files = only.length > 0 ? only : testFiles().filter((file) => !file.endsWith(unitSuffix));
  return withLocalStack(() => {
    // Independent clients the tests check Sluice against: librdkafka's kcat, Python's fastavro and
    // confluent-kafka (the Python consumer example); and the current ClickHouse engine that chdb
    // embeds (no current server installs here).
    ensureDebianPackage('kcat', '/usr/bin/kcat');
    ensurePythonModule('fastavro');
    ensurePythonModule('confluent_kafka', 'confluent-kafka');
    ensurePythonModule('chdb', 'chdb-core');
    step('test', `${files.length} test files`);
    return nodeTests(files);
  });
}

/** `npm run bench`: each `bench/*.bench.ts` (or those named) in its own process, one after another. */
export function runBenchmarks(names: string[]): Promise<number> {
  const files = findFiles(join(projectRoot, 'bench'), '.bench.ts')
    .filter((file) => names.length === 0 || names.includes(basename(file, '.bench.ts')))
    .sort();
  return withLocalStack(async () => {
    // the components a benchmark starts run compiled, as npm start and production run them
    step('build', 'npm run build');
    if ((await runCommand('npm', ['run', '--silent', 'build'])) !== 0) return 1;
    let failures = 0;
    for (const file of files) {
      step('bench', basename(file, '.bench.ts'));
      if ((await runNode([relative(projectRoot, file)])) !== 0) failures += 1;
    }
    return failures === 0 ? 0 : 1;
  });
}

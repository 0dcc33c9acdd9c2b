import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../lib/config.ts';

/** Benchmarks print their figures the same way: a title, the conditions, then metric/value/unit rows. */
export function report(
  title: string,
  conditions: Record<string, string | number>,
  rows: [string, number | string, string][],
): void {
  const lines = [`\n## ${title}`, ...Object.entries(conditions).map(([k, v]) => `  ${k}: ${v}`), ''];
  const width = Math.max(...rows.map(([metric]) => metric.length));
  for (const [metric, value, unit] of rows) {
    const shown =
      typeof value === 'number' ? value.toLocaleString('en-US', { maximumFractionDigits: 2 }) : value;
    lines.push(`  ${metric.padEnd(width)}  ${String(shown).padStart(14)}  ${unit}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** Runs `fn` over `inputs` round-robin for about `seconds`, returning operations per second. */
export function throughput<T>(inputs: T[], seconds: number, fn: (input: T) => unknown): number {
  let operations = 0;
  const started = process.hrtime.bigint();
  const budget = BigInt(Math.round(seconds * 1e9));
  for (;;) {
    for (const input of inputs) fn(input);
    operations += inputs.length;
    const elapsed = process.hrtime.bigint() - started;
    if (elapsed >= budget) return operations / (Number(elapsed) / 1e9);
  }
}

/** Writes a run's figures to bench/results/<bench>-<time>.json, for the docs to quote ranges from. */
export function writeResults(bench: string, results: { at: string }): string {
  const dir = join(projectRoot, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${bench}-${results.at.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  return file;
}

import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
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

/** A ratio against its target, as the "Must show" asks: `1.62×  (target ≥ 1.5×: met)`. */
export function ratioRow(metric: string, ratio: number, target: number): [string, string, string] {
  return [metric, `${ratio.toFixed(2)}×`, `(target ≥ ${target}×: ${ratio >= target ? 'met' : 'not met'})`];
}

/** The machine a run measured, for its conditions: `2 cores, load average 1.2 1.5 2.0 at the end`. */
export function machineConditions(): string {
  return `${cpus().length} cores, load average ${loadavg()
    .map((n) => n.toFixed(1))
    .join(' ')} at the end`;
}

/** Writes a run's figures to bench/results/<bench>-<time>.json, for the docs to quote ranges, and says where. */
export function writeResults(bench: string, figures: Record<string, unknown>): string {
  const at = new Date().toISOString();
  const dir = join(projectRoot, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${bench}-${at.replace(/[:.]/g, '-')}.json`);
  writeFileSync(
    file,
    `${JSON.stringify({ at, machine: { cores: cpus().length, loadAverage: loadavg() }, ...figures }, null, 2)}\n`,
  );
  process.stdout.write(`\nfigures written to ${file}\n`);
  return file;
}

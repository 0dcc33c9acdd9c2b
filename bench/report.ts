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

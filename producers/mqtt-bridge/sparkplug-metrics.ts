import { z } from 'zod';

/**
 * How Sparkplug B metric names (folder paths such as `Inputs/Supply Air/Temperature`) become Sluice
 * metrics: a table of patterns, `*` standing for one folder level's name (or part of it) and `**`
 * for any number of levels, each naming the Sluice metric or null for "not a reading". The first
 * pattern that matches wins; a name no pattern matches keeps its path with `/` as `.`
 * (`Inputs.Supply Air.Temperature`), which the processor snake_cases like any metric name.
 */
export type MetricTable = { pattern: string; matches: (name: string) => boolean; metric: string | null }[];

/** Sparkplug's own bookkeeping metrics: never readings unless the table says otherwise. */
export const builtInNonReadings = ['bdSeq', 'Node Control/**', 'Device Control/**', 'Properties/**'];

function patternRegExp(pattern: string): RegExp {
  const source = pattern
    .split('**')
    .map((part) =>
      part
        .split('*')
        .map((text) => text.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('[^/]*'),
    )
    .join('.*');
  return new RegExp(`^${source}$`);
}

export function metricTable(entries: [pattern: string, metric: string | null][]): MetricTable {
  return [...entries, ...builtInNonReadings.map((pattern) => [pattern, null] as [string, null])].map(
    ([pattern, metric]) => {
      const expression = patternRegExp(pattern);
      return { pattern, metric, matches: (name: string) => expression.test(name) };
    },
  );
}

/** The Sluice metric of a Sparkplug metric name, or null when it is no reading. */
export function sluiceMetric(table: MetricTable, name: string): string | null {
  for (const entry of table) if (entry.matches(name)) return entry.metric;
  return name.replaceAll('/', '.');
}

/** MQTT_BRIDGE_SPARKPLUG_METRICS: a JSON object of pattern → Sluice metric name (or null). */
export const metricTableSetting = z.string().transform((text, ctx): MetricTable => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: `expected a JSON object: ${(err as Error).message}` });
    return [];
  }
  const result = z.record(z.string().min(1), z.string().min(1).nullable()).safeParse(parsed);
  if (!result.success) {
    ctx.addIssue({
      code: 'custom',
      message: 'expected a JSON object of metric name patterns to Sluice metric names (or null)',
    });
    return [];
  }
  return metricTable(Object.entries(result.data));
});

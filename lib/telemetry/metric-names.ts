import type { Quantity } from './units.ts';

/**
 * Canonical metric names: the spellings devices use for them, the quantity their unit must measure
 * and the plausible range in the quantity's base unit (degC, kPa, m3/s, kWh, …).
 */
export interface MetricDefinition {
  name: string;
  quantity: Quantity;
  min: number;
  max: number;
}

const absoluteZeroC = -273.15;

/** Plausible ranges per quantity, for metrics Sluice has no entry for. */
const quantityRanges: Record<Quantity, [number, number]> = {
  temperature: [absoluteZeroC, 3000],
  // gauge pressure can be negative down to a full vacuum
  pressure: [-101.325, 1_000_000],
  volume_flow: [-100_000, 100_000],
  volume: [0, 1e12],
  energy: [-1e12, 1e12],
  power: [-1e8, 1e8],
  voltage: [-1e7, 1e7],
  current: [-1e6, 1e6],
  frequency: [0, 1e10],
  ratio: [-1000, 1000],
  speed: [-1000, 1000],
  rotational_speed: [-1e6, 1e6],
};

// [canonical name, quantity, spellings (already snake_case), range override]
const metricRows: [string, Quantity, string[], [number, number]?][] = [
  [
    'temperature',
    'temperature',
    ['temp', 'temp_c', 'temp_f', 'temp_k', 'tmp', 't', 'temperature_c', 'temperature_f'],
  ],
  ['pressure', 'pressure', ['press', 'pres', 'p', 'pressure_psi', 'pressure_bar', 'pressure_kpa']],
  ['flow_rate', 'volume_flow', ['flow', 'flowrate', 'q', 'volume_flow', 'flow_m3h', 'flow_lpm']],
  ['energy', 'energy', ['energy_total', 'kwh', 'energy_kwh', 'wh', 'active_energy']],
  ['power', 'power', ['active_power', 'kw', 'power_kw', 'watts']],
  ['voltage', 'voltage', ['volt', 'volts', 'v', 'u']],
  ['current', 'current', ['amps', 'amp', 'i', 'ampere']],
  ['frequency', 'frequency', ['freq', 'f', 'hz']],
  ['humidity', 'ratio', ['rh', 'relative_humidity', 'hum'], [0, 100]],
  ['level', 'ratio', ['fill_level', 'tank_level'], [0, 100]],
  ['wind_speed', 'speed', ['windspeed', 'wind']],
  ['rotational_speed', 'rotational_speed', ['rpm', 'speed_rpm', 'shaft_speed']],
];

const metricIndex = new Map<string, MetricDefinition>();
for (const [name, quantity, spellings, range] of metricRows) {
  const [min, max] = range ?? quantityRanges[quantity];
  const definition = { name, quantity, min, max };
  for (const spelling of [name, ...spellings]) metricIndex.set(spelling, definition);
}

/** `Temp_F`, `tempF`, `Flow Rate` → `temp_f`, `temp_f`, `flow_rate`. */
/** Names seen and their snake_case: a stream repeats a few metric names, and four regex passes cost more than a lookup. */
const slugs = new Map<string, string>();
const maxSlugs = 10_000;

export function snakeCase(name: string): string {
  let slug = slugs.get(name);
  if (slug === undefined) {
    slug = name
      .trim()
      .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '');
    if (slugs.size >= maxSlugs) slugs.clear();
    slugs.set(name, slug);
  }
  return slug;
}

/**
 * The metric a name means: a known metric by any of its spellings, otherwise the name itself in
 * snake_case measuring the given quantity with that quantity's plausible range.
 */
export function findMetric(name: string, quantity?: Quantity): MetricDefinition | undefined {
  const slug = snakeCase(name);
  const known = metricIndex.get(slug);
  if (known) return known;
  if (!quantity || slug === '') return undefined;
  const [min, max] = quantityRanges[quantity];
  return { name: slug, quantity, min, max };
}

export function isKnownMetric(name: string): boolean {
  return metricIndex.has(snakeCase(name));
}

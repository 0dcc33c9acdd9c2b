import type { Quality, QualityLevel } from '../../schemas/types.ts';
import type { StageSettings } from './config.ts';
import type { Enriched } from './enrich.ts';
import type { NormalizedReading } from './normalize.ts';

/** How much each flag costs the precision factor (1 = nothing). */
const precisionWeights: Record<string, number> = {
  bad_status: 0.2,
  unit_mismatch: 0.5,
  uncertain_status: 0.6,
  unit_missing: 0.7,
  no_source_time: 0.8,
  clock_skew: 0.9,
  site_mismatch: 0.9,
};

/** Flags after which a reading cannot count as measured, whatever its score. */
const notMeasured = new Set([
  'bad_status',
  'uncertain_status',
  'unit_missing',
  'unit_mismatch',
  'unknown_device',
  'stale',
  'no_source_time',
]);

type Timed = Pick<NormalizedReading, 'receivedAt' | 'sourceTime' | 'flags'>;

function staleness(reading: Timed, staleAfterMs: number): number {
  const age = reading.receivedAt - reading.sourceTime;
  return age <= staleAfterMs ? 1 : Math.max(0.1, staleAfterMs / age);
}

/** Unknown devices count half; known ones by how much of the registry entry is filled in. */
function completeness({ enrichment, siteId }: Enriched): number {
  if (!enrichment.known) return 0.5;
  const present = [
    siteId,
    enrichment.siteName,
    enrichment.deviceType,
    enrichment.latitude !== null && enrichment.longitude !== null ? true : null,
  ].filter((field) => field !== null).length;
  return 0.7 + (0.3 * present) / 4;
}

/**
 * Quality from precision (status, unit and clock flags), staleness (receive time minus source
 * time) and enrichment completeness: score = product of the three, level from score and flags.
 */
export function score(
  reading: Timed,
  enriched: Enriched,
  settings: Pick<StageSettings, 'staleAfterMs'>,
): Quality {
  const stalenessFactor = staleness(reading, settings.staleAfterMs);
  const raised = [...reading.flags, ...enriched.flags];
  if (stalenessFactor < 1) raised.push('stale');
  const flags = raised.length > 1 ? [...new Set(raised)].sort() : raised;
  let precision = 1;
  for (const flag of flags) precision *= precisionWeights[flag] ?? 1;
  const value = Math.round(precision * stalenessFactor * completeness(enriched) * 1000) / 1000;
  let level: QualityLevel = 'estimated';
  if (value < 0.5 || flags.includes('bad_status')) level = 'rough';
  else if (value >= 0.8 && !flags.some((flag) => notMeasured.has(flag))) level = 'measured';
  return { level, score: value, flags };
}

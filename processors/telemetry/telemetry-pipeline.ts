import { componentLogger } from '../../lib/logger.ts';
import { createPgPool } from '../../lib/postgres.ts';
import { validate } from '../../lib/telemetry/validate.ts';
import type { RawTelemetryReading, TelemetryReading } from '../../schemas/types.ts';
import type { Outcome, Pipeline, RecordMeta, RunningPipeline } from '../runner/pipeline.ts';
import type { StageSettings, TelemetrySettings } from './config.ts';
import { DeviceDirectory } from './device-directory.ts';
import { type DeviceLookup, enrich } from './enrich.ts';
import { normalize } from './normalize.ts';
import { score } from './score.ts';

/** validate → normalize → enrich → score, one raw reading at a time (the runner dedupes). */
export class TelemetryPipeline implements Pipeline<RawTelemetryReading, TelemetryReading> {
  readonly component: string;
  private readonly now: () => number;

  constructor(
    private readonly settings: StageSettings,
    private readonly devices: DeviceLookup,
    { component = 'telemetry-processor', now = Date.now }: { component?: string; now?: () => number } = {},
  ) {
    this.component = component;
    this.now = now;
  }

  process(raw: RawTelemetryReading, meta: RecordMeta): Outcome<TelemetryReading> {
    const validated = validate(raw, this.settings);
    if (!validated.ok) return { kind: 'rejected', rejection: validated.rejection };
    const reading = normalize(validated.value, this.settings);
    const enriched = enrich(reading, this.devices);
    const quality = score(reading, enriched, this.settings);
    return {
      kind: 'output',
      eventId: raw.eventId,
      key: raw.deviceId,
      value: {
        eventId: reading.eventId,
        source: reading.source,
        deviceId: reading.deviceId,
        siteId: enriched.siteId,
        metric: reading.metric,
        value: reading.value,
        unit: reading.unit,
        originalValue: reading.originalValue,
        originalUnit: reading.originalUnit,
        sourceTime: reading.sourceTime,
        receivedAt: reading.receivedAt,
        processedAt: this.now(),
        quality,
        enrichment: enriched.enrichment,
        lineage: { topic: meta.topic, partition: meta.partition, offset: meta.offset },
        traceId: reading.traceId,
      },
    };
  }
}

/** The telemetry pipeline over the device registry in PostgreSQL (see StartPipeline). */
export async function startPipeline(
  settings: TelemetrySettings,
  component: string,
): Promise<RunningPipeline<RawTelemetryReading, TelemetryReading>> {
  const pool = createPgPool();
  const directory = new DeviceDirectory(pool, settings.deviceRefreshMs, componentLogger(component));
  try {
    await directory.start();
  } catch (err) {
    await pool.end();
    throw err;
  }
  return {
    pipeline: new TelemetryPipeline(settings, directory.lookup, { component }),
    health: () => directory.health(),
    async stop() {
      directory.stop();
      await pool.end();
    },
  };
}

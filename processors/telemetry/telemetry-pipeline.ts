import type { RawTelemetryReading, TelemetryReading } from '../../schemas/types.ts';
import { type DedupeWindow, isDuplicate } from '../runner/dedupe.ts';
import type { Outcome, Pipeline, RecordMeta } from '../runner/pipeline.ts';
import type { StageSettings } from './config.ts';
import { type DeviceLookup, enrich } from './enrich.ts';
import { normalize } from './normalize.ts';
import { score } from './score.ts';
import { validate } from './validate.ts';

/** validate → normalize → enrich → score → dedupe, one raw reading at a time. */
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

  process(raw: RawTelemetryReading, meta: RecordMeta, window: DedupeWindow): Outcome<TelemetryReading> {
    const validated = validate(raw, this.settings);
    if (!validated.ok) return { kind: 'rejected', rejection: validated.rejection };
    const reading = normalize(validated.value, this.settings);
    const enriched = enrich(reading, this.devices);
    const quality = score(reading, enriched, this.settings);
    if (isDuplicate(raw.eventId, meta, window)) return { kind: 'duplicate', eventId: raw.eventId };
    return {
      kind: 'output',
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

import { topics } from '../../schemas/catalog.ts';
import { createProcessor, type Processor, type ProcessorOptions } from '../runner/processor.ts';
import { type TelemetrySettings, telemetrySettings } from './config.ts';

/** raw.telemetry.readings.v1 → normalized.telemetry.readings.v1, enriched from the device registry. */
export function createTelemetryProcessor(options: ProcessorOptions<TelemetrySettings> = {}): Processor {
  return createProcessor(
    {
      component: 'telemetry-processor',
      settings: telemetrySettings,
      pipelineModule: new URL('./telemetry-pipeline.ts', import.meta.url),
      raw: topics.rawTelemetry,
      normalized: topics.normalizedTelemetry,
    },
    options,
  );
}

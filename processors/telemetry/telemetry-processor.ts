import type { Kafka } from 'kafkajs';
import type { Component, Health } from '../../lib/component.ts';
import { loadSettings } from '../../lib/config.ts';
import { componentLogger } from '../../lib/logger.ts';
import { createPgPool } from '../../lib/postgres.ts';
import { topics } from '../../schemas/catalog.ts';
import type { RawTelemetryReading, TelemetryReading } from '../../schemas/types.ts';
import { runnerTopics } from '../runner/config.ts';
import { type RunnerProgress, TransactionalRunner } from '../runner/transactional-runner.ts';
import { type TelemetrySettings, telemetrySettings } from './config.ts';
import { DeviceDirectory } from './device-directory.ts';
import { TelemetryPipeline } from './telemetry-pipeline.ts';

export interface TelemetryProcessorOptions {
  settings?: TelemetrySettings;
  kafka?: Kafka;
  component?: string;
  until?: ReadonlyMap<number, number>;
  onProgress?: (progress: RunnerProgress) => void;
}

/** raw.telemetry.readings.v1 → normalized.telemetry.readings.v1, enriched from the device registry. */
export class TelemetryProcessor implements Component {
  readonly name: string;
  readonly runner: TransactionalRunner<RawTelemetryReading, TelemetryReading>;
  private readonly pool = createPgPool();
  private readonly directory: DeviceDirectory;

  constructor(options: TelemetryProcessorOptions = {}) {
    const settings = options.settings ?? loadSettings(telemetrySettings);
    this.name = options.component ?? 'telemetry-processor';
    this.directory = new DeviceDirectory(this.pool, settings.deviceRefreshMs, componentLogger(this.name));
    this.runner = new TransactionalRunner({
      pipeline: new TelemetryPipeline(settings, this.directory.lookup, { component: this.name }),
      settings,
      topics: runnerTopics(settings, topics.rawTelemetry, topics.normalizedTelemetry),
      kafka: options.kafka,
      until: options.until,
      onProgress: options.onProgress,
    });
  }

  async start(): Promise<void> {
    await this.directory.start();
    await this.runner.start();
  }

  async stop(deadline: number): Promise<void> {
    await this.runner.stop(deadline);
    this.directory.stop();
    await this.pool.end();
  }

  health(): Health {
    const runner = this.runner.health();
    const directory = this.directory.health();
    return runner.state !== 'ready' ? runner : directory;
  }
}

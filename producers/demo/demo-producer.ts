import type { Producer } from 'kafkajs';
import type { Component, Health } from '../../lib/component.ts';
import { defineSettings, loadSettings, positiveInt, type SettingsOf, setting } from '../../lib/config.ts';
import { classifyError, describeError } from '../../lib/errors.ts';
import { createKafka, createProducer } from '../../lib/kafka.ts';
import { componentLogger, newTraceId } from '../../lib/logger.ts';
import { componentMetrics } from '../../lib/metrics.ts';
import type { AvroSerde } from '../../lib/serde.ts';
import { topics } from '../../schemas/catalog.ts';
import { rawReading } from '../../schemas/raw-telemetry-reading.ts';
import type { RawTelemetryReading } from '../../schemas/types.ts';
import { publishRawReadings } from '../raw-telemetry.ts';

export const demoSettings = defineSettings('demo producer', {
  readingsPerSecond: setting(
    'DEMO_READINGS_PER_SECOND',
    positiveInt,
    '20',
    'Readings per second the demo producer publishes.',
  ),
  devices: setting('DEMO_DEVICES', positiveInt, '12', 'Simulated devices (spread over three sites).'),
});

type DemoSettings = SettingsOf<typeof demoSettings>;

/** What each simulated device measures, in the unit it reports (deliberately mixed, as in the field). */
const deviceKinds = [
  { metric: 'temperature', unit: 'degF', base: 68, swing: 9 },
  { metric: 'temperature', unit: 'degC', base: 21, swing: 4 },
  { metric: 'pressure', unit: 'psi', base: 43, swing: 3 },
  { metric: 'flow', unit: 'l/min', base: 120, swing: 30 },
  { metric: 'energy', unit: 'Wh', base: 1500, swing: 400 },
] as const;

/** Simulated devices on three sites sending readings over "http", so `sluice up` shows data flowing. */
export class DemoProducer implements Component {
  readonly name = 'demo-producer';
  private readonly logger = componentLogger(this.name);
  private readonly metrics = componentMetrics(this.name);
  private readonly settings: DemoSettings;
  private producer?: Producer;
  private timer?: NodeJS.Timeout;
  private inFlight?: Promise<void>;
  private lastError?: string;
  private tick = 0;

  constructor(
    private readonly serde: AvroSerde,
    settings: DemoSettings = loadSettings(demoSettings),
  ) {
    this.settings = settings;
  }

  async start(): Promise<void> {
    this.producer = createProducer(createKafka(this.name));
    await this.producer.connect();
    const intervalMs = 250;
    const perTick = Math.max(1, Math.round((this.settings.readingsPerSecond * intervalMs) / 1000));
    this.timer = setInterval(() => {
      if (this.inFlight) return; // Kafka is slower than the schedule: skip, never queue without bound
      this.inFlight = this.publish(perTick).finally(() => {
        this.inFlight = undefined;
      });
    }, intervalMs);
  }

  private readings(count: number): RawTelemetryReading[] {
    const now = Date.now();
    return Array.from({ length: count }, () => {
      const n = this.tick++ % this.settings.devices;
      const kind = deviceKinds[n % deviceKinds.length] as (typeof deviceKinds)[number];
      const value = kind.base + Math.sin(now / 60_000 + n) * kind.swing + (Math.random() - 0.5);
      const payload = {
        deviceId: `demo-${String(n).padStart(3, '0')}`,
        metric: kind.metric,
        value: Number(value.toFixed(2)),
        unit: kind.unit,
        ts: now,
      };
      return rawReading(
        {
          source: 'http',
          deviceId: payload.deviceId,
          siteId: `site-${n % 3}`,
          metric: payload.metric,
          value: payload.value,
          unit: payload.unit,
          sourceTime: String(now),
          contentType: 'application/json',
          payload: Buffer.from(JSON.stringify(payload)),
          attributes: { generator: 'sluice-demo' },
          traceId: newTraceId(),
        },
        now,
      );
    });
  }

  private async publish(count: number): Promise<void> {
    const end = this.metrics.timeBatch();
    try {
      await publishRawReadings(this.producer as Producer, this.serde, this.readings(count));
      this.metrics.sent(topics.rawTelemetry.topic, count);
      this.lastError = undefined;
    } catch (err) {
      const error = classifyError(err);
      this.metrics.error('publish', error.code, error.disposition);
      this.lastError = describeError(err);
      this.logger.warn({ err: this.lastError }, 'demo publish failed; retrying on the next tick');
    } finally {
      end();
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.inFlight;
    await this.producer?.disconnect();
  }

  health(): Health {
    if (!this.producer) return { state: 'down', reason: 'not started' };
    return this.lastError ? { state: 'degraded', reason: this.lastError } : { state: 'ready' };
  }
}

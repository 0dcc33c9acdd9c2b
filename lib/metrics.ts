import {
  AggregatorRegistry,
  Counter,
  collectDefaultMetrics,
  Gauge,
  Histogram,
  type MetricObjectWithValues,
  type MetricValue,
  Pushgateway,
  Registry,
} from 'prom-client';
import { z } from 'zod';
import { defineSettings, loadSettings, setting } from './config.ts';

/** The one metrics registry of this process; the API serves it on /metrics with its component processes'. */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry, prefix: 'sluice_' });

type MetricsSource = () => Promise<MetricObjectWithValues<MetricValue<string>>[]>;
const otherSources = new Set<MetricsSource>();

/** Adds the metrics of another process (a component process of the platform) to `gatheredMetrics`; returns its removal. */
export function addMetricsSource(source: MetricsSource): () => void {
  otherSources.add(source);
  return () => otherSources.delete(source);
}

/**
 * This process's metrics with those of its component processes: series of the same name and labels
 * are summed (each has its `component` label, so the counters of different components stay apart;
 * the process figures become the platform's totals), unless a metric says otherwise (`aggregator`).
 */
export async function gatheredMetrics(): Promise<Registry> {
  if (otherSources.size === 0) return metricsRegistry;
  const sources = [metricsRegistry.getMetricsAsJSON(), ...[...otherSources].map((source) => source())];
  return AggregatorRegistry.aggregate(await Promise.all(sources));
}

const eventsReceived = new Counter({
  name: 'sluice_events_received_total',
  help: 'Events taken in by a component.',
  labelNames: ['component', 'topic'] as const,
  registers: [metricsRegistry],
});

const eventsSent = new Counter({
  name: 'sluice_events_sent_total',
  help: 'Events a component delivered downstream (acknowledged).',
  labelNames: ['component', 'topic'] as const,
  registers: [metricsRegistry],
});

const errors = new Counter({
  name: 'sluice_errors_total',
  help: 'Errors by stage, code and disposition (retriable, poison, fatal).',
  labelNames: ['component', 'stage', 'code', 'disposition'] as const,
  registers: [metricsRegistry],
});

const dlqEvents = new Counter({
  name: 'sluice_dlq_events_total',
  help: 'Events sent to a dead-letter topic, by reason code.',
  labelNames: ['component', 'topic', 'reason'] as const,
  registers: [metricsRegistry],
});

const rejections = new Counter({
  name: 'sluice_rejected_total',
  help: 'Readings a producer refused and answered to their sender (HTTP answer, rejected-rows file), by reason code.',
  labelNames: ['component', 'reason'] as const,
  registers: [metricsRegistry],
});

const batchDuration = new Histogram({
  name: 'sluice_batch_duration_seconds',
  help: 'Time to process and acknowledge one batch.',
  labelNames: ['component'] as const,
  buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [metricsRegistry],
});

const health = new Gauge({
  name: 'sluice_component_up',
  help: 'Component health: 1 ready, 0.5 degraded, 0 down.',
  labelNames: ['component'] as const,
  registers: [metricsRegistry],
});

const consumerLag = new Gauge({
  name: 'sluice_consumer_lag_messages',
  help: 'Messages in a partition not yet processed (high watermark minus next offset to process).',
  labelNames: ['component', 'topic', 'partition'] as const,
  registers: [metricsRegistry],
});

const siteLastReading = new Gauge({
  name: 'sluice_site_last_reading_timestamp_seconds',
  help: 'When a reading from the site was last loaded into ClickHouse (Unix time); a site that falls silent stops moving it.',
  labelNames: ['site'] as const,
  registers: [metricsRegistry],
  // two ClickHouse sink processes may both have loaded a site: the latest time counts
  aggregator: 'max',
});

/** Sites whose readings were just loaded (a batch's distinct sites: one update each). */
export function sitesLoaded(sites: Iterable<string>, at = Date.now()): void {
  for (const site of sites) siteLastReading.set({ site }, at / 1000);
}

/** The standard metrics every component reports, bound to its name. */
export function componentMetrics(component: string) {
  return {
    received: (topic: string, count = 1) => eventsReceived.inc({ component, topic }, count),
    sent: (topic: string, count = 1) => eventsSent.inc({ component, topic }, count),
    error: (stage: string, code: string, disposition: string) =>
      errors.inc({ component, stage, code, disposition }),
    dlq: (topic: string, reason: string, count = 1) => dlqEvents.inc({ component, topic, reason }, count),
    rejected: (reason: string) => rejections.inc({ component, reason }),
    timeBatch: () => batchDuration.startTimer({ component }),
    health: (value: number) => health.set({ component }, value),
    lag: (topic: string, partition: number, messages: number) =>
      consumerLag.set({ component, topic, partition: String(partition) }, messages),
  };
}

export type ComponentMetrics = ReturnType<typeof componentMetrics>;

export const pushgatewaySettings = defineSettings('metrics', {
  url: setting(
    'PROMETHEUS_PUSHGATEWAY_URL',
    z.string().trim(),
    '',
    'Prometheus Pushgateway a one-shot command (`sluice collect`) reports its outcome to, as Prometheus cannot scrape a finished process; empty: none.',
  ),
});

/**
 * Pushes gauges to the Pushgateway, if one is configured, under `job` and `grouping`. Only the
 * gauges given are replaced there (POST): a failed run leaves the last success time in place.
 */
export async function pushOutcome(
  job: string,
  grouping: Record<string, string>,
  gauges: Record<string, { help: string; value: number }>,
): Promise<boolean> {
  const { url } = loadSettings(pushgatewaySettings);
  if (url === '') return false;
  const registry = new Registry();
  for (const [name, { help, value }] of Object.entries(gauges))
    new Gauge({ name, help, registers: [registry] }).set(value);
  await new Pushgateway(url, { timeout: 5000 }, registry).pushAdd({ jobName: job, groupings: grouping });
  return true;
}

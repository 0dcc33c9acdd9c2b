import { Counter, Gauge } from 'prom-client';
import { metricsRegistry } from '../../lib/metrics.ts';

const duplicates = new Counter({
  name: 'sluice_processor_duplicates_total',
  help: 'Events dropped by the dedupe window because their event id was already processed.',
  labelNames: ['component', 'topic'] as const,
  registers: [metricsRegistry],
});

const windowIds = new Gauge({
  name: 'sluice_processor_dedupe_window_ids',
  help: 'Event ids held in the dedupe window of a partition.',
  labelNames: ['component', 'topic', 'partition'] as const,
  registers: [metricsRegistry],
});

/** What processors report beyond the standard component metrics. */
export function processorMetrics(component: string) {
  return {
    duplicates: (topic: string, count: number) => duplicates.inc({ component, topic }, count),
    windowIds: (topic: string, partition: number, size: number) =>
      windowIds.set({ component, topic, partition: String(partition) }, size),
  };
}

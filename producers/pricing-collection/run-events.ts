import type { Producer } from 'kafkajs';
import type { AvroSerde } from '../../lib/serde.ts';
import { topics } from '../../schemas/catalog.ts';
import type { CollectionRunEvent } from '../../schemas/types.ts';
import { type CollectionRun, processingResult } from './run-store.ts';

const runsTopic = topics.pricingCollectionRuns.topic;

export function runEvent(run: CollectionRun, emittedAt = Date.now()): CollectionRunEvent {
  const { processing } = run;
  return {
    runId: run.runId,
    provider: run.provider,
    filters: run.filters,
    status: run.status,
    pages: run.pages,
    items: run.items,
    published: run.published,
    failed: run.failed,
    itemsPerSecond: run.itemsPerSecond,
    startedAt: run.startedAt.getTime(),
    finishedAt: run.finishedAt?.getTime() ?? null,
    error: run.error,
    emittedAt,
    normalized: processing?.normalized ?? null,
    deadLettered: processing?.deadLettered ?? null,
    duplicates: processing?.duplicates ?? null,
    deadLetterReasons: Object.fromEntries(
      (processing?.deadLetterReasons ?? []).map((reason) => [`${reason.stage}/${reason.code}`, reason.count]),
    ),
    result: run.status === 'running' ? null : processingResult(run),
  };
}

/** Publishes the run's state keyed by run id, so a compacted view keeps each run's latest state. */
export async function publishRunEvent(
  producer: Producer,
  serde: AvroSerde,
  run: CollectionRun,
): Promise<void> {
  await producer.send({
    topic: runsTopic,
    acks: -1,
    messages: [{ key: run.runId, value: serde.encode(runsTopic, runEvent(run)) }],
  });
}

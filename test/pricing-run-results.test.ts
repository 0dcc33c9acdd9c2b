import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { processingResult } from '../producers/pricing-collection/run-store.ts';
import { topics } from '../schemas/catalog.ts';
import type { CollectionRunEvent, DeadLetter } from '../schemas/types.ts';
import { PricingPipelineHarness } from './pricing-pipeline-harness.ts';
import { sluice, uniqueSuffix } from './support.ts';

/**
 * A run's honest result: the processor's outcome of its events (normalized, dead-lettered with the
 * reasons, already known) reaches the CLI, the run record and the ops topic. Here the processor has
 * no USD rate for EUR, so a EUR collection dead-letters every event, and must not read as a success.
 */
describe('collection run results: what the processor made of a run', { timeout: 300_000 }, () => {
  let pipeline: PricingPipelineHarness;

  before(async () => {
    pipeline = await PricingPipelineHarness.start(`results_${uniqueSuffix()}`, {
      PROCESSOR_PRICING_USD_RATES: 'GBP=1.27',
    });
  });

  after(async () => {
    await pipeline.stop();
  });

  it('a run whose every event dead-letters fails with the reasons, in the CLI, the run record and the ops topic', async () => {
    const runId = `${pipeline.name}-eur`;
    const run = await pipeline.collect(['azure', '--currency', 'EUR', '--run-id', runId]);
    assert.equal(run.code, 1, run.stderr);
    assert.match(
      run.stderr,
      /✗ collect .* succeeded: 2 pages, 19 items, 19 published, 0 failed pages.*, but every event was dead-lettered/,
    );
    assert.match(run.stderr, /processed: 0 normalized, 19 dead-lettered, 0 already known/);
    assert.match(
      run.stderr,
      /dead letters price\/currency_unknown ×19: no USD rate for "EUR" \(PROCESSOR_PRICING_USD_RATES\)/,
    );

    const record = await pipeline.store.get(runId);
    assert.equal(record.status, 'succeeded');
    assert.deepEqual(record.processing, {
      normalized: 0,
      deadLettered: 19,
      duplicates: 0,
      deadLetterReasons: [
        {
          stage: 'price',
          code: 'currency_unknown',
          count: 19,
          example: 'no USD rate for "EUR" (PROCESSOR_PRICING_USD_RATES)',
        },
      ],
      notes: {},
    });

    const shown = sluice(['collect', 'show', runId], {
      DATABASE_URL: pipeline.env.DATABASE_URL ?? '',
      LOG_LEVEL: 'warn',
    });
    assert.equal(shown.status, 0, shown.stderr);
    assert.match(shown.stdout, /succeeded .* 0 normalized +19 DLQ +dead_lettered/);
    assert.match(shown.stdout, /dead letters price\/currency_unknown ×19/);

    const runsTopic = topics.pricingCollectionRuns.topic;
    const events: CollectionRunEvent[] = [];
    for (const record of await pipeline.records(runsTopic)) {
      if (record.key?.toString() === runId)
        events.push((await pipeline.serde.decode<CollectionRunEvent>(runsTopic, record.value)).value);
    }
    const last = events.at(-1);
    assert.deepEqual(
      [last?.status, last?.result, last?.normalized, last?.deadLettered, last?.deadLetterReasons],
      ['succeeded', 'dead_lettered', 0, 19, { 'price/currency_unknown': 19 }],
    );

    const letters: DeadLetter[] = [];
    for (const record of await pipeline.records(pipeline.topics.dlq))
      letters.push((await pipeline.serde.decode<DeadLetter>(pipeline.topics.dlq, record.value)).value);
    assert.equal(letters.length, 19);
    assert.ok(
      letters.every(
        (letter) => letter.reasonCode === 'currency_unknown' && letter.headers['run-id'] === runId,
      ),
    );
    assert.equal(
      Number((await pipeline.pool.query('SELECT count(*) AS n FROM pricing_prices')).rows[0]?.n),
      0,
    );
  });

  it('a run the processor normalized reads as a success with its counts', async () => {
    const runId = `${pipeline.name}-usd`;
    const run = await pipeline.collect(['azure', '--run-id', runId]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /✓ collect .* succeeded: 2 pages, 19 items, 19 published/);
    assert.match(run.stderr, /processed: 18 normalized, 0 dead-lettered, 1 already known/);
    assert.equal(processingResult(await pipeline.store.get(runId)), 'normalized');
  });

  it('a second deployment of the processor reporting on the same run does not add to its counts', async () => {
    const runId = `${pipeline.name}-usd`;
    const counted = (await pipeline.store.get(runId)).processing;
    assert.equal(counted?.normalized, 18);
    // another consumer group (a staging deployment on the same raw topic) saw the run's first events
    await pipeline.pool.query(
      `INSERT INTO collection_run_outcomes (topic, kafka_partition, kafka_offset, run_id, component,
         consumer_group, input_topic, input_partition, first_offset, last_offset, normalized,
         dead_lettered, duplicates, dead_letter_reasons, emitted_at)
       VALUES ($2, 0, 0, $1, 'pricing-processor', 'staging', 'raw.pricing.offers.v1', 0, 0, 4, 3, 2, 0,
         '[{"stage":"price","code":"currency_unknown","count":2,"example":"no USD rate"}]', now())`,
      [runId, `ops-${pipeline.name}`],
    );
    assert.deepEqual((await pipeline.store.get(runId)).processing, counted);
  });
});

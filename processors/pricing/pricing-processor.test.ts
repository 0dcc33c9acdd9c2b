import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Kafka } from 'kafkajs';
import { loadSettings } from '../../lib/config.ts';
import { createKafka, createProducer, ensureTopics } from '../../lib/kafka.ts';
import { createRegistryClient } from '../../lib/registry.ts';
import { AvroSerde } from '../../lib/serde.ts';
import { dlqContract, readSchema, runIdHeader, topics } from '../../schemas/catalog.ts';
import { samples } from '../../schemas/samples.ts';
import type { DeadLetter, PriceRecord, RawPriceOffer, RunOutcome } from '../../schemas/types.ts';
import { uniqueSuffix } from '../../test/support.ts';
import { deleteTopics, readAll } from '../../test/telemetry-load.ts';
import { withAdmin } from '../runner/reprocess.ts';
import { pricingSettings } from './config.ts';
import { createPricingProcessor } from './pricing-processor.ts';

const suffix = uniqueSuffix();
const input = `test.raw.pricing.${suffix}`;
const output = `test.normalized.pricing.${suffix}`;
const dlq = `dlq.${input}`;
const outcomes = `test.ops.pricing.run-outcomes.${suffix}`;

function offer(n: number, overrides: Record<string, unknown>): RawPriceOffer {
  const base = samples['raw.pricing.offers.v1'];
  return {
    ...base,
    eventId: n.toString(16).padStart(32, '0'),
    sku: `${base.sku}/${n}`,
    item: JSON.stringify({ ...JSON.parse(base.item), ...overrides }),
  };
}

describe('pricing processor on the local stack', () => {
  let kafka: Kafka;
  let serde: AvroSerde;

  before(async () => {
    kafka = createKafka('pricing-processor-test');
    serde = new AvroSerde(createRegistryClient());
    await ensureTopics(kafka, [input]);
    await serde.register({ ...topics.rawPricing, topic: input });
    await serde.register({ ...topics.normalizedPricing, topic: output });
    await serde.register(dlqContract(input), readSchema('dlq.v1.avsc'));
    await serde.register({ ...topics.pricingRunOutcomes, topic: outcomes });
  });

  after(async () => {
    await deleteTopics(kafka, [input, output, dlq, outcomes]);
  });

  it('writes exact USD decimals per canonical unit, drops a re-collected offer, dead-letters a bad one and counts each run', async () => {
    const offers = [
      offer(1, {}),
      offer(2, { unitOfMeasure: '100 Hours', retailPrice: 9.6 }),
      offer(3, { currencyCode: 'EUR', retailPrice: 0.0000001, unitOfMeasure: '10K' }),
      offer(4, { unitOfMeasure: '1 Lightyear' }),
    ];
    const producer = createProducer(kafka);
    await producer.connect();
    await producer.send({
      topic: input,
      acks: -1,
      messages: [...offers, offers[0] as RawPriceOffer].map((value, index) => ({
        key: `${value.provider}|${value.sku}|${value.region}`,
        value: serde.encode(input, value),
        // the first run collected offers 1 and 2, a second one 3, 4 and offer 1 again
        headers: { [runIdHeader]: index < 2 ? `run-a-${suffix}` : `run-b-${suffix}` },
      })),
    });
    await producer.disconnect();
    const until = await withAdmin(
      kafka,
      async (admin) =>
        new Map(
          (await admin.fetchTopicOffsets(input))
            .filter((entry) => Number(entry.high) > 0)
            .map((entry) => [entry.partition, Number(entry.high)]),
        ),
    );
    const settings = loadSettings(pricingSettings, {
      PROCESSOR_PRICING_INPUT_TOPIC: input,
      PROCESSOR_PRICING_OUTPUT_TOPIC: output,
      PROCESSOR_PRICING_GROUP_ID: `test-pricing-${suffix}`,
      PROCESSOR_PRICING_TRANSACTIONAL_ID_PREFIX: `test-pricing-${suffix}`,
      PROCESSOR_PRICING_OUTCOMES_TOPIC: outcomes,
    });
    const processor = createPricingProcessor({ settings, until });
    await processor.start();
    await processor.plugin.finished;
    await processor.stop(Date.now() + 10_000);

    const prices = await readAll(
      kafka,
      output,
      (value) => serde.decodeSync<PriceRecord>(output, value).value,
    );
    const bySku = new Map(prices.map((price) => [price.sku.split('/').pop(), price]));
    assert.equal(prices.length, 3);
    assert.equal(bySku.get('1')?.pricePerUnitUsd, '0.096');
    assert.equal(bySku.get('2')?.pricePerUnitUsd, '0.096');
    assert.equal(bySku.get('2')?.originalAmount, '9.6');
    assert.equal(bySku.get('3')?.unit, '1M requests');
    assert.equal(bySku.get('3')?.pricePerUnitUsd, '0.0000108');
    assert.equal(bySku.get('3')?.originalCurrency, 'EUR');

    const letters = await readAll(kafka, dlq, (value) => serde.decodeSync<DeadLetter>(dlq, value).value);
    assert.deepEqual(
      letters.map((letter) => [letter.stage, letter.reasonCode]),
      [['price', 'unit_unknown']],
    );

    // each run's outcome, summed over the batches and partitions its events were in
    const runs = new Map<
      string,
      { normalized: number; deadLettered: number; duplicates: number; reasons: string[] }
    >();
    for (const outcome of await readAll(
      kafka,
      outcomes,
      (value) => serde.decodeSync<RunOutcome>(outcomes, value).value,
    )) {
      const run = runs.get(outcome.runId) ?? { normalized: 0, deadLettered: 0, duplicates: 0, reasons: [] };
      run.normalized += outcome.normalized;
      run.deadLettered += outcome.deadLettered;
      run.duplicates += outcome.duplicates;
      run.reasons.push(
        ...outcome.deadLetterReasons.map(
          (reason) => `${reason.stage}/${reason.code}×${reason.count}: ${reason.example}`,
        ),
      );
      runs.set(outcome.runId, run);
    }
    assert.deepEqual(runs.get(`run-a-${suffix}`), {
      normalized: 2,
      deadLettered: 0,
      duplicates: 0,
      reasons: [],
    });
    assert.deepEqual(runs.get(`run-b-${suffix}`), {
      normalized: 1,
      deadLettered: 1,
      duplicates: 1,
      reasons: ['price/unit_unknown×1: price unit "1 Lightyear" is not in the unit table'],
    });
  });
});

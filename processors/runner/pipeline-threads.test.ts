import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KafkaMessage } from 'kafkajs';
import { loadSettings } from '../../lib/config.ts';
import { createRegistryClient } from '../../lib/registry.ts';
import { AvroSerde } from '../../lib/serde.ts';
import { topics } from '../../schemas/catalog.ts';
import { samples } from '../../schemas/samples.ts';
import type { PriceRecord } from '../../schemas/types.ts';
import { pricingSettings } from '../pricing/config.ts';
import { PricingPipeline } from '../pricing/pricing-pipeline.ts';
import { type Evaluated, RecordEvaluator } from './evaluation.ts';
import { PipelineThreads, type ThreadSetup } from './pipeline-threads.ts';

const input = topics.rawPricing;
const output = topics.normalizedPricing;
const settings = loadSettings(pricingSettings, {});
/** What the threads start with, once `serde` registered the two schemas. */
const setupFor = (serde: AvroSerde): ThreadSetup => ({
  pipelineModule: new URL('../pricing/pricing-pipeline.ts', import.meta.url).href,
  settings,
  component: 'pipeline-threads-test',
  input,
  output,
  schemaIds: { input: serde.schemaId(input.topic), output: serde.schemaId(output.topic) },
});

function message(value: Buffer | null, offset: number): KafkaMessage {
  return {
    key: null,
    value,
    offset: String(offset),
    timestamp: String(1_763_709_330_000 + offset),
    attributes: 0,
    headers: {},
  } as KafkaMessage;
}

/** An evaluation with its output decoded, and the clock-dependent processedAt left out. */
function comparable(serde: AvroSerde, evaluated: Evaluated) {
  if (evaluated.kind === 'rejected') return evaluated;
  const { processedAt: _, ...value } = serde.decodeSync<PriceRecord>(output.topic, evaluated.value).value;
  return { ...evaluated, value: { ...value, lineage: { ...value.lineage } } };
}

describe('pipeline threads', () => {
  const serde = new AvroSerde(createRegistryClient());
  let threads: PipelineThreads;

  before(async () => {
    await serde.registerAll([input, output]);
    threads = await PipelineThreads.start(2, setupFor(serde));
  });

  after(async () => {
    await threads.stop();
  });

  it('evaluate a batch as the main thread would: outputs, rejections and undecodable records, in order', async () => {
    const sample = samples['raw.pricing.offers.v1'];
    const messages = [
      message(serde.encode(input.topic, sample), 10),
      message(serde.encode(input.topic, { ...sample, eventId: 'e-2', item: '{not json' }), 11),
      message(Buffer.from('garbage, not Avro'), 12),
      message(null, 13),
      message(serde.encode(input.topic, { ...sample, eventId: 'e-5', sku: 'SKU-5' }), 14),
    ];
    const inline = new RecordEvaluator(new PricingPipeline(settings), serde, output.topic);
    const expected = messages.map((m) =>
      inline.evaluateSync(m.value, {
        topic: input.topic,
        partition: 3,
        offset: Number(m.offset),
        timestamp: Number(m.timestamp),
      }),
    );
    // several batches at once, spread over both threads
    const batches = await Promise.all(
      Array.from({ length: 6 }, () => threads.evaluate(input.topic, 3, messages)),
    );
    for (const evaluated of batches) {
      assert.deepEqual(
        evaluated.map((e) => comparable(serde, e)),
        expected.map((e) => comparable(serde, e as Evaluated)),
      );
    }
    assert.deepEqual(
      batches[0]?.map((e) => e.kind),
      ['output', 'rejected', 'rejected', 'rejected', 'output'],
    );
    assert.deepEqual(await threads.evaluate(input.topic, 0, []), []);
  });

  it('a thread whose pipeline cannot start fails the start with its reason', async () => {
    await assert.rejects(
      PipelineThreads.start(1, {
        ...setupFor(serde),
        pipelineModule: new URL('./no-such-module.ts', import.meta.url).href,
      }),
      (err: Error) => /pipeline thread did not start: .*no-such-module/.test(err.message),
    );
  });
});

/**
 * An AWS bulk offer file of at least 1 GiB (the documented shape: header, products, then OnDemand
 * and Reserved terms by SKU, pretty-printed as AWS prints them; made from the fixtures' m5.large,
 * 6 price dimensions a product) streamed by `sluice collect aws` from the local fixture server into
 * Kafka while `sluice run processor pricing` normalizes it, each in its own process as in production.
 * Prints price dimensions per second through the collector alone and through collector and
 * processor together, and the collector's peak RSS. The file is written to a temporary directory
 * and deleted at the end.
 *
 *   npm run bench aws-offer-file            # 1 GiB
 *   node --import tsx bench/aws-offer-file.bench.ts 0.1   # GiB, for a quick look
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectionNodeFlags } from '../cli/commands/collect.ts';
import { environment, loadSettings, projectRoot } from '../lib/config.ts';
import { createKafka, ensureTopics } from '../lib/kafka.ts';
import { createRegistryClient } from '../lib/registry.ts';
import { AvroSerde } from '../lib/serde.ts';
import { pricingSettings } from '../processors/pricing/config.ts';
import { topics } from '../schemas/catalog.ts';
import { dimensionsPerProduct, syntheticOfferFile } from '../test/pricing-synthetic.ts';
import { uniqueSuffix } from '../test/support.ts';
import { committedCount, deleteTopics } from '../test/telemetry-load.ts';
import { spawnCompiled } from './producer-process.ts';
import { report } from './report.ts';
import { cpuSecondsOf, peakRssOf } from './resources.ts';

const gib = Number(process.argv[2] ?? 1);
const service = 'AmazonEC2';
const region = 'us-east-1';
const suffix = uniqueSuffix();
const raw = `bench.raw.pricing.${suffix}`;
const normalized = `bench.normalized.pricing.${suffix}`;
const outcomes = `bench.ops.pricing.run-outcomes.${suffix}`;
const group = `bench-pricing-${suffix}`;
const directory = mkdtempSync(join(tmpdir(), 'sluice-offer-bench-'));
const file = join(directory, 'index.json');
const children: ChildProcess[] = [];
const loadAtStart = loadavg()[0] ?? 0;

/** Writes the synthetic offer file with at least `bytes` bytes; returns its product count. */
async function writeOfferFile(bytes: number): Promise<number> {
  const sample = [...syntheticOfferFile(service, region, 200)].join('');
  const products = Math.ceil((bytes * 1.02) / (Buffer.byteLength(sample) / 200));
  const out = createWriteStream(file);
  for (const piece of syntheticOfferFile(service, region, products)) {
    if (!out.write(piece)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return products;
}

/**
 * `sluice <args>` in its own process: a component as `sluice up` starts it (`sluiceProcess`); a
 * collection with collectionNodeFlags, as `sluice collect` runs itself (so the process measured is
 * the one collecting).
 */
function sluice(
  args: string[],
  env: Record<string, string | undefined>,
  { flags, output = 'ignore' }: { flags?: string[]; output?: 'pipe' | 'ignore' } = {},
) {
  const child = spawnCompiled(args, env, ['ignore', output, 'inherit'], flags);
  children.push(child);
  return child;
}

try {
  const generationStarted = performance.now();
  const products = await writeOfferFile(gib * 1024 ** 3);
  const fileBytes = statSync(file).size;
  const dimensions = products * dimensionsPerProduct(service);
  const generationSeconds = (performance.now() - generationStarted) / 1000;

  const fixture = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(projectRoot, 'test', 'pricing-fixture-server.ts'),
      JSON.stringify({ offerFilesOnDisk: { [`${service}/${region}`]: file } }),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  children.push(fixture);
  const [firstLine] = (await once(fixture.stdout, 'data')) as [Buffer];
  const fixtureUrl = firstLine.toString().trim();

  const kafka = createKafka('bench-aws-offer-file');
  await ensureTopics(kafka, [raw, normalized, outcomes]);
  const serde = new AvroSerde(createRegistryClient());
  await serde.registerAll([
    { ...topics.rawPricing, topic: raw },
    { ...topics.normalizedPricing, topic: normalized },
    { ...topics.pricingRunOutcomes, topic: outcomes },
  ]);
  const env = {
    ...environment(),
    LOG_LEVEL: 'warn',
    NO_COLOR: '1',
    AWS_PRICING_OFFERS_URL: fixtureUrl,
    AWS_PRICING_RATE_LIMIT_RPS: '100',
    PRICING_COLLECTION_OFFERS_TOPIC: raw,
    PRICING_COLLECTION_OUTCOME_WAIT_MS: '0',
    PROCESSOR_PRICING_INPUT_TOPIC: raw,
    PROCESSOR_PRICING_OUTPUT_TOPIC: normalized,
    PROCESSOR_PRICING_OUTCOMES_TOPIC: outcomes,
    PROCESSOR_PRICING_GROUP_ID: group,
    PROCESSOR_PRICING_TRANSACTIONAL_ID_PREFIX: group,
  };
  const processor = sluice(['run', 'processor', 'pricing'], env);

  const started = performance.now();
  const collector = sluice(['collect', 'aws', '--service', service, '--region', region, '--json'], env, {
    flags: collectionNodeFlags(),
    output: 'pipe',
  });
  let json = '';
  collector.stdout?.on('data', (chunk) => {
    json += String(chunk);
  });
  // VmHWM is read while the process still exists: just before it exits, polled
  let collectorPeak = 0;
  let collectorCpu = 0;
  const sampler = setInterval(() => {
    if (collector.pid && collector.exitCode === null) {
      try {
        // an exited process not yet reaped has no memory lines left: its last reading stands
        const peak = peakRssOf(collector.pid) / 2 ** 20;
        const cpu = cpuSecondsOf(collector.pid);
        if (Number.isFinite(peak)) collectorPeak = Math.max(collectorPeak, peak);
        if (Number.isFinite(cpu) && cpu > 0) collectorCpu = cpu;
      } catch {
        // exited between the check and the read
      }
    }
  }, 200);
  const [code] = (await once(collector, 'exit')) as [number | null];
  clearInterval(sampler);
  const collectorSeconds = (performance.now() - started) / 1000;
  if (code !== 0) throw new Error(`sluice collect exited with ${code}`);
  const run = JSON.parse(json) as { published: number; status: string };

  // the processor is done when its group committed every raw record
  while ((await committedCount(kafka, group, raw)) < run.published) {
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const bothSeconds = (performance.now() - started) / 1000;
  const processorPeak = processor.pid ? peakRssOf(processor.pid) / 2 ** 20 : Number.NaN;
  const processorCpu = processor.pid ? cpuSecondsOf(processor.pid) : Number.NaN;

  report(
    'AWS bulk offer file → sluice collect → sluice run processor pricing',
    {
      machine: `${cpus().length} cores, load average ${loadAtStart.toFixed(1)} at start`,
      file: `${(fileBytes / 1024 ** 3).toFixed(2)} GiB, ${products.toLocaleString('en-US')} products × ${dimensionsPerProduct(service)} price dimensions (generated in ${generationSeconds.toFixed(0)} s, not counted)`,
      path: `fixture server (own process, from disk) → collector (own process) → Kafka → processor (own process, transactions, ${loadSettings(pricingSettings, env).threads} pipeline threads)`,
    },
    [
      [
        'price dimensions published',
        run.published,
        run.published === dimensions ? 'all' : `of ${dimensions}`,
      ],
      ['collector alone', run.published / collectorSeconds, 'price dimensions/s'],
      ['collector and processor, end to end', run.published / bothSeconds, 'price dimensions/s'],
      ['collector CPU', (collectorCpu * 1e6) / run.published, 'µs per price dimension (all threads)'],
      ['processor CPU', (processorCpu * 1e6) / run.published, 'µs per price dimension (all threads)'],
      ['collector peak RSS', collectorPeak, 'MiB'],
      ['processor peak RSS', processorPeak, 'MiB'],
      ['target', '≥ 20,000 dimensions/s, collector ≤ 300 MiB', ''],
    ],
  );
} finally {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  await Promise.all(children.map((child) => (child.exitCode === null ? once(child, 'exit') : undefined)));
  rmSync(directory, { recursive: true, force: true });
  await deleteTopics(createKafka('bench-aws-offer-file-cleanup'), [raw, normalized, outcomes, `dlq.${raw}`]);
}

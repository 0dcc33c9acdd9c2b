import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { prepareTopicsAndSchemas } from '../lib/bootstrap.ts';
import { environment, projectRoot } from '../lib/config.ts';
import { createKafka, createProducer } from '../lib/kafka.ts';
import { createPgPool } from '../lib/postgres.ts';
import { openCollection } from '../producers/pricing-collection/collections.ts';
import type { RunFilters } from '../producers/pricing-collection/run-store.ts';
import type { CloudProvider } from '../schemas/types.ts';
import { dimensionsPerProduct } from '../test/pricing-synthetic.ts';

/**
 * Collection throughput against the local fixture server (run in its own process, as the real
 * endpoints are remote): price items fetched, turned into raw events and acknowledged by Kafka
 * (acks=all, idempotent producer) per second, with a checkpoint in PostgreSQL after every batch.
 */

const azurePages = 400;
const itemsPerPage = 100;
const awsProductsPerFile = 3000;
const fixtureOptions = {
  synthetic: {
    azurePages,
    azureItemsPerPage: itemsPerPage,
    awsProductsPerFile,
    awsServices: { AmazonEC2: ['us-east-1', 'eu-west-1', 'ap-south-1'] },
  },
  warmAzureServices: ['Virtual Machines', 'A', 'B', 'C', 'D'],
};

const fixture = spawn(
  process.execPath,
  ['--import', 'tsx', join(projectRoot, 'test', 'pricing-fixture-server.ts'), JSON.stringify(fixtureOptions)],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
const [firstLine] = (await once(fixture.stdout, 'data')) as [Buffer];
const fixtureUrl = firstLine.toString().trim();

const env = {
  ...environment(),
  LOG_LEVEL: 'warn',
  AZURE_PRICING_URL: `${fixtureUrl}/api/retail/prices`,
  AZURE_PRICING_RATE_LIMIT_RPS: '10000',
  AZURE_PRICING_CONCURRENCY: '4',
  AWS_PRICING_OFFERS_URL: fixtureUrl,
  AWS_PRICING_RATE_LIMIT_RPS: '10000',
  AWS_PRICING_CONCURRENCY: '3',
};

const kafka = createKafka('pricing-bench');
const serde = await prepareTopicsAndSchemas(kafka);
const producer = createProducer(kafka);
await producer.connect();
const pool = createPgPool();

interface Row {
  scenario: string;
  items: number;
  seconds: number;
  itemsPerSecond: number;
  /** CPU of this process (all threads) per item: what the machine must supply, whatever else runs on it. */
  cpuMicrosPerItem: number;
}

async function measure(scenario: string, provider: CloudProvider, filters: RunFilters): Promise<Row> {
  const { collector, close } = await openCollection(
    { kind: 'new', provider, filters },
    { kafka, pool, producer, serde },
    { env },
  );
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  await collector.start();
  const run = await collector.finished;
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  await close();
  if (run.status !== 'succeeded')
    throw new Error(`${scenario}: run ${run.runId} ${run.status}: ${run.error}`);
  return {
    scenario,
    items: run.published,
    seconds,
    itemsPerSecond: run.published / seconds,
    cpuMicrosPerItem: (cpu.user + cpu.system) / run.published,
  };
}

const loadAtStart = loadavg()[0] ?? 0;
const rows: Row[] = [];
try {
  rows.push(await measure('azure, 1 stream (NextPageLink chain)', 'azure', {}));
  rows.push(await measure('azure, 4 streams (services)', 'azure', { serviceName: 'A,B,C,D' }));
  rows.push(await measure('aws bulk, 3 offer files (streamed)', 'aws', { serviceCode: 'AmazonEC2' }));
} finally {
  await producer.disconnect();
  await pool.end();
  fixture.kill();
}

const conditions = loadConditions();
process.stdout.write(
  `\npricing collectors → raw.pricing.offers.v1 (acks=all, idempotent, ${conditions})\n` +
    `${'scenario'.padEnd(40)} ${'items'.padStart(8)} ${'seconds'.padStart(8)} ${'items/s'.padStart(9)} ${'CPU µs/item'.padStart(12)}\n`,
);
for (const row of rows) {
  process.stdout.write(
    `${row.scenario.padEnd(40)} ${String(row.items).padStart(8)} ${row.seconds.toFixed(2).padStart(8)} ${Math.round(row.itemsPerSecond).toString().padStart(9)} ${row.cpuMicrosPerItem.toFixed(1).padStart(12)}\n`,
  );
}

function loadConditions(): string {
  const e = environment();
  return `${cpus().length} cores, load average ${loadAtStart.toFixed(1)} at start, batch ${e.PRICING_COLLECTION_PUBLISH_BATCH_ITEMS ?? '5000'} items, compression ${e.PRICING_COLLECTION_COMPRESSION ?? 'none'}, Azure ${azurePages}×${itemsPerPage} items per stream, AWS ${awsProductsPerFile} products (×${dimensionsPerProduct('AmazonEC2')} price dimensions) per file`;
}

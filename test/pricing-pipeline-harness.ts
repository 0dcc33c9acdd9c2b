import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';
import type { Kafka, KafkaMessage } from 'kafkajs';
import pg from 'pg';
import { clickhouseSettings, createClickHouse } from '../lib/clickhouse.ts';
import { componentNodeFlags } from '../lib/component.ts';
import { environment, loadSettings, projectRoot } from '../lib/config.ts';
import { createKafka, ensureTopics } from '../lib/kafka.ts';
import { createRegistryClient } from '../lib/registry.ts';
import { AvroSerde } from '../lib/serde.ts';
import { readTopicToEnd } from '../processors/runner/topic-reader.ts';
import { CollectionRunStore } from '../producers/pricing-collection/run-store.ts';
import { dlqContract, topics } from '../schemas/catalog.ts';
import { decimalText, type ExpectedPrice } from './pricing-expected.ts';
import { PricingFixtureServer } from './pricing-fixture-server.ts';
import { PrivateDatabases } from './private-databases.ts';
import { waitFor } from './support.ts';
import { deleteTopics } from './telemetry-load.ts';

/** A price as both sinks are checked on it (the fields of ExpectedPrice), read back from a table row. */
interface PriceRow {
  provider: 'aws' | 'azure';
  sku: string;
  original_currency: string;
  region: string;
  category: ExpectedPrice['category'];
  price_type: ExpectedPrice['priceType'];
  term: string;
  purchase_option: string;
  unit: string;
  usd: string;
  tier_start: number | string;
}

function expectedOf(row: PriceRow): ExpectedPrice {
  return {
    provider: row.provider,
    sku: row.sku,
    currency: row.original_currency,
    region: row.region,
    category: row.category,
    priceType: row.price_type,
    term: row.term || null,
    purchaseOption: row.purchase_option || null,
    unit: row.unit,
    pricePerUnitUsd: decimalText(row.usd),
    tierStart: Number(row.tier_start),
  };
}

/** Sorted the same way whatever the source, so lists compare. */
export function bySkuAndCurrency(prices: ExpectedPrice[]): ExpectedPrice[] {
  return [...prices].sort((a, b) =>
    `${a.sku}|${a.currency}` < `${b.sku}|${b.currency}`
      ? -1
      : `${a.sku}|${a.currency}` > `${b.sku}|${b.currency}`
        ? 1
        : 0,
  );
}

const checkedColumns = `provider, sku, original_currency, region, category, price_type, term, purchase_option, unit,
  tier_start`;

/**
 * The whole price pipeline as a user runs it, on the local stack but all its own: private topics,
 * a private PostgreSQL database and ClickHouse database, the fixture server, and `sluice run
 * processor pricing`, `sluice run sink postgres` and `sluice run sink clickhouse` as processes; collections run as
 * `sluice collect …` processes. Everything is removed at the end.
 */
export class PricingPipelineHarness {
  readonly kafka: Kafka;
  readonly serde = new AvroSerde(createRegistryClient());
  readonly topics: { raw: string; normalized: string; outcomes: string; dlq: string };
  readonly pool: pg.Pool;
  readonly clickhouse: ClickHouseClient;
  readonly store: CollectionRunStore;
  private readonly components: { name: string; child: ChildProcess; stderr: string[] }[] = [];

  private constructor(
    readonly name: string,
    readonly fixture: PricingFixtureServer,
    private readonly databases: PrivateDatabases,
    readonly env: Record<string, string | undefined>,
  ) {
    this.kafka = createKafka(`test-${name}`);
    this.topics = {
      raw: `test.raw.pricing.${name}`,
      normalized: `test.normalized.pricing.${name}`,
      outcomes: `test.ops.pricing.run-outcomes.${name}`,
      dlq: dlqContract(`test.raw.pricing.${name}`).topic,
    };
    this.pool = new pg.Pool({ connectionString: databases.env.DATABASE_URL, max: 4 });
    this.clickhouse = createClickHouse(loadSettings(clickhouseSettings, env));
    this.store = new CollectionRunStore(this.pool);
  }

  /** `name` makes the topics and databases (letters, digits, _); `env` overrides the components' settings. */
  static async start(name: string, env: Record<string, string> = {}): Promise<PricingPipelineHarness> {
    const base = environment();
    const databases = await PrivateDatabases.create(`sluice_${name}`);
    const fixture = await PricingFixtureServer.start();
    const raw = `test.raw.pricing.${name}`;
    const normalized = `test.normalized.pricing.${name}`;
    const outcomes = `test.ops.pricing.run-outcomes.${name}`;
    const componentsEnv = {
      ...base,
      NO_COLOR: '1',
      LOG_LEVEL: 'warn',
      ...databases.env,
      AZURE_PRICING_URL: fixture.azureUrl,
      AWS_PRICING_OFFERS_URL: fixture.url,
      AWS_PRICING_QUERY_ENDPOINT: fixture.url,
      AWS_ACCESS_KEY_ID: 'AKIATESTONLY',
      AWS_SECRET_ACCESS_KEY: 'test-only-secret',
      AZURE_PRICING_RATE_LIMIT_RPS: '100',
      AWS_PRICING_RATE_LIMIT_RPS: '100',
      PRICING_COLLECTION_OFFERS_TOPIC: raw,
      PRICING_COLLECTION_PUBLISHER_THREADS: '1',
      PRICING_COLLECTION_OUTCOME_WAIT_MS: '60000',
      PROCESSOR_PRICING_INPUT_TOPIC: raw,
      PROCESSOR_PRICING_OUTPUT_TOPIC: normalized,
      PROCESSOR_PRICING_OUTCOMES_TOPIC: outcomes,
      PROCESSOR_PRICING_GROUP_ID: `test-pricing-${name}`,
      PROCESSOR_PRICING_TRANSACTIONAL_ID_PREFIX: `test-pricing-${name}`,
      SINK_POSTGRES_GROUP_ID: `test-sink-postgres-${name}`,
      SINK_POSTGRES_TELEMETRY_TOPIC: '',
      SINK_POSTGRES_PRICING_TOPIC: normalized,
      SINK_POSTGRES_RUN_OUTCOMES_TOPIC: outcomes,
      SINK_POSTGRES_BATCH_MAX_WAIT_MS: '100',
      SINK_CLICKHOUSE_GROUP_ID: `test-sink-clickhouse-${name}`,
      SINK_CLICKHOUSE_TELEMETRY_TOPIC: '',
      SINK_CLICKHOUSE_PRICING_TOPIC: normalized,
      SINK_CLICKHOUSE_BATCH_MAX_WAIT_MS: '100',
      ...env,
    };
    const harness = new PricingPipelineHarness(name, fixture, databases, componentsEnv);
    // every topic exists with its schema before anything reads it
    await ensureTopics(harness.kafka, [raw, normalized, outcomes, harness.topics.dlq]);
    await harness.serde.registerAll([
      { ...topics.rawPricing, topic: raw },
      { ...topics.normalizedPricing, topic: normalized },
      { ...topics.pricingRunOutcomes, topic: outcomes },
      dlqContract(raw),
      topics.pricingCollectionRuns,
    ]);
    for (const command of [
      ['run', 'processor', 'pricing'],
      ['run', 'sink', 'postgres'],
      ['run', 'sink', 'clickhouse'],
    ]) {
      harness.run(command);
    }
    return harness;
  }

  private run(args: string[]): void {
    const child = spawn(
      process.execPath,
      [...componentNodeFlags, join(projectRoot, 'bin', 'sluice.mjs'), ...args],
      {
        cwd: projectRoot,
        env: this.env,
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    const stderr: string[] = [];
    child.stderr?.on('data', (chunk) => stderr.push(String(chunk)));
    this.components.push({ name: args.join(' '), child, stderr });
  }

  /** `sluice collect <args>` in its own process, as a user runs it. */
  async collect(args: string[]): Promise<{ code: number | null; stderr: string }> {
    const child = spawn(process.execPath, [join(projectRoot, 'bin', 'sluice.mjs'), 'collect', ...args], {
      cwd: projectRoot,
      env: this.env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk) => {
      stderr += String(chunk);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
    const [code] = (await once(child, 'exit')) as [number | null];
    clearTimeout(timer);
    return { code, stderr };
  }

  /** Prices in PostgreSQL's pricing_prices (`where` on its columns), as checked. */
  async postgresPrices(where = 'true'): Promise<ExpectedPrice[]> {
    const { rows } = await this.pool.query<PriceRow>(
      `SELECT ${checkedColumns}, price_per_unit_usd::text AS usd FROM pricing_prices WHERE ${where}`,
    );
    return bySkuAndCurrency(rows.map(expectedOf));
  }

  /** Prices in ClickHouse's pricing_prices read with FINAL (`where` on its columns), as checked. */
  async clickhousePrices(where = '1'): Promise<ExpectedPrice[]> {
    const rows = await this.clickhouseRows<PriceRow>(
      `SELECT ${checkedColumns}, toString(price_per_unit_usd) AS usd FROM pricing_prices FINAL WHERE ${where}`,
    );
    return bySkuAndCurrency(rows.map(expectedOf));
  }

  async clickhouseRows<T>(query: string): Promise<T[]> {
    return (await this.clickhouse.query({ query, format: 'JSONEachRow' })).json<T>();
  }

  /** Waits until PostgreSQL and ClickHouse (FINAL) each hold `count` prices matching `where`. */
  async pricesLoaded(count: number, where: { postgres: string; clickhouse: string }): Promise<void> {
    await waitFor(
      `${count} prices in both sinks (${where.postgres})`,
      async () => {
        const [pgCount] = (
          await this.pool.query<{ n: string }>(
            `SELECT count(*) AS n FROM pricing_prices WHERE ${where.postgres}`,
          )
        ).rows;
        const [chCount] = await this.clickhouseRows<{ n: string }>(
          `SELECT toString(count()) AS n FROM pricing_prices FINAL WHERE ${where.clickhouse}`,
        ).catch(() => [{ n: '0' }]);
        return Number(pgCount?.n) >= count && Number(chCount?.n) >= count;
      },
      90_000,
    );
  }

  /** The committed records of a topic, with their keys. */
  async records(topic: string): Promise<KafkaMessage[]> {
    const records: KafkaMessage[] = [];
    await readTopicToEnd(this.kafka, topic, {
      onMessages: (_partition, messages) => void records.push(...messages),
    });
    return records;
  }

  /** What each component wrote to stderr (for a failing test's message). */
  logs(): string {
    return this.components
      .map(({ name, stderr }) => `--- ${name}\n${stderr.join('').slice(-4000)}`)
      .join('\n');
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.components.map(async ({ child }) => {
        if (child.exitCode !== null) return;
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
        await exited;
        clearTimeout(timer);
      }),
    );
    await this.fixture.close();
    await this.pool.end();
    await this.clickhouse.close();
    await this.databases.drop();
    await deleteTopics(this.kafka, Object.values(this.topics));
  }
}

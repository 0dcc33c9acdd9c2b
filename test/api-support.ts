import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ClickHouseClient } from '@clickhouse/client';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { Kafka } from 'kafkajs';
import type pg from 'pg';
import { type ApiSettings, apiSettings } from '../api/config.ts';
import { type ApiDependencies, ApiServer } from '../api/server.ts';
import { PlatformActions } from '../cli/operations.ts';
import { prepareTopicsAndSchemas } from '../lib/bootstrap.ts';
import { createClickHouse } from '../lib/clickhouse.ts';
import type { Component } from '../lib/component.ts';
import { loadSettings } from '../lib/config.ts';
import { createKafka, ensureTopics } from '../lib/kafka.ts';
import { createPgPool } from '../lib/postgres.ts';
import type { AvroSerde } from '../lib/serde.ts';
import { type PricingSettings, pricingSettings } from '../processors/pricing/config.ts';
import { createPricingProcessor } from '../processors/pricing/pricing-processor.ts';
import { telemetrySettings } from '../processors/telemetry/config.ts';
import { createTelemetryProcessor } from '../processors/telemetry/telemetry-processor.ts';
import { httpGatewaySettings } from '../producers/http-gateway/config.ts';
import { HttpGateway, type IngestAnswer } from '../producers/http-gateway/http-gateway.ts';
import type { CollectionRun } from '../producers/pricing-collection/run-store.ts';
import { topics } from '../schemas/catalog.ts';
import { createClickHouseSink } from '../sinks/clickhouse/clickhouse-sink.ts';
import { clickhouseSinkSettings } from '../sinks/clickhouse/config.ts';
import { postgresArchiveSettings, postgresSinkSettings } from '../sinks/postgres/config.ts';
import { createPostgresArchiveSink, createPostgresSink } from '../sinks/postgres/postgres-sink.ts';
import { PricingFixtureServer } from './pricing-fixture-server.ts';
import { CollectionHarness, fixtureEnv } from './pricing-support.ts';
import { testApiKey } from './support.ts';

/**
 * The whole pipeline in this process for API contract tests: the HTTP gateway, both processors
 * (new consumer groups placed at the end of the raw topics, writing to private normalized topics),
 * both sinks on those topics, the pricing fixture server with a collection harness, and the API.
 * Data reaches PostgreSQL and ClickHouse only the way production data does.
 */
export class ApiPipeline {
  readonly components: Component[] = [];
  keys: Record<'read' | 'admin' | 'ingest', string> = { read: '', admin: '', ingest: '' };
  private readonly revokes: (() => Promise<void>)[] = [];
  /** The platform's actions the API calls, when started with `operations`. */
  actions?: PlatformActions;
  private makePricingProcessor?: (settings: Partial<PricingSettings>) => Component;

  /** Stops the pricing processor and starts it again, in the same group, with other settings (a fix deployed). */
  async restartPricingProcessor(settings: Partial<PricingSettings>): Promise<void> {
    const running = this.components.find((component) => component.name.startsWith('pricing-processor-'));
    if (!running || !this.makePricingProcessor) throw new Error('no pricing processor runs');
    await running.stop(Date.now() + 10_000);
    const replacement = this.makePricingProcessor(settings);
    await replacement.start();
    this.components.splice(this.components.indexOf(running), 1, replacement);
  }

  private constructor(
    readonly suffix: string,
    readonly kafka: Kafka,
    readonly serde: AvroSerde,
    readonly pool: pg.Pool,
    readonly clickhouse: ClickHouseClient,
    readonly gateway: HttpGateway,
    readonly api: ApiServer,
    readonly fixture: PricingFixtureServer,
    readonly collections: CollectionHarness,
  ) {}

  static async start(
    suffix: string,
    {
      api: apiOverrides = {},
      deps = {},
      beforeProcessors,
      operations = false,
      pricing = {},
    }: {
      api?: Partial<ApiSettings>;
      /** The API's database clients (a test counts their queries). */
      deps?: { pool?: pg.Pool; clickhouse?: ClickHouseClient };
      /**
       * The platform's actions behind the API (collections run as `sluice collect` children against
       * the fixture server), and the raw archive sink (a group of its own placed at the raw topics' ends).
       */
      operations?: boolean;
      /** Settings of the pricing processor (a test leaves a currency's rate out). */
      pricing?: Partial<PricingSettings>;
      /** Runs once the API and the sinks are up, before the processors start (to fill the registry first). */
      beforeProcessors?: (pipeline: ApiPipeline) => Promise<void>;
    } = {},
  ): Promise<ApiPipeline> {
    const kafka = createKafka(`test-api-${suffix}`);
    const serde = await prepareTopicsAndSchemas(kafka);
    const normalized = {
      telemetry: `test.api.${suffix}.normalized.telemetry`,
      pricing: `test.api.${suffix}.normalized.pricing`,
      outcomes: `test.api.${suffix}.ops.pricing.run-outcomes`,
    };
    await ensureTopics(kafka, Object.values(normalized));
    const groups = { telemetry: `test-api-telemetry-${suffix}`, pricing: `test-api-pricing-${suffix}` };
    const admin = kafka.admin();
    await admin.connect();
    try {
      for (const [group, topic] of [
        [groups.telemetry, topics.rawTelemetry.topic],
        [groups.pricing, topics.rawPricing.topic],
      ] as const) {
        const ends = await admin.fetchTopicOffsets(topic);
        await admin.setOffsets({
          groupId: group,
          topic,
          partitions: ends.map(({ partition, high }) => ({ partition, offset: high })),
        });
      }
    } finally {
      await admin.disconnect();
    }
    const pool = createPgPool();
    const clickhouse = createClickHouse();
    const processorNames = (group: string) => ({ groupId: group, transactionalIdPrefix: group, threads: 0 });
    const telemetryProcessor = createTelemetryProcessor({
      settings: {
        ...loadSettings(telemetrySettings),
        ...processorNames(groups.telemetry),
        outputTopic: normalized.telemetry,
        deviceRefreshMs: 300,
      },
      component: `telemetry-processor-${suffix}`,
    });
    const makePricingProcessor = (overrides: Partial<PricingSettings>) =>
      createPricingProcessor({
        settings: {
          ...loadSettings(pricingSettings),
          ...processorNames(groups.pricing),
          outputTopic: normalized.pricing,
          outcomesTopic: normalized.outcomes,
          // the fixture's prices keep their event ids from run to run: the processor forgets what an
          // earlier run of a test delivered (a run takes a minute), not a collection's own records
          dedupeWindowMs: 15_000,
          ...overrides,
        },
        component: `pricing-processor-${suffix}`,
      });
    const pricingProcessor = makePricingProcessor(pricing);
    const postgresSink = createPostgresSink({
      ...loadSettings(postgresSinkSettings),
      groupId: `test-api-sink-postgres-${suffix}`,
      telemetryTopic: normalized.telemetry,
      pricingTopic: normalized.pricing,
      runOutcomesTopic: normalized.outcomes,
      batchMaxWaitMs: 100,
    });
    const clickhouseSink = createClickHouseSink({
      ...loadSettings(clickhouseSinkSettings),
      groupId: `test-api-sink-clickhouse-${suffix}`,
      telemetryTopic: normalized.telemetry,
      pricingTopic: normalized.pricing,
      batchMaxWaitMs: 100,
    });
    const gateway = new HttpGateway({ serde, pool }, { ...loadSettings(httpGatewaySettings), port: 0 });
    const fixture = await PricingFixtureServer.start();
    const actions = operations ? new PlatformActions({ env: fixtureEnv(fixture), kafka }) : undefined;
    const archiveSink = operations
      ? await archiveSinkAtEnd(kafka, pool, `test-api-sink-archive-${suffix}`)
      : undefined;
    const apiDeps: ApiDependencies = {
      // the pipeline is made below; the API asks for its components only once started
      components: () => (operations ? pipeline.components : []),
      overview: async () => ({ generatedAt: '', kafka: { reachable: true }, topics: [], components: [] }),
      ...deps,
      ...(actions ? { operations: { kafka, serde, actions } } : {}),
    };
    const api = new ApiServer(apiDeps, {
      ...loadSettings(apiSettings),
      port: 0,
      validateResponses: true,
      rateLimitPerMinute: 100_000,
      ...apiOverrides,
    });
    const collections = await CollectionHarness.start();
    const pipeline = new ApiPipeline(
      suffix,
      kafka,
      serde,
      pool,
      clickhouse,
      gateway,
      api,
      fixture,
      collections,
    );
    pipeline.actions = actions;
    pipeline.makePricingProcessor = makePricingProcessor;
    for (const role of ['read', 'admin', 'ingest'] as const) {
      const key = await testApiKey(pool, [role]);
      pipeline.keys[role] = key.key;
      pipeline.revokes.push(key.revoke);
    }
    const start = async (component: Component) => {
      await component.start();
      pipeline.components.push(component);
    };
    try {
      for (const component of [api, postgresSink, clickhouseSink, ...(archiveSink ? [archiveSink] : [])])
        await start(component);
      await beforeProcessors?.(pipeline);
      for (const component of [telemetryProcessor, pricingProcessor, gateway]) await start(component);
    } catch (err) {
      await pipeline.stop();
      throw err;
    }
    return pipeline;
  }

  /** Readings in the HTTP gateway's documented shape, POSTed with the ingest key; all must be accepted. */
  async ingest(readings: Record<string, unknown>[]): Promise<IngestAnswer> {
    const response = await fetch(`${this.gateway.url}/v1/ingest/telemetry`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': this.keys.ingest },
      body: JSON.stringify(readings),
    });
    const answer = (await response.json()) as IngestAnswer;
    assert.equal(response.status, 202, JSON.stringify(answer));
    assert.equal(answer.rejected, 0, JSON.stringify(answer.results.filter((r) => r.status === 'rejected')));
    return answer;
  }

  /** A collection of the documented fixtures (Azure in USD, or AWS bulk offer files), run to its end. */
  collect(provider: 'azure' | 'aws', runId: string): Promise<CollectionRun> {
    return this.collections.collect(
      {
        kind: 'new',
        provider,
        runId,
        filters:
          provider === 'azure'
            ? { currencyCode: 'USD' }
            : { source: 'bulk', serviceCode: 'AmazonEC2,AmazonS3' },
      },
      { env: fixtureEnv(this.fixture) },
    );
  }

  /** Polls ClickHouse until `query` (a SELECT of one number `n`) reaches `expected`. */
  async waitForClickHouse(what: string, query: string, expected: number, timeoutMs = 90_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = -1;
    while (Date.now() < deadline) {
      const result = await this.clickhouse.query({ query, format: 'JSONEachRow' });
      const [row] = await result.json<{ n: string | number }>();
      last = Number(row?.n ?? 0);
      if (last >= expected) return;
      await sleep(250);
    }
    throw new Error(`${what}: ${last} of ${expected} after ${timeoutMs} ms`);
  }

  async waitForPostgres(
    what: string,
    query: string,
    values: unknown[],
    expected: number,
    timeoutMs = 90_000,
  ) {
    const deadline = Date.now() + timeoutMs;
    let last = -1;
    while (Date.now() < deadline) {
      const { rows } = await this.pool.query<{ n: string }>(query, values);
      last = Number(rows[0]?.n ?? 0);
      if (last >= expected) return;
      await sleep(250);
    }
    throw new Error(`${what}: ${last} of ${expected} after ${timeoutMs} ms`);
  }

  async stop(): Promise<void> {
    const deadline = Date.now() + 10_000;
    for (const component of [...this.components].reverse()) await component.stop(deadline);
    this.components.length = 0;
    await this.actions?.close();
    for (const revoke of this.revokes) await revoke();
    await this.collections.close();
    await this.fixture.close();
    await this.clickhouse.close();
    await this.pool.end();
  }
}

/** The raw archive sink in a group of its own, starting at the raw topics' ends (sinks keep offsets in PostgreSQL). */
async function archiveSinkAtEnd(kafka: Kafka, pool: pg.Pool, groupId: string): Promise<Component> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    for (const topic of [topics.rawTelemetry.topic, topics.rawPricing.topic]) {
      for (const { partition, high } of await admin.fetchTopicOffsets(topic)) {
        await pool.query(
          'INSERT INTO sink_offsets (consumer_group, topic, partition, next_offset) VALUES ($1, $2, $3, $4)',
          [groupId, topic, partition, high],
        );
      }
    }
  } finally {
    await admin.disconnect();
  }
  return createPostgresArchiveSink({
    ...loadSettings(postgresArchiveSettings),
    groupId,
    batchMaxWaitMs: 100,
  });
}

function ndjsonLines(text: string): unknown[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line));
}

/** The id the OpenAPI document is known by inside ajv, for $refs into it. */
const documentId = 'https://api.sluice.invalid/openapi.json';

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

/**
 * Calls the API and checks every answer against the OpenAPI document the API serves (not the zod
 * schemas behind it): a status, media type or body the document does not describe fails the test.
 * Records which operations were called, so a test can require that every route was.
 */
export class DocumentedClient {
  readonly called = new Set<string>();
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });

  private constructor(
    readonly baseUrl: string,
    readonly document: {
      paths: Record<string, Record<string, { operationId: string; responses: Record<string, unknown> }>>;
    },
  ) {
    addFormats.default(this.ajv);
    this.ajv.addSchema(document as object, documentId);
  }

  static async of(baseUrl: string): Promise<DocumentedClient> {
    const response = await fetch(`${baseUrl}/api/openapi.json`);
    return new DocumentedClient(baseUrl, (await response.json()) as DocumentedClient['document']);
  }

  /** The document's path template and method of a concrete request, if it has one. */
  operationOf(method: string, path: string): { template: string; operationId: string } | undefined {
    for (const [template, operations] of Object.entries(this.document.paths)) {
      const pattern = new RegExp(`^${template.replace(/\{\w+\}/g, '[^/]+')}$`);
      const operation = operations[method.toLowerCase()];
      if (operation && pattern.test(path)) return { template, operationId: operation.operationId };
    }
    return undefined;
  }

  async call(
    method: string,
    pathAndQuery: string,
    { key, body, headers = {} }: { key?: string; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<Answer> {
    const response = await fetch(`${this.baseUrl}${pathAndQuery}`, {
      method,
      headers: {
        ...(key ? { 'x-api-key': key } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    const type = (response.headers.get('content-type') ?? '').split(';')[0] ?? '';
    const json = /^application\/(problem\+)?json$/.test(type) && text ? JSON.parse(text) : undefined;
    const path = new URL(pathAndQuery, this.baseUrl).pathname;
    const operation = this.operationOf(method, path);
    assert.ok(operation, `${method} ${path} is not in the OpenAPI document`);
    this.called.add(operation.operationId);
    if (response.status !== 304) {
      this.check(operation.template, method, response.status, type, json, text);
    }
    return { status: response.status, headers: response.headers, text, json };
  }

  private check(template: string, method: string, status: number, type: string, json: unknown, text: string) {
    const pointer = `/paths/${template.replaceAll('~', '~0').replaceAll('/', '~1')}/${method.toLowerCase()}/responses/${status}`;
    const documented = this.document.paths[template]?.[method.toLowerCase()]?.responses[String(status)] as
      | { content?: Record<string, unknown> }
      | undefined;
    assert.ok(
      documented,
      `${method} ${template} answered ${status}, which its OpenAPI entry does not list: ${text.slice(0, 300)}`,
    );
    assert.ok(
      documented.content?.[type],
      `${method} ${template} answered ${status} as ${type}, which its OpenAPI entry does not list`,
    );
    const validate = this.ajv.getSchema(`${documentId}#${pointer}/content/${type.replace('/', '~1')}/schema`);
    assert.ok(validate, `no schema at ${pointer}`);
    // NDJSON: each line is what the document describes
    const bodies = json !== undefined ? [json] : type === 'application/x-ndjson' ? ndjsonLines(text) : [text];
    for (const body of bodies) {
      assert.ok(
        validate(body),
        `${method} ${template} ${status}: the body does not match the OpenAPI document: ${this.ajv.errorsText(validate.errors)}\n${text.slice(0, 500)}`,
      );
    }
  }
}

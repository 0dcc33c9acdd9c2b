import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import type { ClickHouseClient } from '@clickhouse/client';
import { type DocumentNode, parse, TypeInfo, visit, visitWithTypeInfo } from 'graphql';
import type pg from 'pg';
import { graphqlSchema } from '../api/graphql/graphql-router.ts';
import { createClickHouse } from '../lib/clickhouse.ts';
import { projectRoot } from '../lib/config.ts';
import { createPgPool } from '../lib/postgres.ts';
import { regionTable } from '../schemas/pricing/regions.ts';
import { type Answer, ApiPipeline, DocumentedClient } from './api-support.ts';
import { awsBulkPrices, azureUsdPrices, type ExpectedPrice } from './pricing-expected.ts';
import { PrivateDatabases } from './private-databases.ts';
import { uniqueSuffix } from './support.ts';

const execute = promisify(execFile);

/** A client whose query calls are counted, to see that nested GraphQL fields are batched. */
function counted<T extends object>(target: T, methods: string[], count: () => void): T {
  return new Proxy(target, {
    get(object, property) {
      const value = Reflect.get(object, property, object) as unknown;
      if (typeof value !== 'function') return value;
      if (methods.includes(String(property))) {
        return (...args: unknown[]) => {
          count();
          return (value as (...a: unknown[]) => unknown).apply(object, args);
        };
      }
      return (value as (...a: unknown[]) => unknown).bind(object);
    },
  });
}

interface SentReading {
  deviceId: string;
  metric: string;
  /** In the canonical unit. */
  value: number;
  unit: string;
  time: number;
}

const minute = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();
const isoSeconds = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}Z`;

describe('API contract: every route and GraphQL field over data the pipeline loaded', {
  timeout: 400_000,
}, () => {
  const run = `api${uniqueSuffix()}`;
  const boiler = `${run}-boiler`;
  const pump = `${run}-pump`;
  const meter = `${run}-meter`;
  const north = `${run}-north`;
  const south = `${run}-south`;
  const extras = [1, 2, 3, 4].map((n) => `${run}-spare-${n}`);
  const base = Date.UTC(2026, 10, 20, 10);
  const settledTo = base + 3 * 60 * minute;
  const sent: SentReading[] = [];
  const counts = { postgres: 0, clickhouse: 0 };
  const runId = `test-api-${run}`;
  /** When this file's collection of each provider started. */
  const collectedAt: Record<string, Date> = {};
  let databases: PrivateDatabases | undefined;
  let pool: pg.Pool;
  let clickhouse: ClickHouseClient;
  let pipeline: ApiPipeline;
  let client: DocumentedClient;
  const graphqlDocuments: DocumentNode[] = [];

  const get = (path: string, key = pipeline.keys.read, headers: Record<string, string> = {}) =>
    client.call('GET', path, { key, headers });
  const json = <T>(answer: Answer, status = 200): T => {
    assert.equal(answer.status, status, answer.text.slice(0, 500));
    return answer.json as T;
  };
  const query = (params: Record<string, string | number | (string | number)[]>) => {
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(params)) {
      for (const item of Array.isArray(value) ? value : [value]) search.append(name, String(item));
    }
    return search.toString();
  };

  /** A field of a GraphQL answer that has no errors. */
  function fieldOf<T>(answer: { data?: Record<string, unknown>; errors?: unknown }, field: string): T {
    assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
    return answer.data?.[field] as T;
  }

  async function graphql(
    text: string,
    variables: Record<string, unknown> = {},
    key = pipeline.keys.read,
  ): Promise<{
    status: number;
    data?: Record<string, unknown>;
    errors?: { message: string; extensions?: Record<string, unknown> }[];
  }> {
    graphqlDocuments.push(parse(text));
    const response = await fetch(`${pipeline.api.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json',
        'x-api-key': key,
      },
      body: JSON.stringify({ query: text, variables }),
    });
    return { status: response.status, ...((await response.json()) as object) };
  }

  before(async () => {
    // databases of the file's own: the lists and rankings below are exactly the fixtures', whatever
    // else the stack holds (this file's process is the only one reading process.env)
    databases = await PrivateDatabases.create(`sluice_${run}`);
    Object.assign(process.env, databases.env);
    pool = counted(createPgPool(), ['query'], () => {
      counts.postgres += 1;
    });
    clickhouse = counted(createClickHouse(), ['query', 'exec'], () => {
      counts.clickhouse += 1;
    });
    pipeline = await ApiPipeline.start(run, {
      // keys verified once for the whole file, so query counts below are the answers' own
      api: { apiKeyCacheMs: 3_600_000 },
      deps: { pool, clickhouse },
      beforeProcessors: async (started) => {
        client = await DocumentedClient.of(started.api.url);
        // the registry is filled through the API before the processor loads it
        const created = await client.call('PUT', `/api/v1/devices/${boiler}`, {
          key: started.keys.admin,
          body: { siteId: north, siteName: 'North Plant', deviceType: 'boiler', tags: { line: 'A' } },
        });
        assert.equal(created.status, 201, created.text);
        for (const spare of extras) {
          const answer = await client.call('PUT', `/api/v1/devices/${spare}`, {
            key: started.keys.admin,
            body: { siteId: south, deviceType: 'spare' },
          });
          assert.equal(answer.status, 201, answer.text);
        }
      },
    });
    const readings: Record<string, unknown>[] = [];
    const add = (
      deviceId: string,
      metric: string,
      value: number,
      unit: string,
      time: number,
      siteId?: string,
    ) => {
      readings.push({ deviceId, ...(siteId ? { siteId } : {}), metric, value, unit, ts: iso(time) });
    };
    for (let m = 0; m < 120; m++) {
      const time = base + m * minute + 15_000;
      add(boiler, 'temperature', 20 + (m % 10), 'degC', time);
      add(boiler, 'pressure', 100 + m, 'kPa', time);
      add(pump, 'temperature', 30 + (m % 5) / 4, 'degC', time, south);
      sent.push(
        { deviceId: boiler, metric: 'temperature', value: 20 + (m % 10), unit: 'degC', time },
        { deviceId: boiler, metric: 'pressure', value: 100 + m, unit: 'kPa', time },
        { deviceId: pump, metric: 'temperature', value: 30 + (m % 5) / 4, unit: 'degC', time },
      );
    }
    // the boiler's last temperature comes in °F: the API shows it converted, with what was sent
    add(boiler, 'Temp_F', 212, 'degF', base + 120 * minute + 15_000);
    sent.push({
      deviceId: boiler,
      metric: 'temperature',
      value: 100,
      unit: 'degC',
      time: base + 120 * minute + 15_000,
    });
    const now = Date.now();
    for (let k = 3; k >= 1; k--) add(meter, 'energy', 1000 + k, 'kWh', now - k * minute, south);
    await pipeline.ingest(readings);
    await pipeline.waitForClickHouse(
      'readings in ClickHouse',
      `SELECT count() AS n FROM telemetry_readings FINAL WHERE device_id IN ('${boiler}', '${pump}', '${meter}')`,
      readings.length,
    );
    for (const [provider, id] of [
      ['azure', runId],
      ['aws', `${runId}-aws`],
    ] as const) {
      const collected = await pipeline.collect(provider, id);
      assert.equal(collected.status, 'succeeded', collected.error ?? '');
      collectedAt[provider] = collected.startedAt;
    }
    const skus = [...azureUsdPrices, ...awsBulkPrices].map((price) => price.sku);
    await pipeline.waitForPostgres(
      'fixture prices in PostgreSQL',
      `SELECT count(DISTINCT sku) AS n FROM pricing_current WHERE sku = ANY($1::text[]) AND original_currency = 'USD'`,
      [skus],
      new Set(skus).size,
    );
  });

  after(async () => {
    await pipeline?.stop();
    await pool?.end();
    await clickhouse?.close();
    await databases?.drop();
  });

  describe('GET /api/v1/telemetry/readings', () => {
    type Page = { data: Record<string, unknown>[]; page: { limit: number; next: string | null } };

    it('pages through every reading of a settled range with next links, in key order, values as sent', async () => {
      const seen: Record<string, unknown>[] = [];
      let path: string | null =
        `/api/v1/telemetry/readings?${query({ device: [boiler, pump], from: iso(base), to: iso(settledTo), limit: 50 })}`;
      let pages = 0;
      while (path) {
        const answer = await get(path);
        const page = json<Page>(answer);
        assert.ok(page.data.length <= 50);
        if (page.page.next) assert.equal(answer.headers.get('link'), `<${page.page.next}>; rel="next"`);
        seen.push(...page.data);
        path = page.page.next;
        pages += 1;
      }
      assert.equal(seen.length, sent.length);
      assert.equal(pages, Math.ceil(sent.length / 50));
      assert.equal(new Set(seen.map((r) => r.eventId)).size, sent.length, 'no reading twice');
      const key = (r: { deviceId: unknown; metric: unknown; time: number }) =>
        `${r.deviceId}|${r.metric}|${r.time}`;
      const expected = new Map(sent.map((r) => [key(r), r]));
      for (const reading of seen) {
        const match = expected.get(
          key({
            deviceId: reading.deviceId,
            metric: reading.metric,
            time: Date.parse(String(reading.sourceTime)),
          }),
        );
        assert.ok(match, `unexpected reading ${JSON.stringify(reading)}`);
        assert.equal(reading.value, match.value);
        assert.equal(reading.unit, match.unit);
      }
      const order = seen.map((r) => `${r.deviceId}|${r.metric}|${String(r.sourceTime)}`);
      assert.deepEqual(order, [...order].sort(), 'ordered by device, metric and time');
    });

    it('shows enrichment and quality as the processor set them, and conversions with the original value', async () => {
      const page = json<Page>(
        await get(
          `/api/v1/telemetry/readings?${query({ device: boiler, metric: 'temperature', from: iso(base + 120 * minute), to: iso(settledTo) })}`,
        ),
      );
      assert.equal(page.data.length, 1);
      assert.deepEqual(
        {
          ...page.data[0],
          eventId: undefined,
          receivedAt: undefined,
          traceId: undefined,
          qualityScore: undefined,
          qualityLevel: undefined,
        },
        {
          eventId: undefined,
          source: 'http',
          deviceId: boiler,
          siteId: north,
          metric: 'temperature',
          value: 100,
          unit: 'degC',
          originalValue: 212,
          originalUnit: 'degF',
          sourceTime: iso(base + 120 * minute + 15_000),
          receivedAt: undefined,
          qualityLevel: undefined,
          qualityScore: undefined,
          qualityFlags: ['stale'],
          siteName: 'North Plant',
          deviceType: 'boiler',
          traceId: undefined,
        },
      );
      const unknown = json<Page>(
        await get(
          `/api/v1/telemetry/readings?${query({ device: pump, from: iso(base), to: iso(base + minute) })}`,
        ),
      );
      assert.equal(unknown.data.length, 1);
      assert.equal(unknown.data[0]?.siteId, south);
      assert.equal(unknown.data[0]?.siteName, null);
      assert.deepEqual(unknown.data[0]?.qualityFlags, ['stale', 'unknown_device']);
    });

    it('filters by site, metric, time range, quality flag and quality level', async () => {
      const range = { from: iso(base), to: iso(settledTo), limit: 1000 };
      const bySite = json<Page>(
        await get(`/api/v1/telemetry/readings?${query({ ...range, site: north, device: [boiler, pump] })}`),
      );
      assert.equal(bySite.data.length, 241);
      assert.ok(bySite.data.every((r) => r.deviceId === boiler));
      const byMetric = json<Page>(
        await get(
          `/api/v1/telemetry/readings?${query({ ...range, device: [boiler, pump], metric: 'pressure' })}`,
        ),
      );
      assert.equal(byMetric.data.length, 120);
      const window = json<Page>(
        await get(
          `/api/v1/telemetry/readings?${query({ device: [boiler, pump], from: iso(base + 10 * minute), to: iso(base + 20 * minute) })}`,
        ),
      );
      assert.equal(window.data.length, 30);
      assert.ok(window.data.every((r) => Date.parse(String(r.sourceTime)) >= base + 10 * minute));
      const flagged = json<Page>(
        await get(
          `/api/v1/telemetry/readings?${query({ ...range, device: [boiler, pump], flag: 'unknown_device' })}`,
        ),
      );
      assert.equal(flagged.data.length, 120);
      assert.ok(flagged.data.every((r) => r.deviceId === pump));
      const level = String(flagged.data[0]?.qualityLevel);
      const byLevel = json<Page>(
        await get(`/api/v1/telemetry/readings?${query({ ...range, device: pump, quality: level })}`),
      );
      assert.equal(byLevel.data.length, 120);
      const other = ['measured', 'estimated', 'rough'].filter((l) => l !== level);
      const none = json<Page>(
        await get(`/api/v1/telemetry/readings?${query({ ...range, device: pump, quality: other })}`),
      );
      assert.equal(none.data.length, 0);
    });

    it('marks a settled range cacheable with an ETag (304 when unchanged) and keeps it, an open one to revalidate', async () => {
      const path = `/api/v1/telemetry/readings?${query({ device: boiler, from: iso(base), to: iso(base + minute) })}`;
      const first = await get(path);
      assert.equal(first.status, 200);
      assert.equal(first.headers.get('cache-control'), 'private, max-age=86400, immutable');
      const etag = first.headers.get('etag');
      assert.ok(etag);
      // fetch() would add Cache-Control: no-cache to a conditional request, which forbids a 304
      const again = await get(path, pipeline.keys.read, {
        'if-none-match': etag,
        'cache-control': 'max-age=0',
      });
      assert.equal(again.status, 304);
      // the API kept the settled answer: asked again, it answers without ClickHouse
      counts.clickhouse = 0;
      const kept = await get(path);
      assert.deepEqual([kept.status, kept.headers.get('etag'), kept.text], [200, etag, first.text]);
      assert.equal(counts.clickhouse, 0);
      const open = await get(`/api/v1/telemetry/readings?${query({ device: meter })}`);
      assert.equal(json<Page>(open).data.length, 3);
      assert.equal(open.headers.get('cache-control'), 'private, no-cache');
    });

    it('streams the same readings as NDJSON and as CSV', async () => {
      const filter = { device: [boiler, pump], from: iso(base), to: iso(settledTo) };
      const pages: Record<string, unknown>[] = [];
      let path: string | null = `/api/v1/telemetry/readings?${query({ ...filter, limit: 1000 })}`;
      while (path) {
        const page: Page = json<Page>(await get(path));
        pages.push(...page.data);
        path = page.page.next;
      }
      const ndjson = await get(`/api/v1/telemetry/readings?${query(filter)}`, pipeline.keys.read, {
        accept: 'application/x-ndjson',
      });
      assert.equal(ndjson.status, 200);
      assert.equal(ndjson.headers.get('content-type'), 'application/x-ndjson');
      const lines = ndjson.text
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line));
      // an export comes in storage order: the same readings as the pages, not sorted
      const byId = (a: Record<string, unknown>, b: Record<string, unknown>) =>
        String(a.eventId).localeCompare(String(b.eventId));
      assert.deepEqual(lines.sort(byId), [...pages].sort(byId));
      const csv = await get(`/api/v1/telemetry/readings?${query(filter)}`, pipeline.keys.read, {
        accept: 'text/csv',
      });
      assert.equal(csv.status, 200);
      const rows = csv.text.trim().split('\n');
      assert.equal(rows.length, sent.length + 1);
      assert.equal(
        rows[0],
        '"eventId","source","deviceId","siteId","metric","value","unit","originalValue","originalUnit","sourceTime","receivedAt","qualityLevel","qualityScore","qualityFlags","siteName","deviceType","traceId"',
      );
      const first = pages[0] as Record<string, unknown>;
      const row = rows.find((line) => line.startsWith(`"${first.eventId}",`));
      assert.ok(
        row?.startsWith(
          `"${first.eventId}","http","${first.deviceId}","${first.siteId}","${first.metric}",${first.value},`,
        ),
        row,
      );
      const limited = await get(
        `/api/v1/telemetry/readings?${query({ ...filter, limit: 5 })}`,
        pipeline.keys.read,
        {
          accept: 'application/x-ndjson',
        },
      );
      assert.equal(limited.text.trim().split('\n').length, 5);
      assert.equal(limited.headers.get('x-export-max-rows'), '5');
    });

    it('answers 406 for a media type it does not have, with the request id it was given', async () => {
      const answer = await get(`/api/v1/telemetry/readings?device=${boiler}`, pipeline.keys.read, {
        accept: 'application/xml',
        'x-request-id': `req-${run}`,
      });
      assert.equal(answer.status, 406);
      assert.equal(answer.headers.get('x-request-id'), `req-${run}`);
      assert.equal((answer.json as { requestId: string }).requestId, `req-${run}`);
    });
  });

  describe('GET /api/v1/telemetry/aggregates', () => {
    type Aggregates = {
      series: { deviceId: string; metric: string; unit: string; points: Record<string, number | string>[] }[];
    };
    const bucketOf = (time: number, size: number) => Math.floor(time / size) * size;

    function expected(size: number, from: number, to: number) {
      const series = new Map<string, Map<number, SentReading[]>>();
      for (const reading of sent) {
        if (reading.time < from || reading.time >= to) continue;
        const name = `${reading.deviceId}|${reading.metric}|${reading.unit}`;
        const buckets = series.get(name) ?? new Map<number, SentReading[]>();
        const bucket = bucketOf(reading.time, size);
        buckets.set(bucket, [...(buckets.get(bucket) ?? []), reading]);
        series.set(name, buckets);
      }
      return [...series.entries()].sort().map(([name, buckets]) => {
        const [deviceId, metric, unit] = name.split('|');
        return {
          deviceId,
          metric,
          unit,
          points: [...buckets.entries()]
            .sort(([a], [b]) => a - b)
            .map(([bucket, readings]) => {
              const values = readings.map((r) => r.value);
              return {
                bucket: isoSeconds(bucket),
                count: values.length,
                min: Math.min(...values),
                max: Math.max(...values),
                avg: values.reduce((sum, v) => sum + v, 0) / values.length,
                last: readings.reduce((latest, r) => (r.time > latest.time ? r : latest)).value,
              };
            }),
        };
      });
    }

    function assertClose(actual: Aggregates['series'], wanted: ReturnType<typeof expected>) {
      assert.equal(actual.length, wanted.length);
      actual.forEach((series, i) => {
        const want = wanted[i] as (typeof wanted)[number];
        assert.deepEqual(
          [series.deviceId, series.metric, series.unit],
          [want.deviceId, want.metric, want.unit],
        );
        assert.equal(series.points.length, want.points.length);
        series.points.forEach((point, j) => {
          const w = want.points[j] as Record<string, number | string>;
          assert.equal(point.bucket, w.bucket);
          for (const field of ['count', 'min', 'max', 'last'])
            assert.equal(point[field], w[field], `${field} at ${w.bucket}`);
          assert.ok(Math.abs(Number(point.avg) - Number(w.avg)) < 1e-9, `avg at ${w.bucket}`);
        });
      });
    }

    for (const [granularity, size] of [
      ['minute', minute],
      ['hour', 60 * minute],
      ['day', 24 * 60 * minute],
    ] as const) {
      it(`gives count, min, max, avg and last per ${granularity} for several devices and metrics at once`, async () => {
        const from = granularity === 'day' ? Date.UTC(2026, 10, 20) : base;
        const to = granularity === 'day' ? Date.UTC(2026, 10, 21) : settledTo;
        const raw = await get(
          `/api/v1/telemetry/aggregates?${query({ device: [boiler, pump], metric: ['temperature', 'pressure'], granularity, from: iso(from), to: iso(to) })}`,
        );
        const answer = json<Aggregates>(raw);
        assertClose(answer.series, expected(size, from, to));
        // fetch() asks for gzip, as browsers do: answers of a KiB or more come compressed
        if (raw.text.length >= 1024) assert.equal(raw.headers.get('content-encoding'), 'gzip');
      });
    }

    it('refuses a request for more points than the limit allows', async () => {
      const answer = await get(
        `/api/v1/telemetry/aggregates?${query({ device: [boiler, pump], granularity: 'minute', from: '2026-01-01T00:00:00Z', to: '2026-12-01T00:00:00Z' })}`,
      );
      assert.equal(answer.status, 400);
      assert.match(String((answer.json as { detail: string }).detail), /at most|exceed/);
    });
  });

  describe('GET /api/v1/telemetry/latest', () => {
    type Page = { data: Record<string, unknown>[]; page: { next: string | null } };

    it('gives the last reading of each device and metric, page by page', async () => {
      const all: Record<string, unknown>[] = [];
      let path: string | null =
        `/api/v1/telemetry/latest?${query({ device: [boiler, pump, meter], limit: 1 })}`;
      while (path) {
        const page: Page = json<Page>(await get(path));
        assert.ok(page.data.length <= 1);
        all.push(...page.data);
        path = page.page.next;
      }
      assert.deepEqual(
        all.map((r) => [r.deviceId, r.metric, r.value]),
        [
          [boiler, 'pressure', 219],
          [boiler, 'temperature', 100],
          [meter, 'energy', 1001],
          [pump, 'temperature', 30 + (119 % 5) / 4],
        ],
      );
    });
  });

  describe('the device registry', () => {
    type Device = Record<string, unknown> & { tags: Record<string, string> };

    it('GET lists entries by site, type and prefix, page by page; GET one; 404 for none', async () => {
      const spares = json<{ data: Device[]; page: { next: string | null } }>(
        await get(`/api/v1/devices?${query({ site: south, type: 'spare', prefix: run, limit: 3 })}`),
      );
      assert.deepEqual(
        spares.data.map((d) => d.deviceId),
        extras.slice(0, 3),
      );
      assert.ok(spares.page.next);
      const rest = json<{ data: Device[]; page: { next: string | null } }>(await get(spares.page.next));
      assert.deepEqual(
        rest.data.map((d) => d.deviceId),
        extras.slice(3),
      );
      assert.equal(rest.page.next, null);
      const one = json<Device>(await get(`/api/v1/devices/${boiler}`));
      assert.equal(one.siteName, 'North Plant');
      assert.deepEqual(one.tags, { line: 'A' });
      const missing = await get(`/api/v1/devices/${run}-nothing`);
      assert.equal(missing.status, 404);
    });

    it('PUT replaces a whole entry (fields left out are cleared), PATCH changes only what it names', async () => {
      const spare = extras[3] as string;
      const replaced = await client.call('PUT', `/api/v1/devices/${spare}`, {
        key: pipeline.keys.admin,
        body: { deviceType: 'spare-2', latitude: 52.5, tags: { a: '1', b: '2' } },
      });
      const device = json<Device>(replaced);
      assert.equal(device.siteId, null);
      assert.equal(device.latitude, 52.5);
      const patched = json<Device>(
        await client.call('PATCH', `/api/v1/devices/${spare}`, {
          key: pipeline.keys.admin,
          body: { siteName: 'Depot', latitude: null, tags: { a: null, c: '3' } },
          headers: { 'content-type': 'application/merge-patch+json' },
        }),
      );
      assert.deepEqual(
        {
          siteName: patched.siteName,
          latitude: patched.latitude,
          deviceType: patched.deviceType,
          tags: patched.tags,
        },
        { siteName: 'Depot', latitude: null, deviceType: 'spare-2', tags: { b: '2', c: '3' } },
      );
      // a Sparkplug B device id (group/edge node/device) travels encoded in the path
      const sparkplug = `sparkplug-${run}/edge-1/pump`;
      const path = `/api/v1/devices/${encodeURIComponent(sparkplug)}`;
      assert.equal(
        (await client.call('PUT', path, { key: pipeline.keys.admin, body: { deviceType: 'pump' } })).status,
        201,
      );
      assert.equal(json<Device>(await get(path)).deviceId, sparkplug);
      const missing = await client.call('PATCH', `/api/v1/devices/${run}-nothing`, {
        key: pipeline.keys.admin,
        body: {},
      });
      assert.equal(missing.status, 404);
    });

    it('a change reaches the running processor: readings processed after it carry the new entry', async () => {
      const patched = await client.call('PATCH', `/api/v1/devices/${boiler}`, {
        key: pipeline.keys.admin,
        body: { deviceType: 'boiler-mk2' },
      });
      assert.equal(patched.status, 200);
      const probeFrom = Date.now() - 1000;
      const deadline = Date.now() + 60_000;
      let seen: string | undefined;
      for (let i = 0; Date.now() < deadline && seen !== 'boiler-mk2'; i++) {
        await pipeline.ingest([
          { deviceId: boiler, metric: 'power', value: i, unit: 'kW', ts: iso(Date.now()) },
        ]);
        await sleep(500);
        const page = json<{ data: Record<string, unknown>[] }>(
          await get(
            `/api/v1/telemetry/readings?${query({ device: boiler, metric: 'power', from: iso(probeFrom) })}`,
          ),
        );
        seen = page.data.map((r) => String(r.deviceType)).find((type) => type === 'boiler-mk2');
      }
      assert.equal(seen, 'boiler-mk2', 'the processor did not pick up the change within 60 s');
      const earlier = json<{ data: Record<string, unknown>[] }>(
        await get(
          `/api/v1/telemetry/readings?${query({ device: boiler, from: iso(base), to: iso(base + minute) })}`,
        ),
      );
      assert.ok(
        earlier.data.every((r) => r.deviceType === 'boiler'),
        'readings already stored keep what they had',
      );
    });
  });

  describe('GET /api/v1/pricing/runs', () => {
    it('lists the collection run with its counts', async () => {
      const page = json<{ data: Record<string, unknown>[] }>(
        await get('/api/v1/pricing/runs?provider=azure&limit=1000'),
      );
      const found = page.data.find((r) => r.runId === runId);
      assert.ok(found, `run ${runId} not listed`);
      assert.equal(found.status, 'succeeded');
      assert.deepEqual([found.pages, found.items, found.published, found.failed], [2, 19, 19, 0]);
      assert.deepEqual(found.filters, { currencyCode: 'USD' });
      // what the processor made of its 19 events: 18 prices and page 2's repeat of page 1's last item,
      // or, when an earlier run already brought these prices, 19 already known
      const processing = found.processing as Record<string, number | unknown[]>;
      assert.equal(Number(processing.normalized) + Number(processing.duplicates), 19);
      assert.deepEqual([processing.deadLettered, processing.deadLetterReasons], [0, []]);
      const succeeded = json<{ data: Record<string, unknown>[] }>(
        await get('/api/v1/pricing/runs?status=failed&limit=5'),
      );
      assert.ok(succeeded.data.every((r) => r.status === 'failed'));
    });
  });

  describe('prices', () => {
    type Price = Record<string, unknown> & { id: string; sku: string; pricePerUnitUsd: string };
    type Page = { data: Price[]; page: { limit: number; next: string | null } };
    const expected = [...azureUsdPrices, ...awsBulkPrices];
    const expectedBySku = new Map(expected.map((price) => [price.sku, price]));
    const asExpected = (price: Price): ExpectedPrice => ({
      provider: price.provider as ExpectedPrice['provider'],
      sku: price.sku,
      currency: String(price.currency),
      region: String(price.region),
      category: price.category as ExpectedPrice['category'],
      priceType: price.priceType as ExpectedPrice['priceType'],
      term: price.term as string | null,
      purchaseOption: price.purchaseOption as string | null,
      unit: String(price.unit),
      pricePerUnitUsd: price.pricePerUnitUsd,
      tierStart: Number(price.tierStart),
    });
    const cheapestFirst = (prices: Price[]) =>
      prices.every(
        (price, i) => i === 0 || Number(prices[i - 1]?.pricePerUnitUsd) <= Number(price.pricePerUnitUsd),
      );

    async function allPages(path: string): Promise<Price[]> {
      const prices: Price[] = [];
      let next: string | null = path;
      while (next) {
        const page: Page = json<Page>(await get(next));
        prices.push(...page.data);
        next = page.page.next;
      }
      return prices;
    }

    it('GET /api/v1/prices: every fixture price the collections loaded, with its values, page by page', async () => {
      const listed = await allPages(
        `/api/v1/prices?${query({ sku: [...expectedBySku.keys()], currency: 'USD', limit: 7 })}`,
      );
      const bySku = (a: ExpectedPrice, b: ExpectedPrice) => a.sku.localeCompare(b.sku);
      assert.deepEqual(listed.map(asExpected).sort(bySku), [...expected].sort(bySku));
      assert.ok(listed.every((price) => price.effectiveTo === null));
      const kinds = listed.map((p) => [p.category, p.region, p.unit, p.priceType, p.provider].join('|'));
      assert.deepEqual(kinds, [...kinds].sort(), 'ordered by kind, then provider');
    });

    it('filters by provider, category, region, type, purchase option, unit and attributes', async () => {
      const reserved = json<Page>(
        await get(
          `/api/v1/prices?${query({ provider: 'aws', region: 'us-virginia', priceType: 'reservation', purchaseOption: 'Partial Upfront', limit: 1000 })}`,
        ),
      ).data;
      assert.ok(reserved.length >= 2);
      assert.ok(reserved.every((p) => p.provider === 'aws' && p.priceType === 'reservation'));
      assert.ok(reserved.every((p) => p.purchaseOption === 'Partial Upfront' && p.region === 'us-virginia'));
      const sized = json<Page>(
        await get(
          `/api/v1/prices?${query({ category: 'COMPUTE_WEB', region: 'us-virginia', minVcpu: 2, limit: 1000 })}`,
        ),
      ).data;
      assert.ok(sized.length > 0);
      assert.ok(sized.every((p) => Number(p.vcpu) >= 2));
      const tooBig = json<Page>(
        await get(`/api/v1/prices?${query({ sku: [...expectedBySku.keys()], minVcpu: 64 })}`),
      ).data;
      assert.deepEqual(tooBig, [], 'no fixture instance has 64 vCPUs');
      const types = [...new Set(sized.map((p) => String(p.instanceType)))];
      const byType = json<Page>(
        await get(`/api/v1/prices?${query({ instanceType: types, limit: 1000 })}`),
      ).data;
      assert.ok(byType.every((p) => types.includes(String(p.instanceType))));
    });

    it('GET /api/v1/prices/compare: each provider’s cheapest of one kind, in one region and unit', async () => {
      const answer = json<{ regionName: string; providers: { provider: string; prices: Price[] }[] }>(
        await get(
          `/api/v1/prices/compare?${query({ category: 'COMPUTE_WEB', region: 'us-virginia', unit: 'hour', limit: 50 })}`,
        ),
      );
      assert.equal(answer.regionName, 'Virginia, US');
      assert.deepEqual(
        answer.providers.map((p) => p.provider),
        ['aws', 'azure'],
      );
      for (const { provider, prices } of answer.providers) {
        assert.ok(cheapestFirst(prices), provider);
        assert.ok(prices.every((p) => p.provider === provider && p.priceType === 'on_demand'));
        assert.ok(
          prices.every(
            (p) => p.category === 'COMPUTE_WEB' && p.region === 'us-virginia' && p.unit === 'hour',
          ),
        );
        const fixture = expected.filter(
          (e) =>
            e.provider === provider &&
            e.region === 'us-virginia' &&
            e.unit === 'hour' &&
            e.priceType === 'on_demand' &&
            e.category === 'COMPUTE_WEB',
        );
        assert.ok(fixture.length > 0);
        for (const price of fixture) {
          const found = prices.find((p) => p.sku === price.sku);
          assert.equal(found?.pricePerUnitUsd, price.pricePerUnitUsd, `${provider} ${price.sku}`);
        }
      }
      const narrowed = json<{ providers: { provider: string; prices: Price[] }[] }>(
        await get(
          `/api/v1/prices/compare?${query({ category: 'COMPUTE_WEB', region: 'us-virginia', unit: 'hour', provider: 'aws', priceType: 'reservation', term: '1 Year', limit: 1 })}`,
        ),
      );
      assert.equal(narrowed.providers.length, 1);
      assert.equal(narrowed.providers[0]?.prices.length, 1);
      assert.equal(narrowed.providers[0]?.prices[0]?.term, '1 Year');
    });

    it('GET /api/v1/prices/cheapest: the N cheapest over every provider, at least the spec asked', async () => {
      const kind = { category: 'COMPUTE_WEB', region: 'us-virginia', unit: 'hour' };
      const all = json<{ prices: Price[] }>(
        await get(`/api/v1/prices/cheapest?${query({ ...kind, limit: 1000 })}`),
      ).prices;
      const three = json<{ prices: Price[] }>(
        await get(`/api/v1/prices/cheapest?${query({ ...kind, limit: 3 })}`),
      ).prices;
      assert.ok(cheapestFirst(all));
      assert.deepEqual(
        three.map((p) => p.id),
        all.slice(0, 3).map((p) => p.id),
      );
      assert.deepEqual(new Set(all.map((p) => p.provider)), new Set(['aws', 'azure']));
      const big = json<{ prices: Price[] }>(
        await get(`/api/v1/prices/cheapest?${query({ ...kind, minVcpu: 2, minMemoryGib: 8, limit: 5 })}`),
      ).prices;
      assert.ok(big.length > 0);
      // Azure lists no vCPUs: only prices that list them can meet a minimum
      assert.ok(big.every((p) => Number(p.vcpu) >= 2 && Number(p.memoryGib) >= 8 && p.provider === 'aws'));
    });

    it('keeps answers over current prices until a statement on pricing_prices commits', async () => {
      const path = `/api/v1/prices/compare?${query({ category: 'COMPUTE_WEB', region: 'us-virginia', unit: 'hour' })}`;
      const first = await get(path);
      assert.equal(first.headers.get('cache-control'), 'private, no-cache');
      counts.postgres = 0;
      const kept = await get(path);
      assert.deepEqual([kept.headers.get('etag'), kept.text], [first.headers.get('etag'), first.text]);
      assert.equal(counts.postgres, 0, 'a kept answer costs no query');
      // a statement changing no row still fires the trigger: the notification comes after its commit
      await pipeline.pool.query('UPDATE pricing_prices SET effective_to = effective_to WHERE false');
      let queried = 0;
      for (let attempt = 0; attempt < 100 && queried === 0; attempt++) {
        counts.postgres = 0;
        const again = await get(path);
        assert.equal(again.text, first.text);
        queried = counts.postgres;
        if (queried === 0) await sleep(50);
      }
      assert.equal(queried, 1, 'after the change, the comparison is read again');
    });

    it('GET /api/v1/prices/{id}/history: every version of the price, oldest first; 404 for none', async () => {
      const [one] = json<Page>(
        await get(`/api/v1/prices?${query({ sku: azureUsdPrices[0]?.sku ?? '', currency: 'USD' })}`),
      ).data;
      assert.ok(one);
      const history = json<{ id: string; versions: Price[] }>(await get(`/api/v1/prices/${one.id}/history`));
      assert.equal(history.id, one.id);
      assert.ok(history.versions.some((version) => version.id === one.id));
      assert.ok(history.versions.every((version) => version.sku === one.sku && version.currency === 'USD'));
      const starts = history.versions.map((version) => String(version.effectiveFrom));
      assert.deepEqual(starts, [...starts].sort());
      assert.equal(history.versions.at(-1)?.effectiveTo, null);
      assert.equal((await get('/api/v1/prices/nope/history')).status, 404);
    });

    it('GET /api/v1/providers, /categories, /regions: the providers with their last run, the 13 categories, the region table', async () => {
      const providers = json<{
        data: { id: string; regions: number; lastRun: { startedAt: string } | null }[];
      }>(await get('/api/v1/providers')).data;
      assert.deepEqual(
        providers.map((p) => [p.id, p.regions]),
        (['aws', 'azure'] as const).map((id) => [id, regionTable.filter((r) => r[id].length > 0).length]),
      );
      // the latest run: this file's collection or one started after it (other tests collect too)
      for (const { id, lastRun } of providers) {
        assert.ok(lastRun && Date.parse(lastRun.startedAt) >= Number(collectedAt[id]), id);
      }
      const categories = json<{ data: { id: string; name: string }[] }>(await get('/api/v1/categories')).data;
      assert.equal(categories.length, 13);
      assert.deepEqual(
        categories.find((c) => c.id === 'COMPUTE_WEB'),
        { id: 'COMPUTE_WEB', name: 'Compute & Web' },
      );
      const regions = json<{ data: { id: string; providers: { aws: unknown[]; azure: unknown[] } }[] }>(
        await get('/api/v1/regions'),
      ).data;
      assert.deepEqual(
        regions.map((r) => [r.id, r.providers.aws, r.providers.azure]),
        regionTable.map((r) => [r.id, r.aws, r.azure]),
      );
      const german = json<{ data: { id: string }[] }>(
        await get('/api/v1/regions?provider=aws&country=DE'),
      ).data;
      assert.deepEqual(
        german.map((r) => r.id),
        regionTable.filter((r) => r.country === 'DE' && r.aws.length > 0).map((r) => r.id),
      );
    });
  });

  describe('GET /api/v1/overview', () => {
    it('answers without credentials', async () => {
      json(await client.call('GET', '/api/v1/overview'));
    });
  });

  describe('GraphQL', () => {
    it('readings, with each reading’s device batched into one registry query', async () => {
      const rest = json<{ data: Record<string, unknown>[] }>(
        await get(
          `/api/v1/telemetry/readings?${query({ device: [boiler, pump], from: iso(base), to: iso(base + 5 * minute) })}`,
        ),
      );
      counts.postgres = 0;
      counts.clickhouse = 0;
      const answer = await graphql(
        `query ($device: [String!], $from: String, $to: String) {
          readings(device: $device, from: $from, to: $to, limit: 100) {
            data { eventId source deviceId siteId metric value unit originalValue originalUnit sourceTime receivedAt
                   qualityLevel qualityScore qualityFlags siteName deviceType traceId device { deviceId siteName } }
            next
          }
        }`,
        { device: [boiler, pump], from: iso(base), to: iso(base + 5 * minute) },
      );
      assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
      const readings = fieldOf<{ data: Record<string, unknown>[] }>(answer, 'readings').data;
      assert.deepEqual(
        readings.map(({ device: _device, ...reading }) => reading),
        rest.data,
      );
      assert.deepEqual([...new Set(readings.map((r) => JSON.stringify(r.device)))].sort(), [
        'null',
        JSON.stringify({ deviceId: boiler, siteName: 'North Plant' }),
      ]);
      assert.deepEqual(counts, { postgres: 1, clickhouse: 1 }, 'one query per level');
    });

    it('devices with their latest readings, tags and aggregates: one query per level, whatever the number of devices', async () => {
      counts.postgres = 0;
      counts.clickhouse = 0;
      const answer = await graphql(
        `query ($prefix: String, $from: String, $to: String) {
          devices(prefix: $prefix, limit: 10) {
            data {
              deviceId siteId siteName deviceType latitude longitude expectedUnit createdAt updatedAt
              tags { key value }
              latest(metric: ["temperature", "pressure"]) { metric value }
              aggregates(granularity: hour, from: $from, to: $to) { deviceId metric unit points { bucket count min max avg last } device { deviceId } }
            }
            next
          }
        }`,
        { prefix: run, from: iso(base), to: iso(settledTo) },
      );
      assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
      const devices = fieldOf<{ data: Record<string, unknown>[] }>(answer, 'devices').data;
      assert.deepEqual(
        devices.map((d) => d.deviceId),
        [boiler, ...extras],
      );
      const first = devices[0] as Record<string, unknown>;
      assert.deepEqual(first.tags, [{ key: 'line', value: 'A' }]);
      assert.deepEqual(first.latest, [
        { metric: 'pressure', value: 219 },
        { metric: 'temperature', value: 100 },
      ]);
      const hourly = json<{ series: unknown[] }>(
        await get(
          `/api/v1/telemetry/aggregates?${query({ device: boiler, granularity: 'hour', from: iso(base), to: iso(settledTo) })}`,
        ),
      );
      assert.deepEqual(
        (first.aggregates as Record<string, unknown>[]).map(({ device: _d, ...series }) => series),
        hourly.series,
      );
      assert.ok(devices.slice(1).every((d) => (d.latest as unknown[]).length === 0));
      // PostgreSQL: the devices, then the devices of their series; ClickHouse: latest (the rollup,
      // then the readings) and aggregates, plus the REST call above
      assert.equal(counts.postgres, 2);
      assert.ok(counts.clickhouse <= 4, `${counts.clickhouse} ClickHouse queries`);
    });

    it('aggregates, latest, device, collection runs and the device mutations, as REST gives them', async () => {
      const answer = await graphql(
        `query ($device: [String!]!, $from: String, $to: String, $one: String!) {
          aggregates(device: $device, granularity: minute, from: $from, to: $to) {
            granularity from to series { deviceId metric unit points { bucket count min max avg last } device { deviceType } }
          }
          latest(device: $device, limit: 10) { data { deviceId metric value } next }
          device(id: $one) { deviceId siteName }
          collectionRuns(provider: azure, limit: 1000) {
            data { runId provider status filters pages items published failed itemsPerSecond error startedAt finishedAt updatedAt }
            next
          }
        }`,
        { device: [boiler], from: iso(base), to: iso(base + 3 * minute), one: boiler },
      );
      assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
      const data = answer.data as Record<string, Record<string, unknown>>;
      const rest = json<{ series: unknown[] }>(
        await get(
          `/api/v1/telemetry/aggregates?${query({ device: boiler, granularity: 'minute', from: iso(base), to: iso(base + 3 * minute) })}`,
        ),
      );
      assert.deepEqual(
        (data.aggregates as { series: Record<string, unknown>[] }).series.map(
          ({ device: _d, ...series }) => series,
        ),
        rest.series,
      );
      assert.equal((data.latest as { data: unknown[] }).data.length, 3);
      assert.deepEqual(data.device, { deviceId: boiler, siteName: 'North Plant' });
      const runs = data.collectionRuns?.data as Record<string, unknown>[];
      const found = runs.find((r) => r.runId === runId);
      assert.equal(found?.status, 'succeeded');
      assert.equal(found?.filters, JSON.stringify({ currencyCode: 'USD' }));

      const spare = extras[2] as string;
      const put = await graphql(
        `mutation ($id: String!) { putDevice(id: $id, device: { siteId: "${south}", deviceType: "gq", tags: [{ key: "x", value: "1" }] }) { deviceId deviceType tags { key value } } }`,
        { id: spare },
        pipeline.keys.admin,
      );
      assert.equal(put.errors, undefined, JSON.stringify(put.errors));
      assert.deepEqual(put.data?.putDevice, {
        deviceId: spare,
        deviceType: 'gq',
        tags: [{ key: 'x', value: '1' }],
      });
      const patch = await graphql(
        `mutation ($id: String!) { patchDevice(id: $id, patch: { siteName: "Yard", tags: [{ key: "x", value: null }] }) { siteName deviceType tags { key } } }`,
        { id: spare },
        pipeline.keys.admin,
      );
      assert.deepEqual(patch.data?.patchDevice, { siteName: 'Yard', deviceType: 'gq', tags: [] });
      const rest2 = json<Record<string, unknown>>(await get(`/api/v1/devices/${spare}`));
      assert.equal(rest2.siteName, 'Yard');
    });

    it('prices, compare, cheapest, history, providers, categories, regions: as REST gives them, each price’s history and run batched', async () => {
      const kind = { category: 'COMPUTE_WEB', region: 'us-virginia', unit: 'hour' };
      const rest = json<{ providers: { provider: string; prices: { id: string }[] }[] }>(
        await get(`/api/v1/prices/compare?${query({ ...kind, limit: 5 })}`),
      );
      counts.postgres = 0;
      const compared = await graphql(
        `query ($region: String!) {
          compare(kind: { category: COMPUTE_WEB, region: $region, unit: "hour", resource: { priceType: [on_demand] } }, limit: 5) {
            category region regionName unit priceType
            providers {
              provider
              prices {
                id provider service category region regionName regionMapped providerRegion providerRegionName sku product
                pricePerUnitUsd unit originalAmount currency originalUnit usdRate usdRateDate priceType term purchaseOption
                offeringClass amortized tierStart tierEnd instanceType vcpu memoryGib operatingSystem tenancy storageClass
                effectiveFrom effectiveTo collectionId fetchedAt
                history { id effectiveFrom }
                collectionRun { runId status processing { normalized deadLettered duplicates deadLetterReasons { stage code count example } notes { note count } } }
              }
            }
          }
        }`,
        { region: 'us-virginia' },
      );
      const comparison = fieldOf<{ providers: { provider: string; prices: Record<string, unknown>[] }[] }>(
        compared,
        'compare',
      );
      assert.deepEqual(
        comparison.providers.map((p) => [p.provider, p.prices.map((price) => price.id)]),
        rest.providers.map((p) => [p.provider, p.prices.map((price) => price.id)]),
      );
      assert.ok(
        comparison.providers.every((p) =>
          p.prices.every((price) => (price.history as unknown[]).length >= 1),
        ),
      );
      // each price's run as collection_runs has it (a price loaded without a recorded run has none)
      const listed = comparison.providers.flatMap((p) => p.prices);
      const { rows: runs } = await pipeline.pool.query<{ run_id: string }>(
        'SELECT run_id FROM collection_runs WHERE run_id = ANY($1::text[])',
        [listed.map((price) => price.collectionId)],
      );
      const recorded = new Set(runs.map((row) => row.run_id));
      assert.ok(recorded.size > 0);
      assert.deepEqual(
        listed.map((price) => (price.collectionRun as { runId: string } | null)?.runId ?? null),
        listed.map((price) => (recorded.has(String(price.collectionId)) ? price.collectionId : null)),
      );
      // the comparison, then every price's history in one query, then every run in one
      assert.equal(counts.postgres, 3);

      const rest2 = json<{ prices: { id: string }[] }>(
        await get(`/api/v1/prices/cheapest?${query({ ...kind, limit: 3 })}`),
      );
      const id = rest2.prices[0]?.id ?? '';
      const others = await graphql(
        `query ($id: String!, $region: String!) {
          cheapest(kind: { category: COMPUTE_WEB, region: $region, unit: "hour" }, limit: 3) { category region regionName unit priceType prices { id } }
          prices(filter: { provider: [aws], region: [$region], resource: { minVcpu: 1 } }, limit: 2) { data { id vcpu } next }
          priceHistory(id: $id) { id effectiveTo }
          providers { id regions lastRun { runId status startedAt finishedAt } }
          categories { id name }
          regions(country: "IE") { id name country aws { code name } azure { code name } }
        }`,
        { id, region: 'us-virginia' },
      );
      assert.deepEqual(
        fieldOf<{ prices: { id: string }[] }>(others, 'cheapest').prices.map((p) => p.id),
        rest2.prices.map((p) => p.id),
      );
      assert.ok(fieldOf<{ data: { vcpu: number }[] }>(others, 'prices').data.every((p) => p.vcpu >= 1));
      assert.ok(fieldOf<{ id: string }[]>(others, 'priceHistory').some((version) => version.id === id));
      assert.equal(fieldOf<unknown[]>(others, 'providers').length, 2);
      assert.equal(fieldOf<unknown[]>(others, 'categories').length, 13);
      assert.deepEqual(fieldOf<{ id: string }[]>(others, 'regions')[0]?.id, 'ie-dublin');
    });

    it('every query, mutation and object field was exercised above', () => {
      const schema = graphqlSchema(pipeline.api.services);
      const used = new Set<string>();
      for (const document of graphqlDocuments) {
        const typeInfo = new TypeInfo(schema);
        visit(
          document,
          visitWithTypeInfo(typeInfo, {
            Field() {
              const parent = typeInfo.getParentType();
              const field = typeInfo.getFieldDef();
              if (parent && field) used.add(`${parent.name}.${field.name}`);
            },
          }),
        );
      }
      const missing: string[] = [];
      for (const type of Object.values(schema.getTypeMap())) {
        if (type.name.startsWith('__') || !('getFields' in type) || 'ofType' in type) continue;
        if (type.astNode?.kind !== 'ObjectTypeDefinition') continue;
        for (const field of Object.keys(type.getFields())) {
          if (!used.has(`${type.name}.${field}`)) missing.push(`${type.name}.${field}`);
        }
      }
      assert.deepEqual(missing, []);
    });
  });

  describe('docs/api.md examples', () => {
    const page = readFileSync(join(projectRoot, 'docs', 'api.md'), 'utf8');
    const blocks = (language: string) =>
      [...page.matchAll(new RegExp(`\`\`\`${language}\n([\\s\\S]*?)\`\`\``, 'g'))].map(
        (match) => match[1] as string,
      );
    /** The page's sample names, as this test's data names them. */
    const ours = (text: string) => text.replaceAll('boiler-7', boiler).replaceAll('plant-north', north);
    const empty = /"(data|series|latest|prices)":\[\]/;

    it('every curl example answers, with data', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'sluice-api-docs-'));
      try {
        const examples = blocks('sh').filter((block) => block.includes('$SLUICE_API'));
        assert.ok(examples.length >= 6);
        for (const example of examples) {
          // asynchronously: the API answering curl runs in this process
          const result = await execute('bash', ['-euo', 'pipefail', '-c', ours(example)], {
            cwd: dir,
            encoding: 'utf8',
            timeout: 60_000,
            env: {
              ...process.env,
              SLUICE_API: pipeline.api.url,
              SLUICE_KEY: pipeline.keys.read,
              SLUICE_ADMIN_KEY: pipeline.keys.admin,
            },
          }).catch((err: { stderr?: string; message: string }) =>
            assert.fail(`${example}\n${err.stderr ?? err.message}`),
          );
          const output = result.stdout.trim();
          assert.ok(output.length > 0, example);
          assert.doesNotMatch(output, /urn:sluice:problem|"errors"/, example);
          assert.doesNotMatch(output, empty, `${example}\n${output.slice(0, 300)}`);
          if (example.includes('If-None-Match')) assert.equal(output, '304');
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('every GraphQL example answers, with data', async () => {
      const examples = blocks('graphql');
      assert.ok(examples.length >= 3);
      for (const example of examples) {
        const key = example.trim().startsWith('mutation') ? pipeline.keys.admin : pipeline.keys.read;
        const answer = await graphql(ours(example), {}, key);
        assert.equal(answer.errors, undefined, `${example}\n${JSON.stringify(answer.errors)}`);
        assert.doesNotMatch(JSON.stringify(answer.data), empty, example);
      }
    });
  });

  describe('bad input', () => {
    /** Strings an attacker tries on SQL, ClickHouse and GraphQL. */
    const injections = [
      "' OR '1'='1",
      "x'; DROP TABLE devices; --",
      "x' UNION ALL SELECT name FROM system.tables --",
      '\\',
      "\\' OR 1=1 --",
      "%' OR device_id LIKE '%",
      '1) OR (1=1',
      '{p0:String}',
      'nul\u0000byte',
      '") { __schema { types { name } } } #',
      "a'||(SELECT version())||'",
      '$1; SELECT pg_sleep(5)',
    ];
    /** Parameters an operation needs besides the one under test. */
    const kind = { category: 'COMPUTE_WEB', region: 'us-virginia', unit: 'hour' };
    const needs: Record<string, Record<string, string>> = {
      getAggregates: { device: boiler },
      comparePrices: kind,
      cheapestPrices: kind,
    };
    type Operation = {
      path: string;
      method: string;
      operationId: string;
      parameters?: { name: string; in: string }[];
      security?: unknown[];
    };
    const operations = (): Operation[] =>
      Object.entries(client.document.paths).flatMap(([path, methods]) =>
        Object.entries(methods).map(
          ([method, operation]) => ({ path, method, ...(operation as object) }) as Operation,
        ),
      );
    /** A path with well-formed parameters (the operations routes' too: they need not exist). */
    const pathParameters: Record<string, string> = {
      id: boiler,
      eventId: 'no-such-event',
      runId: 'no-such-run',
      jobId: '00000000-0000-4000-8000-000000000000',
      topic: 'dlq.raw.telemetry.readings.v1',
      partition: '0',
      offset: '0',
    };
    const concrete = (path: string) =>
      path.replace(/\{(\w+)\}/g, (_, name: string) => pathParameters[name] ?? `{${name}}`);

    /** The rows an answer holds, whatever its shape (a page, series, prices, prices per provider, a list). */
    function rowsIn(body: unknown): unknown[] {
      if (Array.isArray(body)) return body;
      const answer = body as {
        data?: unknown[];
        series?: unknown[];
        prices?: unknown[];
        providers?: { prices: unknown[] }[];
      };
      return (
        answer.data ?? answer.series ?? answer.prices ?? answer.providers?.flatMap((p) => p.prices) ?? []
      );
    }

    function assertRefused(answer: Answer, what: string) {
      assert.ok(
        answer.status === 400 || answer.status === 200 || answer.status === 404,
        `${what}: ${answer.status} ${answer.text.slice(0, 300)}`,
      );
      if (answer.status === 200) {
        assert.deepEqual(rowsIn(answer.json), [], `${what} returned rows`);
      } else {
        assert.match(answer.headers.get('content-type') ?? '', /^application\/problem\+json/);
      }
    }

    it('every query parameter of every GET: 400 or an empty answer, never a database error or other rows', async () => {
      let tried = 0;
      for (const operation of operations().filter((o) => o.method === 'get')) {
        for (const parameter of (operation.parameters ?? []).filter((p) => p.in === 'query')) {
          for (const value of injections) {
            const params = { ...needs[operation.operationId], [parameter.name]: value };
            const answer = await get(`${concrete(operation.path)}?${query(params)}`);
            assertRefused(answer, `${operation.operationId} ${parameter.name}=${JSON.stringify(value)}`);
            tried += 1;
          }
        }
      }
      assert.ok(tried > 200, `${tried} requests`);
    });

    it('every path parameter: 400 or 404', async () => {
      for (const value of injections) {
        const path = `/api/v1/devices/${encodeURIComponent(value)}`;
        for (const [method, key, body, at] of [
          ['GET', pipeline.keys.read, undefined, path],
          ['PUT', pipeline.keys.admin, {}, path],
          ['PATCH', pipeline.keys.admin, {}, path],
          ['GET', pipeline.keys.read, undefined, `/api/v1/prices/${encodeURIComponent(value)}/history`],
        ] as const) {
          const answer = await client.call(method, at, { key, body });
          assert.ok([400, 404].includes(answer.status), `${method} ${at}: ${answer.status} ${answer.text}`);
          assert.match(answer.headers.get('content-type') ?? '', /^application\/problem\+json/);
        }
      }
    });

    it('cursors carrying injections give 400 or rows the filter allows, nothing else', async () => {
      const cursor = (key: unknown[]) => Buffer.from(JSON.stringify(key)).toString('base64url');
      for (const value of injections) {
        const readings = await get(
          `/api/v1/telemetry/readings?${query({ device: boiler, from: iso(base), to: iso(settledTo), cursor: cursor([value, value, 0, value]) })}`,
        );
        assert.equal(readings.status, 200, readings.text);
        assert.ok(
          (readings.json as { data: { deviceId: string }[] }).data.every((r) => r.deviceId === boiler),
        );
        const latest = await get(
          `/api/v1/telemetry/latest?${query({ device: pump, cursor: cursor([value, value]) })}`,
        );
        assert.equal(latest.status, 200, latest.text);
        assert.ok((latest.json as { data: { deviceId: string }[] }).data.every((r) => r.deviceId === pump));
        // a device cursor holds a device id: anything else is not a cursor this API gave out
        const devices = await get(`/api/v1/devices?${query({ prefix: run, cursor: cursor([value]) })}`);
        assert.equal(devices.status, 400, devices.text);
        const runs = await get(`/api/v1/pricing/runs?${query({ cursor: cursor([value, value]) })}`);
        assert.equal(runs.status, 400, runs.text);
        for (const path of ['/api/v1/telemetry/readings', '/api/v1/telemetry/latest', '/api/v1/devices']) {
          assertRefused(await get(`${path}?${query({ cursor: value })}`), `${path} cursor=${value}`);
        }
      }
    });

    it('GraphQL arguments: an invalid-request error or an empty answer, never a database error', async () => {
      const fields: [string, string, string][] = [
        ['readings', 'device', 'readings(device: [$v]) { data { eventId } }'],
        ['readings', 'site', 'readings(site: [$v]) { data { eventId } }'],
        ['readings', 'metric', 'readings(metric: [$v]) { data { eventId } }'],
        ['readings', 'flag', 'readings(flag: [$v]) { data { eventId } }'],
        ['readings', 'from', 'readings(from: $v) { data { eventId } }'],
        ['readings', 'cursor', 'readings(cursor: $v) { data { eventId } }'],
        ['aggregates', 'device', 'aggregates(device: [$v]) { series { deviceId } }'],
        ['aggregates', 'metric', `aggregates(device: ["${boiler}"], metric: [$v]) { series { deviceId } }`],
        ['aggregates', 'to', `aggregates(device: ["${boiler}"], to: $v) { series { deviceId } }`],
        ['latest', 'device', 'latest(device: [$v]) { data { eventId } }'],
        ['latest', 'cursor', 'latest(cursor: $v) { data { eventId } }'],
        ['devices', 'prefix', 'devices(prefix: $v) { data { deviceId } }'],
        ['devices', 'type', 'devices(type: [$v]) { data { deviceId } }'],
        ['devices', 'site', 'devices(site: [$v]) { data { deviceId } }'],
        ['devices', 'cursor', 'devices(cursor: $v) { data { deviceId } }'],
        ['device', 'id', 'device(id: $v) { deviceId }'],
        ['collectionRuns', 'cursor', 'collectionRuns(cursor: $v) { data { runId } }'],
        ['prices', 'service', 'prices(filter: { service: [$v] }) { data { id } }'],
        ['prices', 'region', 'prices(filter: { region: [$v] }) { data { id } }'],
        ['prices', 'sku', 'prices(filter: { sku: [$v] }) { data { id } }'],
        ['prices', 'unit', 'prices(filter: { unit: [$v] }) { data { id } }'],
        ...[
          'term',
          'purchaseOption',
          'currency',
          'instanceType',
          'operatingSystem',
          'tenancy',
          'storageClass',
        ].map((name): [string, string, string] => [
          'prices',
          name,
          `prices(filter: { resource: { ${name}: [$v] } }) { data { id } }`,
        ]),
        ['prices', 'cursor', 'prices(cursor: $v) { data { id } }'],
        [
          'compare',
          'region',
          'compare(kind: { category: COMPUTE_WEB, region: $v, unit: "hour" }) { providers { provider } }',
        ],
        [
          'compare',
          'unit',
          'compare(kind: { category: COMPUTE_WEB, region: "us-virginia", unit: $v }) { region }',
        ],
        [
          'cheapest',
          'term',
          'cheapest(kind: { category: COMPUTE_WEB, region: "us-virginia", unit: "hour", resource: { term: [$v] } }) { prices { id } }',
        ],
        ['priceHistory', 'id', 'priceHistory(id: $v) { id }'],
        ['regions', 'country', 'regions(country: $v) { id }'],
      ];
      for (const [field, argument, selection] of fields) {
        for (const value of injections) {
          const answer = await graphql(`query ($v: String!) { ${selection} }`, { v: value });
          const what = `${field}(${argument}: ${JSON.stringify(value)})`;
          if (answer.errors) {
            assert.deepEqual(
              answer.errors.map((e) => e.extensions?.code),
              ['invalid-request'],
              `${what}: ${JSON.stringify(answer.errors)}`,
            );
          } else {
            const result = answer.data?.[field];
            assert.ok(result === null || rowsIn(result).length === 0, `${what} returned rows`);
          }
        }
      }
    });

    it('GraphQL documents: malformed, unknown fields, too deep or too costly are refused before they run', async () => {
      const refused = async (text: string, pattern: RegExp) => {
        const response = await fetch(`${pipeline.api.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': pipeline.keys.read },
          body: JSON.stringify({ query: text }),
        });
        const body = (await response.json()) as { errors?: { message: string }[]; data?: unknown };
        assert.ok(response.status === 400 || response.status === 200, `${response.status}`);
        assert.equal(body.data, undefined, `${text} ran`);
        assert.match(body.errors?.map((e) => e.message).join('; ') ?? '', pattern);
      };
      await refused('{ readings(device: ["x"]) { data { eventId } }', /Syntax Error/);
      await refused('{ readings { data { password } } }', /Cannot query field "password"/);
      await refused('{ readings(sql: "1") { next } }', /Unknown argument "sql"/);
      await refused(
        '{ devices { data { latest { device { latest { device { latest { device { latest { device { deviceId } } } } } } } } } } }',
        /depth/i,
      );
      const aliases = Array.from(
        { length: 60 },
        (_, i) => `a${i}: readings(limit: 1000) { data { eventId device { deviceId } } }`,
      );
      await refused(`{ ${aliases.join(' ')} }`, /costs .* more than the 100000 allowed/);
    });

    it('caps huge page sizes instead of serving them', async () => {
      const huge = '999999999999999';
      for (const path of [
        `/api/v1/telemetry/readings?${query({ device: [boiler, pump], from: iso(base), to: iso(settledTo), limit: huge })}`,
        `/api/v1/telemetry/latest?limit=${huge}`,
        `/api/v1/devices?limit=${huge}`,
        `/api/v1/pricing/runs?limit=${huge}`,
      ]) {
        const page = json<{ data: unknown[]; page: { limit: number } }>(await get(path));
        assert.equal(page.page.limit, 1000, path);
        assert.ok(page.data.length <= 1000);
      }
      const big = await graphql(
        `{ readings(device: ["${boiler}", "${pump}"], from: "${iso(base)}", to: "${iso(settledTo)}", limit: 2147483647) { data { eventId } next } }`,
      );
      assert.equal(big.errors, undefined, JSON.stringify(big.errors));
      assert.equal(fieldOf<{ data: unknown[] }>(big, 'readings').data.length, 361);
    });

    it('rejects unknown query parameters on every route and unknown body fields', async () => {
      for (const operation of operations()) {
        const answer = await client.call(
          operation.method.toUpperCase(),
          `${concrete(operation.path)}?${query({ ...needs[operation.operationId], sneaky: '1' })}`,
          {
            key: operation.method === 'get' ? pipeline.keys.read : pipeline.keys.admin,
            body: operation.method === 'get' ? undefined : {},
          },
        );
        assert.equal(answer.status, 400, `${operation.operationId}: ${answer.text}`);
        assert.deepEqual((answer.json as { invalidParams: unknown[] }).invalidParams, [
          { name: 'sneaky', reason: 'unknown query parameter' },
        ]);
      }
      for (const method of ['PUT', 'PATCH']) {
        const answer = await client.call(method, `/api/v1/devices/${boiler}`, {
          key: pipeline.keys.admin,
          body: { deviceType: 'x', owner: 'mallory' },
        });
        assert.equal(answer.status, 400, answer.text);
        assert.deepEqual((answer.json as { invalidParams: unknown[] }).invalidParams, [
          { name: 'owner', reason: 'unknown body field' },
        ]);
      }
      const notJson = await client.call('PUT', `/api/v1/devices/${boiler}`, {
        key: pipeline.keys.admin,
        body: '{"deviceType":',
      });
      assert.equal(notJson.status, 400);
      const wrongType = await client.call('PUT', `/api/v1/devices/${boiler}`, {
        key: pipeline.keys.admin,
        body: 'deviceType=x',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      assert.equal(wrongType.status, 415);
      const tooBig = await client.call('PUT', `/api/v1/devices/${boiler}`, {
        key: pipeline.keys.admin,
        body: { tags: { big: 'x'.repeat(100_000) } },
      });
      assert.equal(tooBig.status, 413);
    });

    it('401 without or with bad credentials, 403 with the wrong role, on every route and on GraphQL', async () => {
      for (const operation of operations().filter((o) => (o.security ?? []).length > 0)) {
        const path = `${concrete(operation.path)}?${query(needs[operation.operationId] ?? {})}`;
        const method = operation.method.toUpperCase();
        const body = operation.method === 'get' ? undefined : {};
        for (const key of [undefined, 'sk_00000000_notAKeyAtAllnotAKeyAtAllnotAKeyAtAll0000000', 'garbage']) {
          const answer = await client.call(method, path, { key, body });
          assert.equal(answer.status, 401, `${operation.operationId} with ${key}: ${answer.text}`);
          assert.equal(answer.headers.get('www-authenticate'), 'Bearer');
        }
        const wrong = operation.method === 'get' ? pipeline.keys.ingest : pipeline.keys.read;
        const forbidden = await client.call(method, path, { key: wrong, body });
        assert.equal(forbidden.status, 403, `${operation.operationId}: ${forbidden.text}`);
        assert.equal((forbidden.json as { type: string }).type, 'urn:sluice:problem:forbidden');
      }
      for (const [key, status] of [
        [undefined, 401],
        [pipeline.keys.ingest, 403],
      ] as const) {
        const response = await fetch(`${pipeline.api.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(key ? { 'x-api-key': key } : {}) },
          body: JSON.stringify({ query: '{ devices { next } }' }),
        });
        assert.equal(response.status, status);
        assert.match(response.headers.get('content-type') ?? '', /^application\/problem\+json/);
      }
      const mutation = await graphql(`mutation { putDevice(id: "${boiler}", device: {}) { deviceId } }`);
      assert.deepEqual(
        mutation.errors?.map((e) => e.extensions?.code),
        ['forbidden'],
      );
    });
  });

  describe('the OpenAPI document', () => {
    it('lists every /api route the server has, and every operation was called above', () => {
      const app = pipeline.api.app();
      const stack = (
        app as unknown as {
          router: { stack: { route?: { path: string; methods: Record<string, boolean> } }[] };
        }
      ).router.stack;
      const routes = stack
        .filter((layer) => layer.route?.path.startsWith('/api/v1'))
        .flatMap((layer) =>
          Object.keys(layer.route?.methods ?? {}).map(
            (method) => `${method} ${layer.route?.path.replace(/:(\w+)/g, '{$1}')}`,
          ),
        );
      const documented = Object.entries(client.document.paths).flatMap(([path, operations]) =>
        Object.keys(operations).map((method) => `${method} ${path}`),
      );
      assert.deepEqual(routes.sort(), documented.sort());
      const operations = Object.values(client.document.paths).flatMap((operations) =>
        Object.values(operations).map((operation) => operation.operationId),
      );
      assert.deepEqual(
        operations.filter((id) => !client.called.has(id)),
        [],
        'operations no test called',
      );
    });
  });
});

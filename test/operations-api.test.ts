import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadSettings } from '../lib/config.ts';
import { pricingSettings } from '../processors/pricing/config.ts';
import { ApiPipeline } from './api-support.ts';
import { uniqueSuffix } from './support.ts';

/**
 * Operating Sluice over HTTP, against the real pipeline (gateway, both processors, both sinks,
 * the raw archive) with collections run as `sluice collect` children against the pricing fixture
 * server: collections started, watched, cancelled and resumed; poison prices found with GET /dlq,
 * fixed upstream (the processor gets the missing USD rate), replayed and loaded exactly once;
 * a reprocess from a time; the lineage of an accepted and of a rejected event; pipeline stats
 * and the live stream.
 */

interface Run {
  runId: string;
  status: string;
  published: number;
  processing: { normalized: number; deadLettered: number; duplicates: number } | null;
}

interface Letter {
  topic: string;
  partition: number;
  offset: number;
  reason: string;
  stage: string;
  eventId: string | null;
  traceId: string | null;
  originalTimestamp: string | null;
  event: Record<string, unknown> | null;
  original: { text?: string; base64?: string; bytes: number };
  originalUrl: string;
}

interface Job {
  jobId: string;
  status: string;
  result: Record<string, number> | null;
  error: string | null;
  progress: { done: number; total: number };
}

interface Lineage {
  eventId: string;
  kind: string | null;
  status: string;
  traceIds: string[];
  raw: {
    topic: string;
    partition: number;
    offset: number;
    payload: unknown;
    envelope: Record<string, unknown>;
  }[];
  deadLetters: Letter[];
  normalized: { postgres: Record<string, unknown> | null; clickhouse: Record<string, unknown>[] };
  hops: { hop: string; at: string | null; traceId: string | null }[];
}

const dlqPricing = 'dlq.raw.pricing.offers.v1';

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    await sleep(300);
  }
  throw new Error(`${what}: not reached in ${timeoutMs} ms${last ? ` (${String(last)})` : ''}`);
}

describe('operations API against the real pipeline', { timeout: 600_000 }, () => {
  const suffix = uniqueSuffix();
  const startedAt = new Date();
  let pipeline: ApiPipeline;
  const eurRun = `test-ops-eur-${suffix}`;
  const usdRun = `test-ops-usd-${suffix}`;
  let letters: Letter[] = [];

  const call = async (
    path: string,
    init: { method?: string; body?: unknown; role?: 'read' | 'admin' } = {},
  ) => {
    const response = await fetch(`${pipeline.api.url}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        'x-api-key': pipeline.keys[init.role ?? (init.method ? 'admin' : 'read')],
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
  };

  /** The test's own normalized price topic: ClickHouse rows loaded from it are this run's. */
  const normalizedPricing = () => `test.api.${suffix}.normalized.pricing`;

  const finishedRun = (runId: string) =>
    until(`run ${runId} finished and processed`, async () => {
      const { body } = await call(`/api/v1/collections/${runId}`);
      const run = body as Run;
      const handled =
        (run.processing?.normalized ?? 0) +
        (run.processing?.deadLettered ?? 0) +
        (run.processing?.duplicates ?? 0);
      return run.status !== 'running' && run.published > 0 && handled >= run.published ? run : undefined;
    });

  const finishedJob = (url: string) =>
    until(`job ${url}`, async () => {
      const job = (await call(url)).body as Job;
      return job.status === 'running' ? undefined : job;
    });

  before(async () => {
    // the processor knows no EUR rate yet: every EUR price is poison until the fix
    // the fixture's prices keep their ids from run to run: a short dedupe window keeps an earlier
    // run of this test from making this run's prices duplicates
    pipeline = await ApiPipeline.start(suffix, {
      operations: true,
      pricing: { usdRates: { USD: '1' } },
    });
  });

  after(async () => {
    await pipeline?.stop();
  });

  it('starts a collection over HTTP (202 with the run URL) and watches it finish', async () => {
    const answer = await call('/api/v1/collections', {
      method: 'POST',
      body: { provider: 'azure', filters: { currencyCode: 'USD' }, runId: usdRun },
    });
    assert.equal(answer.status, 202, JSON.stringify(answer.body));
    assert.equal(answer.body.url, `/api/v1/collections/${usdRun}`);
    assert.equal(answer.headers.get('location'), answer.body.url);
    const run = await finishedRun(usdRun);
    assert.equal(run.status, 'succeeded');
    // the fixture catalogue lists one price twice: the processor drops the repeat
    assert.ok(
      (run.processing?.normalized ?? 0) + (run.processing?.duplicates ?? 0) >= run.published,
      JSON.stringify(run),
    );
    assert.ok((run.processing?.normalized ?? 0) > 0);
    assert.equal(run.processing?.deadLettered, 0);
    const list = (await call('/api/v1/collections?provider=azure&limit=50')).body as { data: Run[] };
    assert.ok(list.data.some((r) => r.runId === usdRun && r.status === 'succeeded'));
    await pipeline.waitForClickHouse(
      'USD prices loaded',
      `SELECT count() AS n FROM pricing_prices WHERE kafka_topic = '${normalizedPricing()}' AND collection_id = '${usdRun}'`,
      run.processing?.normalized ?? 0,
    );
  });

  it('refuses a collection with a filter its provider does not have, naming it', async () => {
    const answer = await call('/api/v1/collections', {
      method: 'POST',
      body: { provider: 'azure', filters: { serviceCode: 'AmazonEC2' } },
    });
    assert.equal(answer.status, 400);
    assert.ok(answer.body.invalidParams.some((p: { name: string }) => p.name === 'filters.serviceCode'));
    assert.equal(
      (await call('/api/v1/collections', { method: 'POST', role: 'read', body: { provider: 'aws' } })).status,
      403,
    );
  });

  it('cancels a running collection and resumes it to its end', async () => {
    const runId = `test-ops-cancel-${suffix}`;
    // the second page answers slowly: the run is still running when the cancel comes
    pipeline.fixture.inject('azure', { kind: 'slow', delayMs: 6000 }, { page: 2, times: 1 });
    const started = await call('/api/v1/collections', { method: 'POST', body: { provider: 'azure', runId } });
    assert.equal(started.status, 202, JSON.stringify(started.body));
    const cancelled = await call(`/api/v1/collections/${runId}/cancel`, {
      method: 'POST',
      body: { reason: 'test cancels' },
    });
    assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
    assert.equal(cancelled.body.status, 'cancelled');
    assert.equal(cancelled.body.error, 'test cancels');
    const again = await call(`/api/v1/collections/${runId}/cancel`, { method: 'POST', body: {} });
    assert.equal(again.status, 400, 'a run that is not running cannot be cancelled');
    // its collector notices the cancel and ends before the run is resumed
    await sleep(1500);
    const resumed = await until('resume accepted', async () => {
      const answer = await call(`/api/v1/collections/${runId}/resume`, { method: 'POST' });
      return answer.status === 202 ? answer : undefined;
    });
    assert.equal(resumed.body.url, `/api/v1/collections/${runId}`);
    const run = await finishedRun(runId);
    assert.equal(run.status, 'succeeded', JSON.stringify(run));
  });

  it('finds the poison prices with GET /dlq, decoded, with their original bytes', async () => {
    const started = await call('/api/v1/collections', {
      method: 'POST',
      body: { provider: 'azure', filters: { currencyCode: 'EUR' }, runId: eurRun },
    });
    assert.equal(started.status, 202, JSON.stringify(started.body));
    const run = await finishedRun(eurRun);
    assert.ok(
      (run.processing?.deadLettered ?? 0) >= run.published,
      'no EUR rate: every price is dead-lettered',
    );
    letters = await until('the run’s dead letters browsable', async () => {
      const page = (
        await call(
          `/api/v1/dlq?topic=${dlqPricing}&reason=currency_unknown&source=azure&from=${startedAt.toISOString()}&limit=1000`,
        )
      ).body as { data: Letter[]; reasons: { reason: string; count: number }[] };
      const ofRun = page.data.filter((letter) => letter.event?.collectionId === eurRun);
      return ofRun.length === run.published ? ofRun : undefined;
    });
    const [letter] = letters;
    assert.ok(letter);
    assert.equal(letter.stage, 'price');
    assert.equal(letter.event?.provider, 'azure');
    assert.match(String(letter.event?.item), /"currencyCode":\s*"EUR"/);
    const download = await fetch(`${pipeline.api.url}${letter.originalUrl}`, {
      headers: { 'x-api-key': pipeline.keys.read },
    });
    assert.equal(download.headers.get('content-type'), 'application/octet-stream');
    const bytes = Buffer.from(await download.arrayBuffer());
    assert.equal(bytes.length, letter.original.bytes);
    assert.deepEqual(
      bytes,
      Buffer.from(
        letter.original.base64 ?? letter.original.text ?? '',
        letter.original.base64 ? 'base64' : 'utf8',
      ),
    );
    const pipelineNow = (await call('/api/v1/pipeline')).body as {
      deadLetters: { topic: string; reason: string; count: number }[];
    };
    const counted = pipelineNow.deadLetters.find(
      (d) => d.topic === dlqPricing && d.reason === 'currency_unknown',
    );
    assert.ok(counted && counted.count >= letters.length);
  });

  it('shows the lineage of a rejected event: raw record, dead letter, no rows', async () => {
    // a reading the gateway refuses is kept: it goes to the raw topic, and the processor dead-letters it
    const device = `ops-rejected-${suffix}`;
    const response = await fetch(`${pipeline.gateway.url}/v1/ingest/telemetry`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': pipeline.keys.ingest },
      body: JSON.stringify([{ deviceId: device, metric: 'temperature', value: 3, unit: 'furlongs' }]),
    });
    const answer = (await response.json()) as {
      results: { status: string; reason?: string; eventId?: string }[];
    };
    const [refused] = answer.results;
    assert.equal(refused?.reason, 'unit_unknown');
    assert.ok(refused?.eventId);
    const lineage = await until('the refused reading archived and dead-lettered', async () => {
      const found = (await call(`/api/v1/events/${refused.eventId}`)).body as Lineage;
      return found.raw?.length >= 1 && found.deadLetters.length >= 1 ? found : undefined;
    });
    assert.equal(lineage.status, 'dead-lettered');
    assert.equal(lineage.kind, 'telemetry');
    assert.equal(lineage.raw[0]?.topic, 'raw.telemetry.readings.v1');
    assert.deepEqual(lineage.raw[0]?.payload, {
      deviceId: device,
      metric: 'temperature',
      value: 3,
      unit: 'furlongs',
    });
    const [letter] = lineage.deadLetters;
    assert.equal(letter?.reason, 'unit_unknown');
    assert.equal(letter?.topic, 'dlq.raw.telemetry.readings.v1');
    assert.equal(letter?.event?.deviceId, device);
    assert.equal(lineage.normalized.postgres, null);
    assert.deepEqual(lineage.normalized.clickhouse, []);
    assert.deepEqual([...new Set(lineage.hops.map((h) => h.hop))].sort(), [
      'archived',
      'dead-lettered',
      'received',
    ]);
    assert.equal(lineage.traceIds.length, 1, 'one trace id from the gateway to the dead letter');
    const browsed = (
      await call(`/api/v1/dlq?topic=dlq.raw.telemetry.readings.v1&reason=unit_unknown&source=http&limit=50`)
    ).body as { data: Letter[] };
    assert.ok(browsed.data.some((entry) => entry.eventId === refused.eventId));
    assert.equal((await call('/api/v1/events/no-such-event-id')).status, 404);
  });

  it('replays the poison prices after the fix upstream: a dry-run count, a job, then each in both sinks exactly once', async () => {
    // the fix: the processor is deployed again with the EUR rate
    // The restarted processor rebuilds its dedupe window by running the records before its
    // committed offset through the fixed stages, so the rejected originals are in it: the replay,
    // at once and within the window, must still pass them (once) as their first delivery.
    await pipeline.restartPricingProcessor({ usdRates: loadSettings(pricingSettings).usdRates });
    const filter = { topic: dlqPricing, reason: 'currency_unknown', from: startedAt.toISOString() };
    const dryRun = await call('/api/v1/dlq/replay', { method: 'POST', body: { ...filter, dryRun: true } });
    assert.equal(dryRun.status, 200, JSON.stringify(dryRun.body));
    assert.equal(dryRun.body.selected, letters.length);
    assert.equal(dryRun.body.replayed, 0);
    // the fixture lists one price twice: its two letters carry one event id, loaded once
    const eventIds = [...new Set(letters.map((letter) => letter.eventId as string))];
    assert.equal(eventIds.length, letters.length - 1);
    // the fixture's prices keep their ids from run to run: rows an earlier run of this test loaded go first
    await pipeline.pool.query('DELETE FROM pricing_prices WHERE event_id = ANY($1)', [eventIds]);
    const started = await call('/api/v1/dlq/replay', { method: 'POST', body: filter });
    assert.equal(started.status, 202, JSON.stringify(started.body));
    assert.equal(started.headers.get('location'), started.body.url);
    const job = await finishedJob(started.body.url);
    assert.equal(job.status, 'succeeded', job.error ?? '');
    assert.equal(job.result?.replayed, letters.length);
    await pipeline.waitForPostgres(
      'replayed prices in PostgreSQL',
      'SELECT count(*) AS n FROM pricing_prices WHERE event_id = ANY($1)',
      [eventIds],
      eventIds.length,
    );
    await pipeline.waitForClickHouse(
      'replayed prices in ClickHouse',
      `SELECT count() AS n FROM pricing_prices WHERE kafka_topic = '${normalizedPricing()}' AND collection_id = '${eurRun}'`,
      eventIds.length,
    );
    const { rows } = await pipeline.pool.query<{ n: string; distinct_ids: string; currency: string }>(
      `SELECT count(*) AS n, count(DISTINCT event_id) AS distinct_ids, min(original_currency) AS currency
         FROM pricing_prices WHERE collection_id = $1`,
      [eurRun],
    );
    assert.deepEqual(rows[0], {
      n: String(eventIds.length),
      distinct_ids: String(eventIds.length),
      currency: 'EUR',
    });
    const clickhouse = await (
      await pipeline.clickhouse.query({
        query: `SELECT count() AS n, uniqExact(event_id) AS ids FROM pricing_prices WHERE kafka_topic = '${normalizedPricing()}' AND collection_id = '${eurRun}'`,
        format: 'JSONEachRow',
      })
    ).json<{ n: string | number; ids: string | number }>();
    assert.deepEqual(
      clickhouse.map((r) => [Number(r.n), Number(r.ids)]),
      [[eventIds.length, eventIds.length]],
    );

    const lineage = (await call(`/api/v1/events/${eventIds[0]}`)).body as Lineage;
    assert.equal(lineage.status, 'loaded');
    assert.equal(lineage.normalized.postgres?.original_currency, 'EUR');
    assert.equal(
      lineage.normalized.clickhouse.filter((row) => row.kafka_topic === normalizedPricing()).length,
      1,
    );
    assert.ok(lineage.deadLetters.length >= 1, 'the dead letter stays in its history');
  });

  it('shows the lineage of an accepted reading: every hop, one trace id, the values', async () => {
    const device = `ops-lineage-${suffix}`;
    const answer = await pipeline.ingest([
      {
        deviceId: device,
        siteId: 'plant-north',
        metric: 'temperature',
        value: 71.5,
        unit: 'degC',
        ts: new Date().toISOString(),
      },
    ]);
    const result = answer.results[0];
    assert.ok(result?.status === 'accepted');
    const lineage = await until('the reading in both sinks', async () => {
      const l = (await call(`/api/v1/events/${result.eventId}`)).body as Lineage;
      return l.normalized?.postgres && l.normalized.clickhouse.length > 0 && l.raw.length > 0 ? l : undefined;
    });
    assert.equal(lineage.kind, 'telemetry');
    assert.equal(lineage.status, 'loaded');
    assert.deepEqual(lineage.deadLetters, []);
    assert.equal(lineage.raw[0]?.topic, 'raw.telemetry.readings.v1');
    const payload = lineage.raw[0]?.payload as Record<string, unknown>;
    assert.deepEqual(
      [payload.deviceId, payload.metric, payload.value, payload.unit],
      [device, 'temperature', 71.5, 'degC'],
    );
    assert.equal(lineage.normalized.postgres?.device_id, device);
    assert.equal(lineage.normalized.postgres?.original_value, 71.5);
    assert.equal(lineage.normalized.postgres?.original_unit, 'degC');
    assert.equal(lineage.normalized.clickhouse[0]?.device_id, device);
    assert.equal(lineage.traceIds.length, 1, JSON.stringify(lineage.hops));
    assert.match(lineage.traceIds[0] as string, /^[0-9a-f]{32}$/);
    assert.deepEqual([...new Set(lineage.hops.map((h) => h.hop))].sort(), [
      'archived',
      'loaded-clickhouse',
      'loaded-postgres',
      'processed',
      'received',
    ]);
    assert.ok(lineage.hops.every((h) => h.traceId === lineage.traceIds[0] && h.at !== null));
  });

  it('reprocesses the raw telemetry from a time as a job', async () => {
    const from = new Date(Date.now() - 1000).toISOString();
    await pipeline.ingest(
      [1, 2, 3].map((i) => ({
        deviceId: `ops-reprocess-${suffix}`,
        metric: 'pressure',
        value: i,
        unit: 'bar',
        ts: new Date(Date.now() + i).toISOString(),
      })),
    );
    const bad = await call('/api/v1/reprocess', {
      method: 'POST',
      body: { pipeline: 'telemetry', from: 'yesterday' },
    });
    assert.equal(bad.status, 400);
    const started = await call('/api/v1/reprocess', {
      method: 'POST',
      body: { pipeline: 'telemetry', from },
    });
    assert.equal(started.status, 202, JSON.stringify(started.body));
    const job = await finishedJob(started.body.url);
    assert.equal(job.status, 'succeeded', job.error ?? '');
    const counts = job.result as Record<string, number>;
    assert.ok((counts.processed ?? 0) >= 3, JSON.stringify(counts));
    assert.equal(
      counts.processed,
      (counts.accepted ?? 0) + (counts.rejected ?? 0) + (counts.duplicates ?? 0),
    );
    assert.equal(job.progress.done, job.progress.total);
    const jobs = (await call('/api/v1/jobs')).body as { data: Job[] };
    assert.ok(jobs.data.some((j) => j.jobId === job.jobId));
  });

  it('reports each component, topic offsets, consumer lag per partition and latency', async () => {
    type PipelineView = {
      components: { name: string; state: string; eventsInPerSecond: number | null }[];
      topics: {
        topic: string;
        partitions: number;
        offsets: { earliest: number; end: number; span: number };
        offsetsPerSecond: number | null;
      }[];
      consumerLag: {
        group: string;
        topic: string;
        partition: number;
        committed: number | null;
        end: number;
        lag: number;
        offsetsIn: string;
      }[];
      latency: { readings: number; p50Ms: number | null } | null;
    };
    // a rate needs two snapshots with the topic in both: on a loaded machine the broker calls of one
    // may time out (that snapshot then says kafka.reachable: false and lists no topics), so take pairs until one has it
    let first: unknown;
    let pipelineNow: PipelineView | undefined;
    for (let attempt = 0; attempt < 10; attempt++) {
      first = (await call('/api/v1/pipeline')).body;
      await sleep(1200);
      pipelineNow = (await call('/api/v1/pipeline')).body as PipelineView;
      if (pipelineNow.topics.find((t) => t.topic === 'raw.telemetry.readings.v1')?.offsetsPerSecond != null)
        break;
    }
    assert.ok(pipelineNow);
    assert.notDeepEqual(first, pipelineNow);
    assert.ok(pipelineNow.components.some((c) => c.name === 'sink-postgres' && c.state === 'ready'));
    assert.ok(pipelineNow.components.every((c) => c.eventsInPerSecond === null || c.eventsInPerSecond >= 0));
    const raw = pipelineNow.topics.find((t) => t.topic === 'raw.telemetry.readings.v1');
    assert.ok(
      raw && raw.offsets.span === raw.offsets.end - raw.offsets.earliest && raw.offsetsPerSecond !== null,
    );
    const processorLag = pipelineNow.consumerLag.filter((l) => l.group === `test-api-telemetry-${suffix}`);
    assert.equal(processorLag.length, raw.partitions, 'one line per partition');
    assert.ok(
      processorLag.every(
        (l) => l.offsetsIn === 'kafka' && l.committed !== null && l.lag === l.end - (l.committed as number),
      ),
    );
    assert.ok(
      pipelineNow.consumerLag.some(
        (l) => l.group === `test-api-sink-postgres-${suffix}` && l.offsetsIn === 'postgres',
      ),
    );
    // the private normalized pricing topic is written in transactions: more offsets than records
    // (ClickHouse holds one row per record of it: the sink loads each exactly once)
    const pricingTopic = pipelineNow.topics.find((t) => t.topic === normalizedPricing());
    const [records] = await (
      await pipeline.clickhouse.query({
        query: `SELECT count() AS n FROM pricing_prices WHERE kafka_topic = '${normalizedPricing()}'`,
        format: 'JSONEachRow',
      })
    ).json<{ n: string | number }>();
    assert.ok(Number(records?.n) > 0);
    assert.ok(
      pricingTopic && pricingTopic.offsets.span > Number(records?.n),
      `offsets count transaction markers too: ${pricingTopic?.offsets.span} offsets, ${records?.n} records`,
    );
    assert.ok(pipelineNow.latency && pipelineNow.latency.readings >= 0);
  });

  it('streams pipeline, collections and chosen devices’ readings over Server-Sent Events', async () => {
    const device = `ops-lineage-${suffix}`;
    const controller = new AbortController();
    const response = await fetch(`${pipeline.api.url}/api/v1/stream?device=${device}`, {
      headers: { 'x-api-key': pipeline.keys.read },
      signal: controller.signal,
    });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
    const events = new Map<string, unknown[]>();
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    const deadline = Date.now() + 30_000;
    while (
      Date.now() < deadline &&
      !(
        ['pipeline', 'collections', 'readings', 'prices'].every((e) => events.has(e)) &&
        (events.get('pipeline')?.length ?? 0) >= 2
      )
    ) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const name = /^event: (.*)$/m.exec(frame)?.[1];
        const data = /^data: (.*)$/m.exec(frame)?.[1];
        if (name && data) events.set(name, [...(events.get(name) ?? []), JSON.parse(data)]);
      }
    }
    controller.abort();
    const pipelines = events.get('pipeline') as { generatedAt: string }[];
    assert.ok(pipelines.length >= 2 && pipelines[0]?.generatedAt !== pipelines[1]?.generatedAt);
    assert.ok(((events.get('collections')?.[0] ?? []) as Run[]).some((run) => run.runId === eurRun));
    const readings = events.get('readings')?.[0] as { deviceId: string; metric: string }[];
    assert.deepEqual(
      readings.map((r) => [r.deviceId, r.metric]),
      [[device, 'temperature']],
    );
    const prices = events.get('prices')?.[0] as { provider: string; usdPerHour: number }[];
    assert.ok(prices.some((p) => p.provider === 'azure' && p.usdPerHour > 0));
    const unauthenticated = await fetch(`${pipeline.api.url}/api/v1/stream`);
    assert.equal(unauthenticated.status, 401);
  });
});

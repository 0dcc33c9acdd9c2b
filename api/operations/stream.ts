import type { Response } from 'express';
import type pg from 'pg';
import type { Logger } from 'pino';
import { z } from 'zod';
import { describeError } from '../../lib/errors.ts';
import { outsideRequests } from '../http/request-scope.ts';
import { defineRoute, type RouteSpec } from '../http/route.ts';
import type { RunsService } from '../runs/runs.ts';
import { deviceId, listOf } from '../schemas.ts';
import type { TelemetryService } from '../telemetry/telemetry-service.ts';
import type { DeadLetterEntry } from './dead-letters.ts';
import type { Job } from './jobs.ts';
import type { PipelineStats } from './pipeline.ts';

/**
 * GET /api/v1/stream: Server-Sent Events for the dashboard and for services. Every
 * API_STREAM_INTERVAL_MS, while anyone listens, one snapshot of each kind is made and the same
 * serialized event goes to every client (a hundred clients cost one query each tick, not a
 * hundred); latest readings are made once per distinct device filter. Jobs and dead letters are
 * sent as they happen. A client too slow to take its events misses snapshots, never blocks others.
 */

export const streamEvents = ['pipeline', 'collections', 'readings', 'prices', 'job', 'dead-letter'] as const;
type StreamEvent = (typeof streamEvents)[number];

export const streamQuery = z.strictObject({
  events: listOf(z.enum(streamEvents), streamEvents.length, 'Which events (default: all).').optional(),
  device: listOf(
    deviceId,
    100,
    'Readings of these devices only (default: the latest of every device).',
  ).optional(),
});

/** Bytes a client may have unsent before it misses snapshots. */
const slowClientBytes = 256 << 10;
const heartbeatMs = 15_000;
const pricesEveryMs = 30_000;
const readingsPerEvent = 200;

interface Client {
  response: Response;
  events: ReadonlySet<StreamEvent>;
  /** Sorted device ids joined, '' for every device. */
  devices: string;
}

export interface PriceComparison {
  provider: string;
  region: string;
  usdPerHour: number;
  sku: string;
}

export class LiveStream {
  private readonly clients = new Set<Client>();
  private timer?: NodeJS.Timeout;
  private heartbeat?: NodeJS.Timeout;
  private ticking = false;
  private prices?: { at: number; data: PriceComparison[] };
  readonly sent = { events: 0, skipped: 0 };

  constructor(
    private readonly deps: {
      stats: PipelineStats;
      runs: RunsService;
      telemetry: TelemetryService;
      pool: pg.Pool;
      logger: Logger;
    },
    private readonly intervalMs: number,
  ) {}

  get clientCount(): number {
    return this.clients.size;
  }

  open(
    response: Response,
    events: readonly StreamEvent[] | undefined,
    devices: readonly string[] | undefined,
  ): void {
    response.status(200).set({
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      // proxies (nginx) must pass events on as they come
      'X-Accel-Buffering': 'no',
    });
    response.flushHeaders();
    response.write(`retry: ${Math.max(1000, this.intervalMs)}\n\n`);
    const client: Client = {
      response,
      events: new Set(events ?? streamEvents),
      devices: [...new Set(devices ?? [])].sort().join('\n'),
    };
    this.clients.add(client);
    response.on('close', () => {
      this.clients.delete(client);
      if (this.clients.size === 0) this.idle();
    });
    // the ticks serve every client: they must not die with the request that started them
    outsideRequests(() => {
      if (!this.timer) {
        this.timer = setInterval(() => void this.tick(), this.intervalMs);
        this.heartbeat = setInterval(() => this.broadcast(':\n\n', () => true), heartbeatMs);
      }
      void this.tick();
    });
  }

  private idle(): void {
    clearInterval(this.timer);
    clearInterval(this.heartbeat);
    this.timer = undefined;
    this.heartbeat = undefined;
  }

  /** Ends every stream (the API stops). */
  close(): void {
    this.idle();
    for (const client of this.clients) client.response.end();
    this.clients.clear();
  }

  private broadcast(frame: string | Buffer, wants: (client: Client) => boolean): void {
    for (const client of this.clients) {
      if (!wants(client)) continue;
      if (client.response.writableLength > slowClientBytes) {
        this.sent.skipped += 1;
        continue;
      }
      client.response.write(frame);
      this.sent.events += 1;
    }
  }

  private send(event: StreamEvent, data: unknown, wants: (client: Client) => boolean = () => true): void {
    // encoded once: every client's socket queues the same bytes instead of a copy of its own
    const frame = Buffer.from(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    this.broadcast(frame, (client) => client.events.has(event) && wants(client));
  }

  /** A job started, moved on or ended. */
  job(job: Job): void {
    if (this.clients.size > 0) this.send('job', job);
  }

  /** A new dead letter (without its bytes: GET /api/v1/dlq has them). */
  deadLetter(entry: DeadLetterEntry): void {
    if (this.clients.size === 0) return;
    const { event: _event, original: _original, ...summary } = entry;
    this.send('dead-letter', summary);
  }

  private wanted(event: StreamEvent): boolean {
    return [...this.clients].some((client) => client.events.has(event));
  }

  private async tick(): Promise<void> {
    if (this.ticking || this.clients.size === 0) return;
    this.ticking = true;
    try {
      const work: Promise<void>[] = [];
      if (this.wanted('pipeline'))
        work.push(this.deps.stats.snapshot().then((s) => this.send('pipeline', s)));
      if (this.wanted('collections')) {
        work.push(this.deps.runs.list({}, 10).then((page) => this.send('collections', page.data)));
      }
      if (this.wanted('readings')) {
        const filters = new Set(
          [...this.clients].filter((c) => c.events.has('readings')).map((c) => c.devices),
        );
        for (const devices of filters) {
          const device = devices === '' ? undefined : devices.split('\n');
          work.push(
            this.deps.telemetry
              .latest({ device }, readingsPerEvent)
              .then((page) => this.send('readings', page.data, (client) => client.devices === devices)),
          );
        }
      }
      if (this.wanted('prices')) work.push(this.priceComparison().then((data) => this.send('prices', data)));
      for (const result of await Promise.allSettled(work)) {
        if (result.status === 'rejected')
          this.deps.logger.warn({ err: describeError(result.reason) }, 'stream snapshot failed');
      }
    } finally {
      this.ticking = false;
    }
  }

  /** The cheapest on-demand compute hour of each provider and region (prices change daily: asked every 30 s). */
  private async priceComparison(): Promise<PriceComparison[]> {
    if (this.prices && Date.now() - this.prices.at < pricesEveryMs) return this.prices.data;
    const { rows } = await this.deps.pool.query<{
      provider: string;
      region: string;
      usd: number;
      sku: string;
    }>(
      `SELECT DISTINCT ON (provider, region) provider, region, price_per_unit_usd::float8 AS usd, sku
         FROM pricing_current
        WHERE category = 'COMPUTE_WEB' AND price_type = 'on_demand' AND unit = 'hour' AND price_per_unit_usd > 0
        ORDER BY provider, region, price_per_unit_usd
        LIMIT 40`,
    );
    const data = rows.map((row) => ({
      provider: row.provider,
      region: row.region,
      usdPerHour: row.usd,
      sku: row.sku,
    }));
    this.prices = { at: Date.now(), data };
    return data;
  }
}

export function streamRoute(stream: LiveStream): RouteSpec {
  return defineRoute({
    method: 'get',
    path: '/api/v1/stream',
    operationId: 'streamPipeline',
    summary:
      'Live updates as Server-Sent Events: pipeline, collections, readings, prices, jobs, dead letters',
    description:
      'Events: `pipeline` (the GET /api/v1/pipeline answer), `collections` (the latest 10 runs), `readings` (the latest reading of each device and metric, or of the `device`s asked for), `prices` (cheapest on-demand compute hour per provider and region), `job` and `dead-letter` as they happen. Snapshots come every API_STREAM_INTERVAL_MS.',
    tags: ['operations'],
    role: 'read',
    query: streamQuery,
    responses: {
      200: {
        description: 'An endless event stream.',
        media: { 'text/event-stream': { description: '`event: <name>` and `data: <JSON>` per event.' } },
      },
    },
    async handle({ query, response }) {
      stream.open(response, query.events, query.device);
      return { streamed: true };
    },
  });
}

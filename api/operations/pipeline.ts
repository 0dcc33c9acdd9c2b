import type { Admin } from 'kafkajs';
import type pg from 'pg';
import type { Registry } from 'prom-client';
import { z } from 'zod';
import { describeError } from '../../lib/errors.ts';
import { gatheredMetrics } from '../../lib/metrics.ts';
import type { Observed } from '../../lib/ops.ts';
import { defineRoute, type RouteSpec } from '../http/route.ts';
import { isoTime } from '../schemas.ts';
import type { DeadLetterIndex } from './dead-letters.ts';

/**
 * GET /api/v1/pipeline: what each stage is doing now. Kafka offsets are read committed (the end
 * of a partition is its last stable offset), and they are offsets, not records: a transactional
 * topic holds a commit marker per transaction and partition, so its offset span is larger than
 * its record count (a normalized topic showed 16,036 offsets for 9,950 records).
 */

const perSecond = z
  .number()
  .nullable()
  .meta({ description: 'Per second since the previous snapshot; null on the first.' });

export const pipelineSchema = z
  .object({
    generatedAt: isoTime,
    kafka: z.object({ reachable: z.boolean(), error: z.string().optional() }),
    components: z.array(
      z.object({
        name: z.string(),
        state: z.enum(['ready', 'degraded', 'down']),
        reason: z.string().optional(),
        eventsInPerSecond: perSecond,
        eventsOutPerSecond: perSecond,
      }),
    ),
    topics: z.array(
      z.object({
        topic: z.string(),
        partitions: z.number().int(),
        offsets: z
          .object({
            earliest: z.number().int().meta({ description: 'Log start offsets summed.' }),
            end: z.number().int().meta({ description: 'Last stable offsets summed (read_committed end).' }),
            span: z.number().int().meta({
              description:
                'end − earliest: offsets retained, NOT records — transaction markers take offsets too.',
            }),
          })
          .meta({ description: 'Offsets, not record counts.' }),
        offsetsPerSecond: perSecond,
      }),
    ),
    consumerLag: z.array(
      z.object({
        group: z.string(),
        topic: z.string(),
        partition: z.number().int(),
        committed: z
          .number()
          .int()
          .nullable()
          .meta({ description: 'Next offset the group will read; null before its first commit.' }),
        end: z.number().int().meta({ description: 'The partition’s last stable offset (read_committed).' }),
        lag: z.number().int().meta({ description: 'end − committed, in offsets (markers included).' }),
        offsetsIn: z
          .enum(['kafka', 'postgres'])
          .meta({ description: 'Where the group keeps its offsets (sinks keep theirs with their rows).' }),
      }),
    ),
    deadLetters: z.array(
      z.object({ topic: z.string(), stage: z.string(), reason: z.string(), count: z.number().int() }),
    ),
    latency: z
      .object({
        window: z.string(),
        readings: z.number().int(),
        p50Ms: z.number().nullable(),
        p95Ms: z.number().nullable(),
        p99Ms: z.number().nullable(),
      })
      .nullable()
      .meta({
        description:
          'Receive → PostgreSQL load of the telemetry loaded in the window; null when PostgreSQL did not answer.',
      }),
  })
  .meta({ id: 'Pipeline' });

export type PipelineSnapshot = z.infer<typeof pipelineSchema>;

/** Groups that are tools of a moment (readers, this API's own dead-letter reader), not pipeline stages. */
const transientGroup = /^sluice-(reader|api-dead-letters)-/;

interface Sample {
  at: number;
  counters: Map<string, number>;
}

async function counterTotals(registry: Registry, name: string): Promise<Map<string, number>> {
  const totals = new Map<string, number>();
  const metric = registry.getSingleMetric(name);
  if (!metric) return totals;
  for (const { labels, value } of (await metric.get()).values) {
    const key = `${name}|${String(labels.component)}`;
    totals.set(key, (totals.get(key) ?? 0) + value);
  }
  return totals;
}

export class PipelineStats {
  private previous?: Sample;
  private current?: { at: number; snapshot: Promise<PipelineSnapshot> };

  constructor(
    private readonly admin: Admin,
    private readonly pool: pg.Pool,
    private readonly components: () => Observed[],
    private readonly deadLetters: DeadLetterIndex,
    /** A snapshot younger than this is shared (the stream and every GET read the same one). */
    private readonly maxAgeMs: number,
    private readonly latencyWindowSeconds = 60,
  ) {}

  snapshot(): Promise<PipelineSnapshot> {
    const now = Date.now();
    if (!this.current || now - this.current.at >= this.maxAgeMs) {
      const snapshot = this.build(now);
      this.current = { at: now, snapshot };
      snapshot.catch(() => {
        if (this.current?.snapshot === snapshot) this.current = undefined;
      });
    }
    return this.current.snapshot;
  }

  private rate(sample: Sample, key: string): number | null {
    const before = this.previous;
    if (!before || sample.at <= before.at) return null;
    const was = before.counters.get(key);
    const is = sample.counters.get(key);
    if (was === undefined || is === undefined) return null;
    return Math.max(0, ((is - was) * 1000) / (sample.at - before.at));
  }

  private async build(at: number): Promise<PipelineSnapshot> {
    // this process's counters and its component processes'
    const registry = await gatheredMetrics();
    const counters = new Map([
      ...(await counterTotals(registry, 'sluice_events_received_total')),
      ...(await counterTotals(registry, 'sluice_events_sent_total')),
    ]);
    const [kafka, latency] = await Promise.all([this.kafkaState(counters), this.latency()]);
    const sample = { at, counters };
    const snapshot: PipelineSnapshot = {
      generatedAt: new Date(at).toISOString(),
      kafka: kafka.reachable,
      components: this.components().map((component) => ({
        name: component.name,
        ...component.health(),
        eventsInPerSecond: this.rate(sample, `sluice_events_received_total|${component.name}`),
        eventsOutPerSecond: this.rate(sample, `sluice_events_sent_total|${component.name}`),
      })),
      topics: kafka.topics.map(({ topic, partitions, earliest, end }) => ({
        topic,
        partitions,
        offsets: { earliest, end, span: end - earliest },
        offsetsPerSecond: this.rate(sample, `topic|${topic}`),
      })),
      consumerLag: [...kafka.lag, ...(await this.sinkLag(kafka.ends))],
      deadLetters: this.deadLetters.reasons(),
      latency,
    };
    this.previous = sample;
    return snapshot;
  }

  private async kafkaState(counters: Map<string, number>) {
    const ends = new Map<string, number>();
    try {
      const names = (await this.admin.listTopics()).filter((topic) => !topic.startsWith('_')).sort();
      const topics = await Promise.all(
        names.map(async (topic) => {
          const offsets = await this.admin.fetchTopicOffsets(topic);
          for (const { partition, offset } of offsets) ends.set(`${topic}|${partition}`, Number(offset));
          const end = offsets.reduce((sum, p) => sum + Number(p.offset), 0);
          counters.set(`topic|${topic}`, end);
          return {
            topic,
            partitions: offsets.length,
            earliest: offsets.reduce((sum, p) => sum + Number(p.low), 0),
            end,
          };
        }),
      );
      const groups = (await this.admin.listGroups()).groups
        .map((group) => group.groupId)
        .filter((group) => !transientGroup.test(group))
        .sort();
      const lag = (
        await Promise.all(
          groups.map(async (group) =>
            (
              await this.admin.fetchOffsets({ groupId: group })
            ).flatMap(({ topic, partitions }) =>
              partitions.map(({ partition, offset }) => {
                const end = ends.get(`${topic}|${partition}`) ?? 0;
                const committed = Number(offset) >= 0 ? Number(offset) : null;
                return {
                  group,
                  topic,
                  partition,
                  committed,
                  end,
                  lag: Math.max(0, end - (committed ?? 0)),
                  offsetsIn: 'kafka' as const,
                };
              }),
            ),
          ),
        )
      ).flat();
      return { reachable: { reachable: true }, topics, lag, ends };
    } catch (err) {
      return { reachable: { reachable: false, error: describeError(err) }, topics: [], lag: [], ends };
    }
  }

  /** Sinks commit their offsets with their rows in PostgreSQL (sink_offsets), not in Kafka. */
  private async sinkLag(ends: Map<string, number>): Promise<PipelineSnapshot['consumerLag']> {
    if (ends.size === 0) return [];
    try {
      const { rows } = await this.pool.query<{
        consumer_group: string;
        topic: string;
        partition: number;
        next_offset: string;
      }>('SELECT consumer_group, topic, partition, next_offset FROM sink_offsets ORDER BY 1, 2, 3');
      return rows
        .filter((row) => ends.has(`${row.topic}|${row.partition}`))
        .map((row) => {
          const end = ends.get(`${row.topic}|${row.partition}`) as number;
          const committed = Number(row.next_offset);
          return {
            group: row.consumer_group,
            topic: row.topic,
            partition: row.partition,
            committed,
            end,
            lag: Math.max(0, end - committed),
            offsetsIn: 'postgres' as const,
          };
        });
    } catch {
      return [];
    }
  }

  /** Receive → load of the readings PostgreSQL loaded in the window (a BRIN index on loaded_at finds them). */
  private async latency(): Promise<PipelineSnapshot['latency']> {
    try {
      const { rows } = await this.pool.query<{ n: string; p: (number | null)[] | null }>(
        `SELECT count(*) AS n,
                percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY extract(epoch FROM loaded_at - received_at) * 1000) AS p
           FROM telemetry_readings WHERE loaded_at >= now() - make_interval(secs => $1)`,
        [this.latencyWindowSeconds],
      );
      const [p50 = null, p95 = null, p99 = null] = rows[0]?.p ?? [];
      return {
        window: `${this.latencyWindowSeconds}s`,
        readings: Number(rows[0]?.n ?? 0),
        p50Ms: p50,
        p95Ms: p95,
        p99Ms: p99,
      };
    } catch {
      return null;
    }
  }
}

export function pipelineRoute(stats: PipelineStats): RouteSpec {
  return defineRoute({
    method: 'get',
    path: '/api/v1/pipeline',
    operationId: 'getPipeline',
    summary:
      'Each component’s state and rates, topic offsets, consumer lag per partition, dead letters by reason, latency',
    tags: ['operations'],
    role: 'read',
    responses: { 200: { description: 'The pipeline now.', schema: pipelineSchema } },
    async handle() {
      return { json: await stats.snapshot(), cache: 'no-store' };
    },
  });
}

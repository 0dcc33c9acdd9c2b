import type pg from 'pg';
import { z } from 'zod';
import { pricingTable, telemetryTable } from '../../lib/clickhouse.ts';
import { sql, str, trusted } from '../../lib/clickhouse-sql.ts';
import type { ClickHouseReader } from '../db/clickhouse-reader.ts';
import { ApiProblem } from '../http/problem.ts';
import { defineRoute, type RouteSpec } from '../http/route.ts';
import { isoTime, plainText } from '../schemas.ts';
import { type DeadLetterIndex, deadLetterSchema, jsonSafe } from './dead-letters.ts';

/**
 * GET /api/v1/events/{eventId}: where one event has been. Every raw record of it (a replayed
 * letter is a second one) from the raw archive, its dead letters, its normalized row in
 * PostgreSQL and in ClickHouse, each hop with its time and the trace id it carried.
 */

const row = z.record(z.string(), z.unknown());

const hopSchema = z.object({
  hop: z.enum(['received', 'archived', 'dead-lettered', 'processed', 'loaded-postgres', 'loaded-clickhouse']),
  at: isoTime.nullable(),
  where: z.string().meta({ description: 'Topic/partition/offset, or the table.' }),
  traceId: z.string().nullable(),
});

export const lineageSchema = z
  .object({
    eventId: z.string(),
    kind: z.enum(['telemetry', 'pricing']).nullable(),
    status: z.enum(['loaded', 'dead-lettered', 'in-flight']).meta({
      description: 'loaded: in a sink; dead-lettered: in a DLQ and in no sink; in-flight: raw only so far.',
    }),
    traceIds: z.array(z.string()).meta({ description: 'Every trace id logged for it, at any hop.' }),
    raw: z.array(
      z.object({
        topic: z.string(),
        partition: z.number().int(),
        offset: z.number().int(),
        receivedAt: isoTime,
        archivedAt: isoTime,
        envelope: row.meta({ description: 'The raw event without its payload.' }),
        payload: z.unknown().meta({ description: 'The original payload (JSON, or {text} / {base64}).' }),
        originalBase64: z.string().meta({ description: 'The original payload bytes.' }),
      }),
    ),
    deadLetters: z.array(deadLetterSchema),
    normalized: z.object({
      postgres: row
        .nullable()
        .meta({ description: 'Its row in PostgreSQL (telemetry_readings or pricing_prices).' }),
      clickhouse: z
        .array(row)
        .meta({ description: 'Its rows in ClickHouse before merges collapse repeats (one once merged).' }),
    }),
    hops: z.array(hopSchema),
  })
  .meta({ id: 'EventLineage' });

type Lineage = z.infer<typeof lineageSchema>;

interface RawRow {
  topic: string;
  kafka_partition: number;
  kafka_offset: string;
  kind: 'telemetry' | 'pricing';
  received_at: Date;
  loaded_at: Date;
  envelope: Record<string, unknown>;
  payload: unknown;
  original: Buffer;
}

const iso = (value: unknown): string | null =>
  value instanceof Date ? value.toISOString() : typeof value === 'string' ? value : null;

/** ClickHouse's DateTime text (UTC, no zone) as ISO-8601; its zero date (a column left unset) as null. */
const clickhouseTime = (value: unknown): string | null =>
  typeof value === 'string' && !value.startsWith('0000-') ? `${value.replace(' ', 'T')}Z` : null;

export class LineageService {
  constructor(
    private readonly pool: pg.Pool,
    private readonly clickhouse: ClickHouseReader,
    private readonly deadLetters: DeadLetterIndex,
  ) {}

  async of(eventId: string): Promise<Lineage> {
    const [raw, telemetry, pricing] = await Promise.all([
      this.pool.query<RawRow>(
        `SELECT topic, kafka_partition, kafka_offset, kind, received_at, loaded_at, envelope,
                raw_event_payload(original) AS payload, original
           FROM raw_events WHERE event_id = $1 ORDER BY kafka_offset`,
        [eventId],
      ),
      this.pool.query<Record<string, unknown>>('SELECT * FROM telemetry_readings WHERE event_id = $1', [
        eventId,
      ]),
      this.pool.query<Record<string, unknown>>('SELECT * FROM pricing_prices WHERE event_id = $1', [eventId]),
    ]);
    const postgres = telemetry.rows[0] ?? pricing.rows[0] ?? null;
    const kind = telemetry.rows[0] ? 'telemetry' : pricing.rows[0] ? 'pricing' : (raw.rows[0]?.kind ?? null);
    const table = kind === 'pricing' ? pricingTable : telemetryTable;
    // the table's sort key first, when PostgreSQL knows it, so ClickHouse reads one granule
    const device =
      kind === 'telemetry' && typeof postgres?.device_id === 'string' ? postgres.device_id : undefined;
    const clickhouse = await this.clickhouse.rows<Record<string, unknown>>(
      sql`SELECT * FROM ${trusted(table)} WHERE ${device ? sql`device_id = ${str(device)} AND ` : sql``}event_id = ${str(eventId)}`,
    );
    const coordinates = raw.rows.map((r) => ({
      topic: r.topic,
      partition: r.kafka_partition,
      offset: Number(r.kafka_offset),
    }));
    const deadLetters = await this.deadLetters.ofEvent(eventId, coordinates);
    if (raw.rows.length === 0 && !postgres && clickhouse.length === 0 && deadLetters.length === 0) {
      throw new ApiProblem(
        'not-found',
        `no event ${eventId} in the raw archive, the sinks or the latest dead letters`,
      );
    }
    const hops: Lineage['hops'] = [];
    for (const r of raw.rows) {
      const where = `${r.topic}/${r.kafka_partition}/${r.kafka_offset}`;
      const traceId = typeof r.envelope.traceId === 'string' ? r.envelope.traceId : null;
      hops.push({ hop: 'received', at: r.received_at.toISOString(), where, traceId });
      hops.push({
        hop: 'archived',
        at: r.loaded_at.toISOString(),
        where: `postgres raw_events ${where}`,
        traceId,
      });
    }
    for (const letter of deadLetters) {
      hops.push({
        hop: 'dead-lettered',
        at: letter.firstFailedAt,
        where: `${letter.topic}/${letter.partition}/${letter.offset} (${letter.stage}: ${letter.reason})`,
        traceId: letter.traceId,
      });
    }
    if (postgres) {
      const traceId = typeof postgres.trace_id === 'string' ? postgres.trace_id : null;
      hops.push({
        hop: 'processed',
        at: iso(postgres.processed_at),
        where: `${String(postgres.lineage_topic)}/${String(postgres.lineage_partition)}/${String(postgres.lineage_offset)}`,
        traceId,
      });
      hops.push({ hop: 'loaded-postgres', at: iso(postgres.loaded_at), where: `postgres ${table}`, traceId });
    }
    for (const chRow of clickhouse) {
      hops.push({
        hop: 'loaded-clickhouse',
        at: clickhouseTime(chRow.loaded_at),
        where: `clickhouse ${table} ${String(chRow.kafka_topic)}/${String(chRow.kafka_partition)}/${String(chRow.kafka_offset)}`,
        traceId: typeof chRow.trace_id === 'string' ? chRow.trace_id : null,
      });
    }
    hops.sort((a, b) => (a.at ?? '').localeCompare(b.at ?? ''));
    const traceIds = [...new Set(hops.map((hop) => hop.traceId).filter((id): id is string => id !== null))];
    return {
      eventId,
      kind,
      status:
        postgres || clickhouse.length > 0 ? 'loaded' : deadLetters.length > 0 ? 'dead-lettered' : 'in-flight',
      traceIds,
      raw: raw.rows.map((r) => ({
        topic: r.topic,
        partition: r.kafka_partition,
        offset: Number(r.kafka_offset),
        receivedAt: r.received_at.toISOString(),
        archivedAt: r.loaded_at.toISOString(),
        envelope: r.envelope,
        payload: r.payload,
        originalBase64: r.original.toString('base64'),
      })),
      deadLetters,
      normalized: {
        postgres: postgres ? (jsonSafe(postgres) as Record<string, unknown>) : null,
        clickhouse,
      },
      hops,
    };
  }
}

export function lineageRoute(lineage: LineageService): RouteSpec {
  return defineRoute({
    method: 'get',
    path: '/api/v1/events/{eventId}',
    operationId: 'getEventLineage',
    summary: 'Where one event has been: raw record, dead letters, normalized rows, times and trace ids',
    tags: ['operations'],
    role: 'read',
    params: z.strictObject({ eventId: plainText(128).regex(/^[A-Za-z0-9._:-]+$/, 'not an event id') }),
    responses: { 200: { description: 'The event’s lineage.', schema: lineageSchema } },
    async handle({ params }) {
      return { json: await lineage.of(params.eventId), cache: 'no-store' };
    },
  });
}

import { isUtf8 } from 'node:buffer';
import { randomBytes } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { z } from 'zod';
import { describeError } from '../../lib/errors.ts';
import { ensureTopics } from '../../lib/kafka.ts';
import type { AvroSerde } from '../../lib/serde.ts';

import { allContracts } from '../../schemas/catalog.ts';
import type { DeadLetter } from '../../schemas/types.ts';
import { pageAnswer } from '../http/pages.ts';
import { ApiProblem } from '../http/problem.ts';
import { defineRoute, type RouteSpec } from '../http/route.ts';
import {
  cursorParameter,
  decodeCursor,
  encodeCursor,
  instant,
  isoTime,
  pageLimit,
  plainText,
} from '../schemas.ts';
import { asked, type PipelineActions } from './actions.ts';
import { acceptedJob, type JobTracker } from './jobs.ts';

/**
 * The dead letters, as the API browses them: one consumer (read_committed, a group of its own per
 * API process) reads every dlq.* topic from its start and keeps the counts by topic, stage and
 * reason of all of them and the latest API_DLQ_BROWSE_ENTRIES letters, decoded, for browsing and
 * lineage. Replays go through the same code as `sluice dlq replay`, which reads the topic itself.
 */

/** The dead-letter topics Sluice creates (of the topics that are consumed). */
export const dlqTopics = allContracts
  .map((contract) => contract.topic)
  .filter((topic) => topic.startsWith('dlq.'));

/** Bytes as text when they are UTF-8 (a JSON payload), else base64. */
const bytesSchema = z
  .object({ text: z.string().optional(), base64: z.string().optional(), bytes: z.number().int() })
  .meta({ id: 'Bytes', description: 'Bytes as UTF-8 text when they are valid UTF-8, else as base64.' });

function bytesOf(buffer: Buffer): z.infer<typeof bytesSchema> {
  return isUtf8(buffer)
    ? { text: buffer.toString('utf8'), bytes: buffer.length }
    : { base64: buffer.toString('base64'), bytes: buffer.length };
}

/** A decoded Avro value (records are instances of avsc's classes) as JSON: bytes as text or base64. */
export function jsonSafe(value: unknown): unknown {
  if (Buffer.isBuffer(value)) return bytesOf(value);
  if (Array.isArray(value)) return value.map(jsonSafe);
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'bigint') return String(value);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, jsonSafe(inner)]));
}

export const deadLetterSchema = z
  .object({
    topic: z.string().meta({ description: 'The dead-letter topic.' }),
    partition: z.number().int(),
    offset: z.number().int(),
    originalTopic: z.string(),
    originalPartition: z
      .number()
      .int()
      .meta({ description: '-1 for a transport message that never became an event.' }),
    originalOffset: z.number().int(),
    originalTimestamp: isoTime.nullable(),
    component: z.string(),
    stage: z.string(),
    reason: z.string().meta({ description: 'Reason code (docs/reasons.md).' }),
    message: z.string(),
    source: z.string().nullable().meta({
      description:
        'Transport source of a producer’s letter (mqtt:<topic>, …); null for an event a processor or sink refused.',
    }),
    eventId: z.string().nullable(),
    traceId: z.string().nullable(),
    firstFailedAt: isoTime,
    attempts: z.number().int(),
    key: z.string().nullable(),
    headers: z.record(z.string(), z.string()),
    event: z.record(z.string(), z.unknown()).nullable().meta({
      description:
        'The original event decoded with its topic’s schema (its payload as text or base64); null when the bytes are no event.',
    }),
    original: bytesSchema.meta({
      description: 'The original bytes (for a processor’s letter, the Avro record).',
    }),
    originalUrl: z
      .string()
      .meta({ description: 'Where the original bytes download as application/octet-stream.' }),
  })
  .meta({ id: 'DeadLetter' });

export type DeadLetterEntry = z.infer<typeof deadLetterSchema>;

/** A kept letter as read (its bytes copied), and what filters need of its event; answers are made on demand. */
interface Kept {
  seq: number;
  topic: string;
  partition: number;
  offset: number;
  letter: DeadLetter;
  eventId: string | null;
  /** The event's `source` and `provider`, for the source filter. */
  eventSources: string[];
}

export interface ReasonCount {
  topic: string;
  stage: string;
  reason: string;
  count: number;
}

const dlqTopic = z.enum(dlqTopics as [string, ...string[]]);

export const deadLetterQuery = z.strictObject({
  topic: dlqTopic.optional(),
  reason: plainText(64).optional(),
  stage: plainText(64).optional(),
  source: plainText(512).optional().meta({
    description:
      'The transport source (prefix, e.g. mqtt:), the telemetry source (http, mqtt, …) or the price provider (aws, azure).',
  }),
  from: instant.optional().meta({ description: 'First failed at or after this instant.' }),
  to: instant.optional().meta({ description: 'First failed before this instant.' }),
  limit: pageLimit.optional(),
  cursor: cursorParameter.optional(),
});

type DeadLetterQuery = z.output<typeof deadLetterQuery>;

export class DeadLetterIndex {
  private consumer?: Consumer;
  private readonly kept: Kept[] = [];
  private readonly counts = new Map<string, ReasonCount>();
  private seq = 0;
  /**
   * Each DLQ partition when the index started: where it is read from (of a topic's history, its
   * latest `capacity` letters at most) and its end then (letters before it are history, not news).
   */
  private readonly atStart = new Map<
    string,
    { topic: string; partition: number; readFrom: number; liveFrom: number }
  >();
  private readonly groupId = `sluice-api-dead-letters-${randomBytes(4).toString('hex')}`;

  constructor(
    private readonly kafka: Kafka,
    private readonly serde: AvroSerde,
    private readonly capacity: number,
    private readonly logger: Logger,
    /** Told of each new dead letter (the live stream). */
    private readonly onLetter: (entry: DeadLetterEntry) => void = () => undefined,
  ) {}

  async start(): Promise<void> {
    const consumer = this.kafka.consumer({ groupId: this.groupId, readUncommitted: false });
    try {
      await consumer.connect();
      // on a fresh cluster nothing may have created them yet: subscribing to a missing topic fails
      await ensureTopics(this.kafka, dlqTopics);
      await consumer.subscribe({ topics: dlqTopics, fromBeginning: true });
      await this.noteEnds();
    } catch (err) {
      await consumer.disconnect().catch(() => undefined);
      throw err;
    }
    this.consumer = consumer;
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ topic, partition, message }) => {
        // fetched before the seek below took effect
        if (Number(message.offset) < (this.atStart.get(`${topic}\0${partition}`)?.readFrom ?? 0)) return;
        try {
          const letter = (await this.serde.decode<DeadLetter>(topic, message.value)).value;
          await this.add(topic, partition, Number(message.offset), letter);
        } catch (err) {
          this.logger.warn(
            { topic, partition, offset: message.offset, err: describeError(err) },
            'unreadable dead letter skipped',
          );
        }
      },
    });
    // a long history is not read whole at every start: its latest letters are what is browsed
    for (const { topic, partition, readFrom } of this.atStart.values()) {
      if (readFrom > 0) consumer.seek({ topic, partition, offset: String(readFrom) });
    }
  }

  private async noteEnds(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      for (const topic of dlqTopics) {
        const partitions = await admin.fetchTopicOffsets(topic);
        const share = Math.ceil(this.capacity / partitions.length);
        for (const { partition, high, low } of partitions) {
          this.atStart.set(`${topic}\0${partition}`, {
            topic,
            partition,
            readFrom: Math.max(Number(low), Number(high) - share),
            liveFrom: Number(high),
          });
        }
      }
    } finally {
      await admin.disconnect();
    }
  }

  async stop(): Promise<void> {
    // never started (Kafka not reached): no group to delete
    if (!this.consumer) return;
    await this.consumer.disconnect();
    const admin = this.kafka.admin();
    await admin.connect();
    await admin.deleteGroups([this.groupId]).catch(() => undefined);
    await admin.disconnect();
  }

  private async decodeOriginal(letter: DeadLetter): Promise<Record<string, unknown> | null> {
    if (letter.source !== null || !letter.value) return null;
    try {
      const decoded = await this.serde.decode<Record<string, unknown>>(letter.originalTopic, letter.value);
      return jsonSafe(decoded.value) as Record<string, unknown>;
    } catch {
      return null;
    }
  }

  private async add(topic: string, partition: number, offset: number, read: DeadLetter): Promise<void> {
    const countKey = `${topic}\0${read.stage}\0${read.reasonCode}`;
    const count = this.counts.get(countKey) ?? {
      topic,
      stage: read.stage,
      reason: read.reasonCode,
      count: 0,
    };
    count.count += 1;
    this.counts.set(countKey, count);
    // copies: decoded bytes are views of the whole fetched batch, which they would keep alive
    const letter: DeadLetter = {
      ...read,
      key: read.key === null ? null : Buffer.from(read.key),
      value: read.value === null ? null : Buffer.from(read.value),
    };
    const event = await this.decodeOriginal(letter);
    this.seq += 1;
    const kept: Kept = {
      seq: this.seq,
      topic,
      partition,
      offset,
      letter,
      eventId: typeof event?.eventId === 'string' ? event.eventId : null,
      eventSources: [event?.source, event?.provider].filter((value) => typeof value === 'string'),
    };
    this.kept.push(kept);
    if (this.kept.length > this.capacity) this.kept.shift();
    // the live stream tells of new letters, not of the history read at start
    if (offset >= (this.atStart.get(`${topic}\0${partition}`)?.liveFrom ?? 0))
      this.onLetter(this.entryOf(kept, event));
  }

  /** The answer for a kept letter, its original decoded again (the letters are kept compact). */
  private entryOf(
    { topic, partition, offset, letter, eventId }: Kept,
    event: Record<string, unknown> | null,
  ) {
    return {
      topic,
      partition,
      offset,
      originalTopic: letter.originalTopic,
      originalPartition: letter.originalPartition,
      originalOffset: letter.originalOffset,
      originalTimestamp:
        letter.originalTimestamp === null ? null : new Date(letter.originalTimestamp).toISOString(),
      component: letter.component,
      stage: letter.stage,
      reason: letter.reasonCode,
      message: letter.message,
      source: letter.source,
      eventId,
      traceId: letter.traceId,
      firstFailedAt: new Date(letter.firstFailedAt).toISOString(),
      attempts: letter.attempts,
      key: letter.key === null ? null : letter.key.toString('utf8'),
      headers: letter.headers,
      event,
      original: bytesOf(letter.value ?? Buffer.alloc(0)),
      originalUrl: `/api/v1/dlq/${topic}/${partition}/${offset}/original`,
    } satisfies DeadLetterEntry;
  }

  private async entries(kept: Kept[]): Promise<DeadLetterEntry[]> {
    return Promise.all(kept.map(async (k) => this.entryOf(k, await this.decodeOriginal(k.letter))));
  }

  /** Dead letters by topic, stage and reason, of every letter read. */
  reasons(): ReasonCount[] {
    return [...this.counts.values()].sort((a, b) => b.count - a.count);
  }

  private matches(kept: Kept, query: DeadLetterQuery): boolean {
    const { letter } = kept;
    const source = query.source;
    return (
      (query.topic === undefined || kept.topic === query.topic) &&
      (query.reason === undefined || letter.reasonCode === query.reason) &&
      (query.stage === undefined || letter.stage === query.stage) &&
      (query.from === undefined || letter.firstFailedAt >= query.from) &&
      (query.to === undefined || letter.firstFailedAt < query.to) &&
      (source === undefined || (letter.source ?? '').startsWith(source) || kept.eventSources.includes(source))
    );
  }

  /** Newest first; the cursor is the position of the last letter of the previous page. */
  async page(
    query: DeadLetterQuery,
    size: number,
  ): Promise<{ data: DeadLetterEntry[]; limit: number; next?: string }> {
    let before = Number.POSITIVE_INFINITY;
    if (query.cursor !== undefined) {
      const decoded = decodeCursor(query.cursor, z.tuple([z.number().int()]));
      if (!decoded) throw new ApiProblem('invalid-request', 'the cursor is not one this API gave out');
      before = decoded[0];
    }
    const data: Kept[] = [];
    for (let i = this.kept.length - 1; i >= 0 && data.length <= size; i -= 1) {
      const kept = this.kept[i] as Kept;
      if (kept.seq < before && this.matches(kept, query)) data.push(kept);
    }
    const page = data.slice(0, size);
    const last = page.at(-1);
    return {
      data: await this.entries(page),
      limit: size,
      next: data.length > size && last ? encodeCursor([last.seq]) : undefined,
    };
  }

  /** The letters of an event: by its id, or by where it was read (a letter of undecodable bytes has no id). */
  ofEvent(
    eventId: string,
    coordinates: { topic: string; partition: number; offset: number }[],
  ): Promise<DeadLetterEntry[]> {
    return this.entries(
      this.kept.filter(
        (kept) =>
          kept.eventId === eventId ||
          coordinates.some(
            (c) =>
              c.topic === kept.letter.originalTopic &&
              c.partition === kept.letter.originalPartition &&
              c.offset === kept.letter.originalOffset,
          ),
      ),
    );
  }

  original(topic: string, partition: number, offset: number): Buffer {
    const kept = this.kept.find(
      (entry) => entry.topic === topic && entry.partition === partition && entry.offset === offset,
    );
    if (!kept) {
      throw new ApiProblem(
        'not-found',
        `no dead letter at ${topic}/${partition}/${offset} among the latest kept`,
      );
    }
    return kept.letter.value ?? Buffer.alloc(0);
  }
}

export const replayBody = z
  .strictObject({
    topic: dlqTopic,
    reason: plainText(64).optional(),
    stage: plainText(64).optional(),
    fromOffset: z
      .number()
      .int()
      .min(0)
      .optional()
      .meta({ description: 'Only letters at or after this offset of each DLQ partition.' }),
    from: instant.optional().meta({ description: 'Only letters first failed at or after this instant.' }),
    to: instant.optional().meta({ description: 'Only letters first failed before this instant.' }),
    limit: z.number().int().min(1).optional(),
    dryRun: z
      .boolean()
      .default(false)
      .meta({ description: 'Count what would be replayed; publish nothing (answered 200 at once).' }),
  })
  .meta({ id: 'DeadLetterReplay' });

const replayCounts = z
  .object({ scanned: z.number().int(), selected: z.number().int(), replayed: z.number().int() })
  .meta({ id: 'ReplayCounts' });

export function deadLetterRoutes(
  index: DeadLetterIndex,
  actions: PipelineActions,
  jobs: JobTracker,
  pageSize: (limit: number | undefined) => number,
): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/dlq',
      operationId: 'listDeadLetters',
      summary: 'Dead letters, newest first, with the original event decoded',
      description:
        'Browses the latest API_DLQ_BROWSE_ENTRIES dead letters of every dlq.* topic; `reasons` counts all of them.',
      tags: ['dead letters'],
      role: 'read',
      query: deadLetterQuery,
      responses: {
        200: {
          description: 'A page of dead letters and the counts by reason.',
          schema: z
            .object({
              data: z.array(deadLetterSchema),
              page: z.object({ limit: z.number().int(), next: z.string().nullable() }),
              reasons: z.array(
                z.object({
                  topic: z.string(),
                  stage: z.string(),
                  reason: z.string(),
                  count: z.number().int(),
                }),
              ),
            })
            .meta({ id: 'DeadLettersPage' }),
        },
      },
      async handle({ query, request }) {
        const answer = pageAnswer(request, await index.page(query, pageSize(query.limit)), {
          cache: 'no-store',
        });
        return { ...answer, json: { ...(answer.json as object), reasons: index.reasons() } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/dlq/{topic}/{partition}/{offset}/original',
      operationId: 'getDeadLetterOriginal',
      summary: 'The original bytes of one dead letter',
      tags: ['dead letters'],
      role: 'read',
      params: z.strictObject({
        topic: dlqTopic,
        partition: z.coerce.number().int().min(0),
        offset: z.coerce.number().int().min(0),
      }),
      responses: {
        200: {
          description: 'The bytes, as the rejected record held them.',
          media: { 'application/octet-stream': { description: 'The original bytes.' } },
        },
      },
      async handle({ params, response }) {
        const bytes = index.original(params.topic, params.partition, params.offset);
        response
          .type('application/octet-stream')
          .set({
            'Cache-Control': 'private, no-store',
            'Content-Disposition': `attachment; filename="${params.topic}-${params.partition}-${params.offset}.bin"`,
          })
          .send(bytes);
        return { streamed: true };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/dlq/replay',
      operationId: 'replayDeadLetters',
      summary: 'Re-publish selected dead letters to the topic they came from (after a fix), or count them',
      description:
        'A dry run answers 200 with the counts; otherwise the replay runs as a job (202, Location: the job). Letters of transport messages (source set) are never replayed.',
      tags: ['dead letters'],
      role: 'admin',
      body: { schema: replayBody, contentTypes: ['application/json'], description: 'Which letters.' },
      responses: {
        200: { description: 'Dry run: what a replay would take.', schema: replayCounts },
        202: { description: 'The replay started as a job.', schema: acceptedJob },
      },
      async handle({ body }) {
        const { topic, dryRun, from, to, ...rest } = body;
        const filter = { ...rest, failedFrom: from, failedTo: to };
        if (dryRun) {
          return {
            json: await asked(actions.replayDeadLetters(topic, filter, true, () => undefined)),
            cache: 'no-store',
          };
        }
        return jobs.start('dlq-replay', { ...body }, async (progress) => ({
          ...(await actions.replayDeadLetters(topic, filter, false, progress)),
        }));
      },
    }),
  ];
}

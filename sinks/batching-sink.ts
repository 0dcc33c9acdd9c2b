import type { Consumer, Kafka, KafkaMessage, Producer } from 'kafkajs';
import type { Component, Health } from '../lib/component.ts';
import { deadLetterFromError, dlqMessage } from '../lib/dlq.ts';
import { classifyError, describeError, SluiceError } from '../lib/errors.ts';
import { createProducer, ensureTopics } from '../lib/kafka.ts';
import { componentLogger } from '../lib/logger.ts';
import { componentMetrics } from '../lib/metrics.ts';
import { reasonOfError } from '../lib/reasons.ts';
import { retry } from '../lib/retry.ts';
import type { AvroSerde } from '../lib/serde.ts';
import { dlqContract, type TopicContract } from '../schemas/catalog.ts';

/** One consumed message, decoded with its topic's schema. */
export interface SinkRecord {
  topic: string;
  partition: number;
  offset: string;
  message: KafkaMessage;
  value: unknown;
}

/** The next offset to consume in a partition (last written offset + 1). */
export interface PartitionOffset {
  topic: string;
  partition: number;
  offset: string;
}

/**
 * What a destination implements; the loop does the rest (batching, retries, pausing,
 * DLQ, offsets). `write` must be idempotent by event id and must record `offsets` as
 * the destination's progress, so a restart resumes exactly after what was written.
 */
export interface SinkWriter {
  /** Connects and prepares tables; fails fast (fatal) when misconfigured. */
  open(): Promise<void>;
  /**
   * Writes the rows and stores the offsets. Throws a SluiceError: retriable (nothing or all
   * was written; the same call is repeated), poison (some row can never be written: the loop
   * splits the batch to find it), fatal. `records` may be empty (offsets only).
   */
  write(records: SinkRecord[], offsets: PartitionOffset[]): Promise<void>;
  /** The offsets the destination holds for these partitions (where consumption resumes). */
  storedOffsets(topic: string, partitions: number[]): Promise<PartitionOffset[]>;
  /**
   * Waits until the writes that other instances of this sink had running have ended: a partition
   * handed over in a rebalance may still be in its previous owner's last write, and its stored
   * offset is only final after it. Needed where a write repeated over it would not be harmless.
   */
  awaitOthersWrites?(): Promise<void>;
  /** Records how the run ended (where the destination keeps runs) and disconnects. */
  close(outcome: { rowsRejected: number; error?: string }): Promise<void>;
}

export interface BatchingSinkOptions {
  name: string;
  kafka: Kafka;
  serde: AvroSerde;
  groupId: string;
  /** Source topics with the schema their values are read with. */
  sources: TopicContract[];
  writer: SinkWriter;
  batchRows: number;
  batchMaxWaitMs: number;
  retryMaxDelayMs: number;
  unclassifiedRetries: number;
}

interface Rejected {
  topic: string;
  partition: number;
  message: KafkaMessage;
  error: SluiceError;
  stage: string;
}

/** A buffered message: decoded, or kept with why it could not be (it goes to the DLQ with its batch). */
interface Buffered extends SinkRecord {
  decodeError?: SluiceError;
}

const key = (topic: string, partition: number) => `${topic}\u0000${partition}`;

/** Offsets after the last record of each partition in `records` (records are in offset order per partition). */
export function nextOffsets(records: readonly { topic: string; partition: number; offset: string }[]) {
  const last = new Map<string, { topic: string; partition: number; offset: string }>();
  let previous: (typeof records)[number] | undefined;
  for (const record of records) {
    // noted when the partition changes, not per record: a partition's later run overwrites its earlier one
    if (previous && (previous.partition !== record.partition || previous.topic !== record.topic))
      last.set(key(previous.topic, previous.partition), previous);
    previous = record;
  }
  if (previous) last.set(key(previous.topic, previous.partition), previous);
  return [...last.values()].map(({ topic, partition, offset }) => ({
    topic,
    partition,
    offset: String(BigInt(offset) + 1n),
  }));
}

/**
 * The consumer loop both sinks share: reads the source topics, decodes, batches by size and
 * time, writes through the destination's writer and moves on only once it acknowledged.
 * While the destination is down the loop pauses the partitions and retries with backoff
 * (the buffer never grows past one batch plus one fetch), reports itself not ready with its lag,
 * and resumes where it stopped. Offsets live in the destination; on every assignment the
 * consumer seeks to them and drops anything below, so redelivery never writes twice.
 */
export class BatchingSink implements Component {
  readonly name: string;
  private readonly logger;
  private readonly metrics;
  private readonly consumer: Consumer;
  private readonly producer: Producer;
  private buffer: Buffered[] = [];
  private flushTimer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();
  /** Next offset to write per partition: what the destination holds plus what this process wrote. */
  private readonly positions = new Map<string, bigint>();
  private readonly highWatermarks = new Map<string, bigint>();
  private assignmentReady: Promise<void> = Promise.resolve();
  /** Aborted when the group starts rebalancing: no write starts, a retrying one gives up, until the new assignment. */
  private rebalance = new AbortController();
  private readonly stopping = new AbortController();
  private readonly failure = new AbortController();
  private state: Health = { state: 'down', reason: 'not started' };
  /** Once consumer.run() returned: before it (the first assignment's reads) kafkajs refuses pause and resume. */
  private consuming = false;
  private outageStartedAt?: number;
  rowsWritten = 0;
  rowsRejected = 0;

  constructor(private readonly options: BatchingSinkOptions) {
    this.name = options.name;
    this.logger = componentLogger(options.name, { groupId: options.groupId });
    this.metrics = componentMetrics(options.name);
    this.consumer = options.kafka.consumer({
      groupId: options.groupId,
      // the loop holds a batch while the destination is down: heartbeats keep the membership
      sessionTimeout: 15_000,
      heartbeatInterval: 3_000,
      maxWaitTimeInMs: Math.min(options.batchMaxWaitMs, 1_000),
      maxBytesPerPartition: 4 * 1024 * 1024,
      maxBytes: 16 * 1024 * 1024,
    });
    this.producer = createProducer(options.kafka);
  }

  /** Aborted when the sink hit a fatal error and stopped consuming; the runner should stop it. */
  get failed(): AbortSignal {
    return this.failure.signal;
  }

  health(): Health {
    return this.state;
  }

  private setHealth(state: Health): void {
    this.state = state;
    this.metrics.health(state.state === 'ready' ? 1 : state.state === 'degraded' ? 0.5 : 0);
  }

  /** Messages not yet written, over the partitions this member consumes. */
  lag(): number {
    let total = 0n;
    for (const [partitionKey, high] of this.highWatermarks) {
      const position = this.positions.get(partitionKey) ?? 0n;
      if (high > position) total += high - position;
    }
    return Number(total);
  }

  /** The lag gauge of every partition this member consumes: after each batch, and while the destination is down. */
  private reportLag(): void {
    for (const [partitionKey, high] of this.highWatermarks) {
      const [topic, partition] = partitionKey.split('\u0000') as [string, string];
      const position = this.positions.get(partitionKey) ?? 0n;
      this.metrics.lag(topic, Number(partition), Number(high > position ? high - position : 0n));
    }
  }

  async start(): Promise<void> {
    const { serde, sources, kafka } = this.options;
    for (const source of sources) await serde.register(source);
    const dlqContracts = sources.map((source) => dlqContract(source.topic));
    await ensureTopics(kafka, [
      ...sources.map((source) => source.topic),
      ...dlqContracts.map((c) => c.topic),
    ]);
    for (const contract of dlqContracts) await serde.register(contract);
    await this.options.writer.open();
    await this.producer.connect();
    await this.consumer.connect();
    this.consumer.on(this.consumer.events.REBALANCING, () => {
      this.rebalance.abort();
    });
    this.consumer.on(this.consumer.events.GROUP_JOIN, ({ payload }) => {
      // eachBatch waits for this, so nothing below the stored offsets is written again
      this.assignmentReady = this.takeAssignment(payload.memberAssignment);
    });
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart) this.fail(classifyError(payload.error));
    });
    for (const source of sources) await this.consumer.subscribe({ topic: source.topic, fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch, heartbeat }) => {
        await this.assignmentReady;
        await this.take(batch.topic, batch.partition, batch.messages, batch.highWatermark);
        if (this.buffer.length < this.options.batchRows) return;
        // a full batch is written while the next one is fetched and decoded…
        const flushed = this.flush(false);
        flushed.catch(() => {}); // reported by flush; unwritten records stay buffered
        if (this.buffer.length < 2 * this.options.batchRows) return;
        // …but with two batches waiting this fetch is held until they are written: the backpressure
        const beat = setInterval(() => heartbeat().catch(() => {}), 3_000);
        try {
          await flushed;
        } catch {
          // as above
        } finally {
          clearInterval(beat);
        }
      },
    });
    this.consuming = true;
    this.setHealth({ state: 'ready' });
  }

  /**
   * Hands partitions over without writing anything twice. From the rebalance on, this instance
   * starts no write (REBALANCING aborts `rebalance`); here its write in flight settles, everything
   * buffered is dropped (what was not written is fetched again, by whoever owns it now), the writes
   * other instances had running end, and consumption resumes from the offsets stored in the
   * destination, which then include every write of the partitions' previous owners.
   */
  private async takeAssignment(assignment: Record<string, number[]>): Promise<void> {
    this.rebalance.abort();
    await this.flushing.catch(() => {});
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.buffer = [];
    this.positions.clear();
    this.highWatermarks.clear();
    const { writer } = this.options;
    // as every destination call: an outage pauses consumption and ends in recover(), which resumes it
    if (writer.awaitOthersWrites) {
      await this.withRetry(
        () => writer.awaitOthersWrites?.() ?? Promise.resolve(),
        'wait for the previous owners',
        this.stopping.signal,
      );
    }
    await this.seekToStoredOffsets(assignment);
    this.rebalance = new AbortController();
  }

  private async seekToStoredOffsets(assignment: Record<string, number[]>): Promise<void> {
    for (const [topic, partitions] of Object.entries(assignment)) {
      if (partitions.length === 0) continue;
      let stored: Awaited<ReturnType<SinkWriter['storedOffsets']>> = [];
      await this.withRetry(
        async () => {
          stored = await this.options.writer.storedOffsets(topic, partitions);
        },
        'read stored offsets',
        this.stopping.signal,
      );
      for (const { partition, offset } of stored) {
        this.positions.set(key(topic, partition), BigInt(offset));
        this.consumer.seek({ topic, partition, offset });
      }
      this.logger.info({ topic, stored }, 'assigned partitions; resuming from the stored offsets');
    }
  }

  private async take(
    topic: string,
    partition: number,
    messages: KafkaMessage[],
    highWatermark: string,
  ): Promise<void> {
    const partitionKey = key(topic, partition);
    this.highWatermarks.set(partitionKey, BigInt(highWatermark));
    const position = this.positions.get(partitionKey) ?? -1n;
    // offsets ascend: once one is at the stored position, so are the rest
    let belowPosition = position >= 0n;
    let taken = 0;
    for (const message of messages) {
      if (belowPosition) {
        if (BigInt(message.offset) < position) continue; // already in the destination
        belowPosition = false;
      }
      taken++;
      const record: Buffered = { topic, partition, offset: message.offset, message, value: undefined };
      try {
        const value = this.decode(topic, message);
        // awaited only when a writer schema had to be fetched: a microtask per record costs
        record.value = value instanceof Promise ? await value : value;
      } catch (err) {
        record.decodeError = classifyError(err);
      }
      this.buffer.push(record);
    }
    if (taken > 0) this.metrics.received(topic, taken);
    if (this.buffer.length > 0 && !this.flushTimer) {
      this.flushTimer = setTimeout(() => {
        this.flush(true).catch(() => {});
      }, this.options.batchMaxWaitMs);
    }
  }

  /** Decodes with the schemas already loaded; fetches an unknown writer schema once. */
  private decode(topic: string, message: KafkaMessage): unknown | Promise<unknown> {
    try {
      return this.options.serde.decodeSync(topic, message.value).value;
    } catch (err) {
      if (err instanceof SluiceError && err.code === 'ING_SERDE_UNKNOWN_SCHEMA') {
        return this.options.serde.decode(topic, message.value).then((decoded) => decoded.value);
      }
      throw err;
    }
  }

  /** Writes the full batches buffered (and, when `partial`, the rest too); calls are serialized. */
  private flush(partial: boolean): Promise<void> {
    this.flushing = this.flushing.catch(() => {}).then(() => this.flushBuffered(partial));
    return this.flushing;
  }

  private async flushBuffered(partial: boolean): Promise<void> {
    if (partial) {
      clearTimeout(this.flushTimer);
      this.flushTimer = undefined;
    }
    while (
      (this.buffer.length >= this.options.batchRows || (partial && this.buffer.length > 0)) &&
      !this.failure.signal.aborted &&
      !this.rebalance.signal.aborted
    ) {
      const batch = this.buffer.splice(0, this.options.batchRows);
      try {
        await this.writeBatch(batch);
      } catch (err) {
        // unwritten: put back so a later flush (or the next owner, from the stored offsets) has them
        this.buffer.unshift(...batch);
        const error = classifyError(err);
        const interrupted = this.stopping.signal.aborted || this.rebalance.signal.aborted;
        if (error.disposition === 'fatal' && !interrupted) this.fail(error);
        throw error;
      }
    }
  }

  private async writeBatch(batch: Buffered[]): Promise<void> {
    const endTimer = this.metrics.timeBatch();
    const offsets = nextOffsets(batch);
    const writable: SinkRecord[] = [];
    const rejected: Rejected[] = [];
    for (const record of batch) {
      if (record.decodeError) rejected.push({ ...record, error: record.decodeError, stage: 'decode' });
      else writable.push(record);
    }
    const { poison, offsetsStored } = await this.writeIsolatingPoison(
      writable,
      rejected.length > 0 ? [] : offsets,
    );
    rejected.push(...poison);
    if (rejected.length > 0) await this.sendToDeadLetters(rejected);
    if (!offsetsStored) {
      // held back while bad rows were found: stored once every row of the batch is placed, also
      // through a rebalance (the rows are written: the next owner must resume after them)
      await this.withRetry(
        () => this.options.writer.write([], offsets),
        'store offsets',
        this.stopping.signal,
      );
    }
    for (const { topic, partition, offset } of offsets)
      this.positions.set(key(topic, partition), BigInt(offset));
    const poisonRecords = new Set(poison.map((p) => p.message));
    const written = writable.filter((record) => !poisonRecords.has(record.message));
    this.rowsWritten += written.length;
    this.rowsRejected += rejected.length;
    for (const [topic, count] of countByTopic(written)) this.metrics.sent(topic, count);
    this.reportLag();
    endTimer();
    // Kafka's copy of the offsets only feeds lag tools: the destination's copy is the one resumed from
    this.consumer.commitOffsets(offsets).catch((err) => {
      this.logger.debug({ err: describeError(err) }, 'could not mirror offsets to Kafka');
    });
  }

  /**
   * Writes the batch with its offsets; when the destination rejects it as invalid, splits it
   * in halves until the bad rows are alone, writes the rest and returns the bad rows.
   */
  private async writeIsolatingPoison(
    records: SinkRecord[],
    offsets: PartitionOffset[],
  ): Promise<{ poison: Rejected[]; offsetsStored: boolean }> {
    try {
      await this.withRetry(() => this.options.writer.write(records, offsets), 'write');
      return { poison: [], offsetsStored: offsets.length > 0 };
    } catch (err) {
      const error = classifyError(err);
      if (error.disposition !== 'poison' || records.length === 0) throw error;
      const [record] = records;
      if (records.length === 1 && record)
        return { poison: [{ ...record, error, stage: 'write' }], offsetsStored: false };
      const middle = Math.ceil(records.length / 2);
      const left = await this.writeIsolatingPoison(records.slice(0, middle), []);
      const right = await this.writeIsolatingPoison(records.slice(middle), []);
      return { poison: [...left.poison, ...right.poison], offsetsStored: false };
    }
  }

  /**
   * Retries known outages until they end (pausing consumption meanwhile) and unrecognised
   * errors a bounded number of times; poison and fatal errors are thrown at once.
   */
  private async withRetry(
    operation: () => Promise<void>,
    what: string,
    // a rebalance ends the retries too: the batch may belong to another instance now
    signal = AbortSignal.any([this.stopping.signal, this.rebalance.signal]),
  ): Promise<void> {
    let unclassifiedInARow = 0;
    await retry(
      async () => {
        try {
          await operation();
        } catch (err) {
          const error = classifyError(err);
          unclassifiedInARow = error.code === 'ING_UNCLASSIFIED' ? unclassifiedInARow + 1 : 0;
          if (unclassifiedInARow > this.options.unclassifiedRetries) {
            throw new SluiceError(error.code, `${what} kept failing: ${error.message}`, {
              cause: err,
              disposition: 'fatal',
            });
          }
          throw error;
        }
      },
      {
        retries: Number.POSITIVE_INFINITY,
        maxDelayMs: this.options.retryMaxDelayMs,
        signal,
        onRetry: (error) => this.degrade(error, what),
      },
    );
    if (this.outageStartedAt !== undefined) this.recover();
  }

  private degrade(error: SluiceError, what: string): void {
    this.metrics.error(what, error.code, error.disposition);
    this.reportLag();
    const firstFailure = this.outageStartedAt === undefined;
    this.outageStartedAt ??= Date.now();
    this.setHealth({
      state: 'down',
      reason: `${what} failing since ${new Date(this.outageStartedAt).toISOString()} (${error.code}: ${error.message}); paused, lag ${this.lag()} messages`,
    });
    if (firstFailure) {
      // before the consumer runs nothing is fetched anyway: eachBatch waits for the assignment
      if (this.consuming)
        this.consumer.pause(this.options.sources.map((source) => ({ topic: source.topic })));
      this.logger.warn({ health: this.state }, `${what} failed; consumption paused until it succeeds`);
    }
  }

  private recover(): void {
    const pausedMs = Date.now() - (this.outageStartedAt ?? Date.now());
    this.outageStartedAt = undefined;
    if (this.consuming) this.consumer.resume(this.options.sources.map((source) => ({ topic: source.topic })));
    this.logger.info({ pausedMs }, 'destination is back; consumption resumed');
    this.setHealth({ state: 'ready' });
  }

  private async sendToDeadLetters(rejected: Rejected[]): Promise<void> {
    const messages = rejected.map((r) => {
      this.logger.warn(
        { topic: r.topic, partition: r.partition, offset: r.message.offset, code: r.error.code },
        `poison message to the DLQ: ${r.error.message}`,
      );
      this.metrics.error(r.stage, r.error.code, 'poison');
      this.metrics.dlq(r.topic, reasonOfError(r.error));
      return dlqMessage(
        this.options.serde,
        deadLetterFromError(
          { topic: r.topic, partition: r.partition, message: r.message },
          this.name,
          r.stage,
          r.error,
        ),
      );
    });
    const byTopic = new Map<string, (typeof messages)[number]['message'][]>();
    for (const { topic, message } of messages) byTopic.set(topic, [...(byTopic.get(topic) ?? []), message]);
    await retry(
      () =>
        this.producer.sendBatch({
          acks: -1,
          topicMessages: [...byTopic].map(([topic, topicMessages]) => ({ topic, messages: topicMessages })),
        }),
      {
        retries: Number.POSITIVE_INFINITY,
        maxDelayMs: this.options.retryMaxDelayMs,
        signal: this.stopping.signal,
      },
    );
  }

  private fail(error: SluiceError): void {
    this.logger.error({ err: describeError(error), code: error.code }, 'sink stopped on a fatal error');
    this.metrics.error('sink', error.code, 'fatal');
    this.setHealth({ state: 'down', reason: `${error.code}: ${error.message}` });
    this.failure.abort(error);
  }

  async stop(deadline: number): Promise<void> {
    const giveUp = setTimeout(() => this.stopping.abort(), Math.max(0, deadline - Date.now()));
    try {
      await this.consumer.stop();
      if (!this.failure.signal.aborted) {
        await this.flush(true).catch((err) => {
          this.logger.warn(
            { err: describeError(err) },
            'last batch not written; it is consumed again on restart',
          );
        });
      }
      await this.consumer.disconnect();
      await this.producer.disconnect();
      const failure = this.failure.signal.reason as SluiceError | undefined;
      await this.options.writer.close({ rowsRejected: this.rowsRejected, error: failure?.message });
    } finally {
      clearTimeout(giveUp);
      if (this.state.state !== 'down' || !this.failure.signal.aborted) {
        this.setHealth({ state: 'down', reason: 'stopped' });
      }
    }
  }
}

function countByTopic(records: readonly SinkRecord[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { topic } of records) counts.set(topic, (counts.get(topic) ?? 0) + 1);
  return counts;
}

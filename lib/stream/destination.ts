import { setImmediate as nextTurn } from 'node:timers/promises';
import { classifyError, describeError, SluiceError } from '../errors.ts';
import type { AvroSerde } from '../serde.ts';
import { type Handled, partitionKey, type Rejected, type StreamEngine, type StreamPlugin } from './engine.ts';
import type { Assignment, PartitionBatch, StreamMessage, TopicPartitionOffset } from './kafka-port.ts';

/** One consumed message, decoded with its topic's schema. */
export interface SinkRecord {
  topic: string;
  partition: number;
  offset: string;
  message: StreamMessage;
  value: unknown;
}

/** The next offset to consume in a partition (last written offset + 1). */
export type PartitionOffset = TopicPartitionOffset;

/**
 * What a destination implements; the engine and the destination plugin do the rest (batching,
 * retries, pausing, DLQ, offsets). `write` must be idempotent by event id and must record `offsets`
 * as the destination's progress, so a restart resumes exactly after what was written.
 */
export interface SinkWriter {
  /** Connects and prepares tables; fails fast (fatal) when misconfigured. */
  open(): Promise<void>;
  /**
   * Optional: turns a decoded record into what `write` then receives as its value (a row's bytes),
   * as the record is buffered, so the batch holds bytes and the decoded value dies young. Throws a
   * poison SluiceError for a value that can never be written: the record goes to the DLQ.
   */
  encode?(record: SinkRecord): unknown;
  /**
   * Optional: what `encode` makes of a record, taken straight from its Avro body (`message.value`
   * from `start`, written with the topic's own registered schema) without decoding it; undefined
   * leaves the record to decoding and `encode` (a record it cannot take, or one `encode` refuses).
   */
  encodeRaw?(record: SinkRecord, start: number): unknown;
  /**
   * Writes the rows and stores the offsets. Throws a SluiceError: retriable (nothing or all
   * was written; the same call is repeated), poison (some row can never be written: the batch
   * is split to find it), fatal. `records` may be empty (offsets only).
   */
  write(records: SinkRecord[], offsets: PartitionOffset[]): Promise<void>;
  /** The offsets the destination holds for these partitions (where consumption resumes). */
  storedOffsets(topic: string, partitions: number[]): Promise<PartitionOffset[]>;
  /**
   * Waits until the writes this sink's instances had running have ended: a partition handed over
   * in a rebalance may still be in its previous owner's last write (or in this instance's, given up
   * on while the destination went on with it), and its stored offset is only final after it.
   * Needed where a write repeated over it would not be harmless.
   */
  awaitEarlierWrites?(): Promise<void>;
  /** Records how the run ended (where the destination keeps runs) and disconnects. */
  close(outcome: { rowsRejected: number; error?: string }): Promise<void>;
}

export interface DestinationOptions {
  writer: SinkWriter;
  batchRows: number;
  batchMaxWaitMs: number;
}

/** A buffered message: decoded (and encoded), or kept with why it could not be (it goes to the DLQ with its batch). */
interface Buffered extends SinkRecord {
  rejection?: { error: SluiceError; stage: 'decode' | 'encode' };
}

/** Offsets after the last record of each partition in `records` (records are in offset order per partition). */
export function nextOffsets(records: readonly { topic: string; partition: number; offset: string }[]) {
  const last = new Map<string, { topic: string; partition: number; offset: string }>();
  let previous: (typeof records)[number] | undefined;
  for (const record of records) {
    // noted when the partition changes, not per record: a partition's later run overwrites its earlier one
    if (previous && (previous.partition !== record.partition || previous.topic !== record.topic))
      last.set(partitionKey(previous.topic, previous.partition), previous);
    previous = record;
  }
  if (previous) last.set(partitionKey(previous.topic, previous.partition), previous);
  return [...last.values()].map(({ topic, partition, offset }) => ({
    topic,
    partition,
    offset: String(BigInt(offset) + 1n),
  }));
}

/**
 * Records encoded between two turns of the event loop while a write is in flight: each of the
 * write's round trips (BEGIN, COPY, offsets, COMMIT) waits for a turn, and a fetch's records
 * encoded in one go held them. Sampling pg_stat_activity in the e2e bench at 28,000-30,000
 * readings/s offered, the PostgreSQL sinks' backends sat idle in transaction 13-16% of the time
 * before and 9% after.
 */
const takenBetweenTurns = 256;

/**
 * The sink plugin: batches by size and time, decodes (and has the writer encode) each record as
 * it is buffered or, for a writer without `encode`, as its batch is written through the
 * destination's writer (rows and offsets in one database transaction), and moves on only once it
 * acknowledged. While the
 * destination is down the engine pauses the partitions and retries with backoff (the buffer never
 * grows past one batch plus one fetch), and resumes where it stopped. Offsets live in the
 * destination; on every assignment the consumer seeks to them and drops anything below, so
 * redelivery never writes twice.
 */
export class Destination implements StreamPlugin {
  private buffer: Buffered[] = [];
  /**
   * Per partition, the offset after the last record buffered: after an assignment's seek kafkajs
   * fetches again what a fetch made before it (from Kafka's committed offsets, which trail the
   * destination's) already delivered past the stored offset, and those records must not be taken twice.
   */
  private readonly bufferedUpTo = new Map<string, bigint>();
  /** The partitions of the current assignment (partitionKey). */
  private owned = new Set<string>();
  private flushTimer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();
  private flushesPending = 0;
  /** Set once drained at a stop: what comes after is left to the partitions' next owner. */
  private drained = false;
  /** Aborted when the group starts rebalancing: no write starts, a retrying one gives up, until the new assignment. */
  private rebalance = new AbortController();
  rowsWritten = 0;
  rowsRejected = 0;

  constructor(
    private readonly engine: StreamEngine<Destination>,
    private readonly options: DestinationOptions,
  ) {}

  open(): Promise<void> {
    return this.options.writer.open();
  }

  revoking(): void {
    this.rebalance.abort();
  }

  /**
   * Hands partitions over without writing anything twice. From the rebalance on, this instance
   * starts no write (`revoking`); here its write in flight settles, everything buffered is dropped
   * (what was not written is fetched again, by whoever owns it now), the writes the group had
   * running end (other instances', and this one's given up on), and consumption resumes from the offsets stored in the destination, which then
   * include every write of the partitions' previous owners.
   */
  async assigned(assignment: Assignment): Promise<void> {
    this.rebalance.abort();
    await this.flushing.catch(() => {});
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.buffer = [];
    this.bufferedUpTo.clear();
    this.owned = new Set(
      Object.entries(assignment).flatMap(([topic, partitions]) =>
        partitions.map((partition) => partitionKey(topic, partition)),
      ),
    );
    this.engine.forgetPositions();
    const { writer } = this.options;
    if (writer.awaitEarlierWrites) {
      await this.engine.retry(
        () => writer.awaitEarlierWrites?.() ?? Promise.resolve(),
        'wait for the previous owners',
      );
    }
    for (const [topic, partitions] of Object.entries(assignment)) {
      if (partitions.length === 0) continue;
      const stored = await this.engine.retry(
        () => writer.storedOffsets(topic, partitions),
        'read stored offsets',
      );
      this.engine.acknowledged(stored);
      for (const position of stored) this.engine.consumer.seek(position);
      this.engine.logger.info({ topic, stored }, 'assigned partitions; resuming from the stored offsets');
    }
    this.rebalance = new AbortController();
  }

  async handle(
    { topic, partition, messages }: PartitionBatch,
    heartbeat: () => Promise<void>,
  ): Promise<Handled> {
    await this.take(topic, partition, messages);
    if (this.buffer.length < this.options.batchRows) return { consumed: true };
    if (this.flushesPending > 0) {
      // a full batch waits for the one being written (the backpressure): one batch is written while
      // the next is fetched and encoded, and no more is held (the ClickHouse sink's peak RSS, below)
      const beat = setInterval(() => heartbeat().catch(() => {}), 3_000);
      try {
        await this.flushing;
      } catch {
        // reported by flush; unwritten records stay buffered
      } finally {
        clearInterval(beat);
      }
    }
    this.flush(false).catch(() => {}); // as above
    return { consumed: true };
  }

  private async take(topic: string, partition: number, messages: StreamMessage[]): Promise<void> {
    const key = partitionKey(topic, partition);
    // a batch fetched before a rebalance, of a partition that is another member's now, or after the drain
    if (!this.owned.has(key) || this.drained) return;
    const written = this.engine.position(topic, partition) ?? -1n;
    const buffered = this.bufferedUpTo.get(key) ?? -1n;
    const position = buffered > written ? buffered : written;
    // offsets ascend: once one is at the position, so are the rest
    let belowPosition = position >= 0n;
    let taken = 0;
    let lastTaken: string | undefined;
    const encoding = this.options.writer.encode !== undefined;
    // records taken across a wait belong to the assignment they were fetched in, or to none
    const { signal: rebalancing } = this.rebalance;
    for (const message of messages) {
      if (belowPosition) {
        if (BigInt(message.offset) < position) continue; // already in the destination or the buffer
        belowPosition = false;
      }
      taken++;
      const record: Buffered = { topic, partition, offset: message.offset, message, value: undefined };
      if (encoding) {
        // awaited only when a writer schema had to be fetched: a microtask per record costs
        const prepared = this.prepare(record);
        if (prepared) await prepared;
      }
      if (taken % takenBetweenTurns === 0 && this.flushesPending > 0) await nextTurn();
      // dropped with the buffer by the assignment that aborted it (which may have run meanwhile)
      if (rebalancing.aborted) return;
      // a writer without `encode` gets its records decoded when their batch is written
      this.buffer.push(record);
      lastTaken = record.offset;
    }
    if (lastTaken !== undefined) this.bufferedUpTo.set(key, BigInt(lastTaken) + 1n);
    if (taken > 0) this.engine.metrics.received(topic, taken);
    if (this.buffer.length > 0 && !this.flushTimer) {
      this.flushTimer = setTimeout(() => {
        this.flush(true).catch(() => {});
      }, this.options.batchMaxWaitMs);
    }
  }

  /** Decodes with the schemas already loaded; fetches an unknown writer schema once. */
  private decode(topic: string, message: StreamMessage): unknown | Promise<unknown> {
    const serde: AvroSerde = this.engine.serde;
    try {
      return serde.decodeSync(topic, message.value).value;
    } catch (err) {
      if (err instanceof SluiceError && err.code === 'ING_SERDE_UNKNOWN_SCHEMA') {
        return serde.decode(topic, message.value).then((decoded) => decoded.value);
      }
      throw err;
    }
  }

  /** Writes the full batches buffered (and, when `partial`, the rest too); calls are serialized. */
  private flush(partial: boolean): Promise<void> {
    this.flushesPending++;
    const flushing = this.flushing.catch(() => {}).then(() => this.flushBuffered(partial));
    this.flushing = flushing;
    flushing.then(
      () => this.flushesPending--,
      () => this.flushesPending--,
    );
    return flushing;
  }

  private async flushBuffered(partial: boolean): Promise<void> {
    if (partial) {
      clearTimeout(this.flushTimer);
      this.flushTimer = undefined;
    }
    while (
      (this.buffer.length >= this.options.batchRows || (partial && this.buffer.length > 0)) &&
      !this.engine.failed.aborted &&
      !this.rebalance.signal.aborted &&
      !this.drained
    ) {
      const batch = this.buffer.splice(0, this.options.batchRows);
      try {
        await this.writeBatch(batch);
      } catch (err) {
        // unwritten: put back so a later flush (or the next owner, from the stored offsets) has them
        this.buffer.unshift(...batch);
        const error = classifyError(err);
        const interrupted = this.engine.stopSignal.aborted || this.rebalance.signal.aborted;
        if (error.disposition === 'fatal' && !interrupted) this.engine.fail(error);
        throw error;
      }
    }
  }

  /**
   * Decodes the record and has the writer encode it, or notes why either failed; returns a promise
   * only when a writer schema has to be fetched. Decoded values must not be held for a batch or two:
   * they survived every young-generation collection meanwhile (ClickHouse sink: 27% of the process's
   * time in the collector, 958 MiB peak RSS at 50,000-row batches). So a writer that encodes gets
   * each record as it is buffered and keeps its bytes; the others get theirs as the batch is written.
   */
  private prepare(record: Buffered): Promise<void> | undefined {
    if (this.encodedRaw(record)) return undefined;
    let decoded: unknown;
    try {
      decoded = this.decode(record.topic, record.message);
    } catch (err) {
      record.rejection = { error: classifyError(err), stage: 'decode' };
      return undefined;
    }
    if (!(decoded instanceof Promise)) {
      this.encode(record, decoded);
      return undefined;
    }
    return decoded.then(
      (value) => this.encode(record, value),
      (err) => {
        record.rejection = { error: classifyError(err), stage: 'decode' };
      },
    );
  }

  /** True when the writer's `encodeRaw` took the record (written with its topic's own schema) from its bytes. */
  private encodedRaw(record: Buffered): boolean {
    const { writer } = this.options;
    if (!writer.encodeRaw) return false;
    const start = this.engine.serde.ownSchemaBody(record.topic, record.message.value);
    if (start < 0) return false;
    try {
      record.value = writer.encodeRaw(record, start);
    } catch (err) {
      record.value = undefined;
      record.rejection = { error: classifyError(err), stage: 'encode' };
      return true;
    }
    return record.value !== undefined;
  }

  private encode(record: Buffered, decoded: unknown): void {
    record.value = decoded;
    const { writer } = this.options;
    if (!writer.encode) return;
    try {
      record.value = writer.encode(record);
    } catch (err) {
      record.value = undefined;
      record.rejection = { error: classifyError(err), stage: 'encode' };
    }
  }

  /** Prepares the records not prepared as they were buffered (a writer without `encode`). */
  private async prepareAll(batch: Buffered[]): Promise<void> {
    for (const record of batch) {
      if (record.value !== undefined || record.rejection) continue;
      const prepared = this.prepare(record);
      if (prepared) await prepared;
    }
  }

  private async writeBatch(batch: Buffered[]): Promise<void> {
    const { engine } = this;
    const endTimer = engine.metrics.timeBatch();
    await this.prepareAll(batch);
    const offsets = nextOffsets(batch);
    const writable: SinkRecord[] = [];
    const rejected: Rejected[] = [];
    for (const record of batch) {
      if (record.rejection) rejected.push({ ...record, ...record.rejection });
      else writable.push(record);
    }
    const { poison, offsetsStored } = await this.writeIsolatingPoison(
      writable,
      rejected.length > 0 ? [] : offsets,
    );
    rejected.push(...poison);
    if (rejected.length > 0) await engine.sendToDeadLetters(rejected);
    if (!offsetsStored) {
      // held back while bad rows were found: stored once every row of the batch is placed, also
      // through a rebalance (the rows are written: the next owner must resume after them)
      await engine.retry(() => this.options.writer.write([], offsets), 'store offsets');
    }
    engine.acknowledged(offsets);
    const poisonRecords = new Set(poison.map((p) => p.message));
    const written = writable.filter((record) => !poisonRecords.has(record.message));
    this.rowsWritten += written.length;
    this.rowsRejected += rejected.length;
    for (const [topic, count] of countByTopic(written)) engine.metrics.sent(topic, count);
    engine.reportLag();
    endTimer();
    // Kafka's copy of the offsets only feeds lag tools: the destination's copy is the one resumed from
    engine.consumer.commit(offsets).catch((err) => {
      engine.logger.debug({ err: describeError(err) }, 'could not mirror offsets to Kafka');
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
      // a rebalance ends the retries too: the batch may belong to another instance now; and no
      // attempt starts while the group may have given the partitions to another member unseen
      await this.engine.retry(
        () => {
          this.engine.assertMembership();
          return this.options.writer.write(records, offsets);
        },
        'write',
        AbortSignal.any([this.engine.stopSignal, this.rebalance.signal]),
      );
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

  async drain(): Promise<void> {
    await this.flush(true).catch((err) => {
      this.engine.logger.warn(
        { err: describeError(err) },
        'last batch not written; it is consumed again on restart',
      );
    });
    this.drained = true;
  }

  async close(failure: SluiceError | undefined): Promise<void> {
    clearTimeout(this.flushTimer);
    await this.options.writer.close({ rowsRejected: this.rowsRejected, error: failure?.message });
  }
}

function countByTopic(records: readonly SinkRecord[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { topic } of records) counts.set(topic, (counts.get(topic) ?? 0) + 1);
  return counts;
}

import type { IHeaders } from 'kafkajs';
import type { Health } from '../../lib/component.ts';
import { deadLetter, dlqMessage, originalOf } from '../../lib/dlq.ts';
import { classifyError, describeError, type SluiceError } from '../../lib/errors.ts';
import type { Handled, StreamEngine, StreamPlugin } from '../../lib/stream/engine.ts';
import type {
  Assignment,
  OutputMessage,
  PartitionBatch,
  PartitionOutput,
  StreamMessage,
} from '../../lib/stream/kafka-port.ts';
import type { TopicContract } from '../../schemas/catalog.ts';
import type { RunnerSettings } from './config.ts';
import { DedupeWindow, isDuplicate } from './dedupe.ts';
import { type Evaluated, RecordEvaluator } from './evaluation.ts';
import { processorMetrics } from './metrics.ts';
import { type RecordMeta, type Rejection, type RunningPipeline, startPipelineModule } from './pipeline.ts';
import { PipelineThreads } from './pipeline-threads.ts';
import { type RunOutcomeOptions, RunOutcomeTally } from './run-outcomes.ts';

export interface RunnerTopics {
  input: TopicContract;
  output: TopicContract;
  dlq: TopicContract;
}

export interface RunnerProgress {
  /** Raw records processed and committed (restored records not counted). */
  processed: number;
  accepted: number;
  rejected: number;
  duplicates: number;
}

export interface ProcessorPluginOptions {
  /** URL of the module whose `startPipeline` builds the pipeline, here or in each pipeline thread. */
  pipelineModule: string;
  /** The processor's settings: the runner's, and what its pipeline reads. */
  settings: RunnerSettings;
  topics: RunnerTopics;
  /** Stop consuming once every listed partition reached this offset (reprocessing, benchmarks). */
  until?: ReadonlyMap<number, number>;
  onProgress?: (progress: RunnerProgress) => void;
  /** Count each run's outcome (events carrying the run header) and publish it in the batch's transaction. */
  runOutcomes?: RunOutcomeOptions;
}

/** What the processor knows about one assigned partition. */
interface PartitionState {
  /** Where the partition's outputs go with its offset: its own transactional producer (transactions on). */
  output: PartitionOutput;
  window: DedupeWindow;
  /** Records before this offset only rebuild the dedupe window; they were committed before. */
  restoreUntil: number;
  /** Where the partition is fetched again from after a failure: its last commit. */
  committedOffset: number;
  /** The offset the next batch must start at (or after, when the broker filtered records). */
  nextOffset: number;
  /** False until the consumer was moved to the start of the restore range. */
  positioned: boolean;
  /** The batch being evaluated: closing the partition (a rejoin) waits for it. */
  evaluating?: Promise<void>;
  /** The output's sends and commits, one after the other (never rejects). */
  queue: Promise<void>;
  /** The transaction being filled, not committed yet. */
  open?: OpenTransaction;
}

/**
 * Batches of one partition sent in one transaction. Under a backlog a partition's batches share a
 * transaction for up to `backlogCommitIntervalMs`: each commit costs the broker a write of its
 * markers and transaction state whatever its size, and a 1 MiB batch a transaction made the broker
 * spend about as much CPU on the processor as on the rest of its work.
 */
interface OpenTransaction {
  /** The offset the commit stores: after the last batch sent in it. */
  nextOffset: number;
  startedAt: number;
  batches: SentBatch[];
  /** Commits it when the backlog interval is up. */
  timer?: NodeJS.Timeout;
  failed: boolean;
}

interface SentBatch {
  counts: RunnerProgress;
  rejectionCodes: string[];
  endTimer: () => void;
}

const heartbeatEvery = 500;

interface BatchResult {
  outputs: OutputMessage[];
  deadLetters: OutputMessage[];
  /** Per-run outcome events (see RunOutcomeTally). */
  runOutcomes: OutputMessage[];
  counts: RunnerProgress;
  rejectionCodes: string[];
}

/**
 * The processor on the stream engine: consume → process → produce with Kafka transactions. Each
 * batch of a partition goes through the pipeline, and its outputs, dead letters and next offset are
 * committed in one transaction, so every raw event yields its outputs exactly once, also across
 * crashes. The pipeline's stages are pure; this plugin adds the dedupe window (rebuilt from the
 * records before the committed offset when a partition is taken over) and counts run outcomes.
 */
export class ProcessorPlugin implements StreamPlugin {
  private readonly pipelineModule: string;
  private readonly settings: RunnerSettings;
  private readonly topics: RunnerTopics;
  private readonly extraMetrics: ReturnType<typeof processorMetrics>;
  private readonly until?: ReadonlyMap<number, number>;
  private readonly onProgress?: (progress: RunnerProgress) => void;
  private readonly runOutcomes?: RunOutcomeOptions;
  private readonly partitions = new Map<number, PartitionState>();
  /** Dedupe windows reserved for assigned partitions that are not open yet (`assigned`). */
  private readonly reservedWindows = new Map<number, DedupeWindow>();
  private readonly finishedPartitions = new Set<number>();
  /** Batches handed back and not yet delivered. */
  private readonly processing = new Set<Promise<void>>();
  /** Commits in flight. */
  private readonly commits = new Set<Promise<void>>();
  private readonly progress: RunnerProgress = { processed: 0, accepted: 0, rejected: 0, duplicates: 0 };
  /** The pipeline on this thread (no pipeline threads), and its evaluator. */
  private running?: RunningPipeline<unknown, unknown>;
  private records?: RecordEvaluator<unknown, unknown>;
  private threads?: PipelineThreads;
  private resolveFinished?: () => void;
  /** Resolves once every partition of `until` is done (never, without `until`). */
  readonly finished: Promise<void>;

  constructor(
    private readonly engine: StreamEngine<ProcessorPlugin>,
    options: ProcessorPluginOptions,
  ) {
    this.pipelineModule = options.pipelineModule;
    this.settings = options.settings;
    this.topics = options.topics;
    this.until = options.until;
    this.onProgress = options.onProgress;
    this.runOutcomes = options.runOutcomes;
    this.extraMetrics = processorMetrics(engine.name);
    this.finished = new Promise((resolveFinished) => {
      this.resolveFinished = resolveFinished;
    });
    if (this.until && this.until.size === 0) this.resolveFinished?.();
  }

  /** The pipeline here, or on pipeline threads (`threads` > 0). */
  async open(): Promise<void> {
    const { input, output } = this.topics;
    const { serde, name } = this.engine;
    if (this.settings.threads > 0) {
      this.threads = await PipelineThreads.start(this.settings.threads, {
        pipelineModule: this.pipelineModule,
        settings: this.settings,
        component: name,
        input,
        output,
        schemaIds: { input: serde.schemaId(input.topic), output: serde.schemaId(output.topic) },
      });
      return;
    }
    this.running = await startPipelineModule(this.pipelineModule, this.settings, name);
    this.records = new RecordEvaluator(this.running.pipeline, serde, output.topic);
  }

  /**
   * A rejoin moves every partition back to its committed offset: a partition still rebuilding its
   * window (or waiting for its seek) would resume past the records it has not replayed yet, so it
   * starts over; settled partitions are at the committed offset.
   */
  async assigned(assignment: Assignment): Promise<void> {
    const assigned = new Set(assignment[this.topics.input.topic] ?? []);
    const kept = new Set<number>();
    for (const [partition, state] of [...this.partitions]) {
      const settled = state.positioned && state.nextOffset >= state.restoreUntil;
      if (!assigned.has(partition) || !settled) void this.closeWhenCommitted(partition, state);
      else kept.add(partition);
    }
    // Each partition to open gets its dedupe window now, at full size, not at its first record: the
    // process is as large idle as under load (the windows fill within minutes of any steady load).
    for (const partition of this.reservedWindows.keys()) {
      if (!assigned.has(partition)) this.reservedWindows.delete(partition);
    }
    for (const partition of assigned) {
      if (!kept.has(partition) && !this.reservedWindows.has(partition))
        this.reservedWindows.set(partition, this.newWindow());
    }
  }

  private newWindow(): DedupeWindow {
    return new DedupeWindow(this.settings.dedupeWindowEvents, this.settings.dedupeWindowMs);
  }

  /**
   * Hands the batch back with its processing (evaluation, then the send or commit of its outputs)
   * as its acknowledgement, at once under a backlog: the client fetches again only once every batch
   * of its last fetch is handed back, so awaiting the evaluation there left the pipeline threads
   * idle while the next fetch went back and forth, and the main thread idle while they evaluated.
   */
  async handle(batch: PartitionBatch, heartbeat: () => Promise<void>): Promise<Handled> {
    const { topic, partition } = batch;
    if (this.finishedPartitions.has(partition)) return { consumed: false };
    const firstOffset = Number(batch.firstOffset);
    let state = this.partitions.get(partition);
    // Later than expected is fine (records filtered by read_committed); earlier means the consumer
    // went back (retry after a failure): rebuild from the committed offset.
    if (state && firstOffset < state.nextOffset) {
      await this.closePartition(partition, state);
      state = undefined;
    }
    if (!state) {
      state = await this.openPartition(partition);
      this.partitions.set(partition, state);
    }
    if (!state.positioned) {
      state.positioned = true;
      if (firstOffset !== state.nextOffset) {
        this.engine.logger.debug(
          { partition, firstOffset, to: state.nextOffset },
          'seeking to the restore start',
        );
        this.engine.consumer.seek({ topic, partition, offset: String(state.nextOffset) });
        return { consumed: false };
      }
    }
    const processing = this.process(batch, state, heartbeat);
    this.processing.add(processing);
    void processing.finally(() => this.processing.delete(processing));
    // A partition that caught up is handed back once evaluated, as before: the next fetch has
    // little to overlap, and at low rates fetches (and transactions) stay as large as they were.
    if (this.reachesEnd(batch)) await state.evaluating;
    return { consumed: true, settled: processing };
  }

  /**
   * Evaluates the batch and delivers it. A failure (the rebalance error `heartbeat` throws
   * included) rewinds the partition to its last commit and is raised with the next batch. Never
   * rejects.
   */
  private async process(
    batch: PartitionBatch,
    state: PartitionState,
    heartbeat: () => Promise<void>,
  ): Promise<void> {
    const { partition } = batch;
    const endTimer = this.engine.metrics.timeBatch();
    let evaluated: () => void = () => undefined;
    state.evaluating = new Promise((resolveEvaluated) => {
      evaluated = resolveEvaluated;
    });
    let result: BatchResult;
    try {
      result = await this.transform(batch, state, heartbeat);
    } catch (err) {
      endTimer();
      evaluated();
      await this.abandon(partition, state, state.open, err);
      return;
    }
    // closed while it was evaluated (a send or commit failed): the partition was rewound
    const closed = this.partitions.get(partition) !== state;
    const delivered = closed ? undefined : this.deliver(batch, state, result, endTimer);
    if (closed) endTimer();
    evaluated();
    await delivered;
  }

  /**
   * Sends the batch's outputs in the partition's open transaction, and commits it when the batch
   * reached the end of the partition or of `until` (its outputs then go out at once) or the
   * transaction has been open for the backlog interval; later otherwise (a timer, the next batch,
   * a rebalance or a stop). Resolves once the send (or the commit) is done: the partition's next
   * batch waits for it.
   */
  private deliver(
    batch: PartitionBatch,
    state: PartitionState,
    result: BatchResult,
    endTimer: () => void,
  ): Promise<void> {
    const { partition } = batch;
    const { counts, rejectionCodes, outputs, deadLetters, runOutcomes } = result;
    const nextOffset = Number(batch.lastOffset) + 1;
    state.nextOffset = nextOffset;
    if (counts.processed === 0 && !state.open) {
      // only rebuilt the window: nothing to send or commit
      endTimer();
      this.acknowledge(partition, nextOffset);
      return Promise.resolve();
    }
    const now = Date.now();
    state.open ??= { nextOffset, startedAt: now, batches: [], failed: false };
    const transaction = state.open;
    transaction.nextOffset = nextOffset;
    transaction.batches.push({ counts, rejectionCodes, endTimer });
    if (outputs.length + deadLetters.length + runOutcomes.length > 0) {
      const messages: [string, OutputMessage[]][] = [
        [this.topics.output.topic, outputs],
        [this.topics.dlq.topic, deadLetters],
        [this.runOutcomes?.topic.topic ?? '', runOutcomes],
      ];
      this.enqueue(partition, state, transaction, () => state.output.send(messages));
    }
    const openFor = now - transaction.startedAt;
    const interval = this.settings.backlogCommitIntervalMs;
    if (this.reachesEnd(batch) || openFor >= interval) return this.commitOpen(partition, state);
    transaction.timer ??= setTimeout(() => void this.commitOpen(partition, state), interval - openFor);
    return state.queue;
  }

  /**
   * The batch reached its partition's end (caught up), or `until`'s: the commit that stops the
   * partition there must not wait while it goes on past it.
   */
  private reachesEnd(batch: PartitionBatch): boolean {
    const end = this.until?.get(batch.partition) ?? Number.POSITIVE_INFINITY;
    return Number(batch.lastOffset) + 1 >= Math.min(Number(batch.highWatermark), end);
  }

  /** Runs a send or commit after the partition's earlier ones; a failure abandons the transaction. */
  private enqueue(
    partition: number,
    state: PartitionState,
    transaction: OpenTransaction,
    call: () => Promise<void>,
    done?: () => void,
  ): Promise<void> {
    state.queue = state.queue.then(async () => {
      if (transaction.failed) return;
      try {
        await call();
      } catch (err) {
        void this.abandon(partition, state, transaction, err);
        return;
      }
      done?.();
    });
    return state.queue;
  }

  /** Commits the partition's open transaction, if one is; resolves once its output is idle. */
  private commitOpen(partition: number, state: PartitionState): Promise<void> {
    const transaction = state.open;
    if (!transaction) return state.queue;
    state.open = undefined;
    clearTimeout(transaction.timer);
    const next = { topic: this.topics.input.topic, partition, offset: String(transaction.nextOffset) };
    const committing = this.enqueue(
      partition,
      state,
      transaction,
      () => state.output.commit(next),
      () => this.committed(partition, state, transaction),
    );
    this.commits.add(committing);
    void committing.finally(() => this.commits.delete(committing));
    return committing;
  }

  private committed(partition: number, state: PartitionState, transaction: OpenTransaction): void {
    const from = state.committedOffset;
    state.committedOffset = transaction.nextOffset;
    for (const { counts, rejectionCodes, endTimer } of transaction.batches) {
      endTimer();
      this.account(partition, counts, rejectionCodes, state);
    }
    this.engine.logger.debug(
      {
        partition,
        from,
        nextOffset: transaction.nextOffset,
        batches: transaction.batches.length,
        restoreUntil: state.restoreUntil,
      },
      'transaction committed',
    );
    this.acknowledge(partition, transaction.nextOffset);
  }

  private acknowledge(partition: number, nextOffset: number): void {
    this.engine.acknowledged([{ topic: this.topics.input.topic, partition, offset: String(nextOffset) }]);
    const end = this.until?.get(partition);
    if (end !== undefined && nextOffset >= end) this.finishPartition(partition);
  }

  /**
   * A batch, send or commit that failed: the transaction's batches are not committed and the
   * window may hold their ids, so the partition is closed (its output aborting the transaction) and
   * rebuilt from its committed offset. It is fetched again from there (the failure raised with the
   * next batch), also when nothing new arrives on it.
   */
  private abandon(
    partition: number,
    state: PartitionState,
    transaction: OpenTransaction | undefined,
    err: unknown,
  ): Promise<void> {
    if (transaction) {
      forget(transaction);
      if (state.open === transaction) state.open = undefined;
    }
    if (this.partitions.get(partition) === state) this.partitions.delete(partition);
    this.engine.rewind(
      { topic: this.topics.input.topic, partition, offset: String(state.committedOffset) },
      err,
    );
    return state.queue.then(() => this.failBatch(partition, state, err));
  }

  /** A batch that failed: its records are not committed, and the window may hold their ids, so the partition is rebuilt. */
  private async failBatch(partition: number, state: PartitionState, err: unknown): Promise<void> {
    await this.closePartition(partition, state);
    const error = classifyError(err);
    this.engine.metrics.error('batch', error.code, error.disposition);
    this.engine.setHealth({ state: 'down', reason: describeError(err) });
  }

  /**
   * Runs the batch's records through decode → stages → encode (on pipeline threads, or here one by
   * one), then the partition's dedupe window; records before `restoreUntil` only rebuild the window.
   */
  private async transform(
    batch: PartitionBatch,
    state: PartitionState,
    heartbeat: () => Promise<void>,
  ): Promise<BatchResult> {
    const result: BatchResult = {
      outputs: [],
      deadLetters: [],
      runOutcomes: [],
      counts: { processed: 0, accepted: 0, rejected: 0, duplicates: 0 },
      rejectionCodes: [],
    };
    const { counts } = result;
    const tally =
      this.runOutcomes &&
      new RunOutcomeTally(this.runOutcomes.header, {
        component: this.engine.name,
        consumerGroup: this.settings.groupId,
        inputTopic: batch.topic,
        partition: batch.partition,
      });
    const messages = batch.messages.filter((message) => Number(message.offset) >= state.nextOffset);
    const evaluated = await this.threads?.evaluate(batch.topic, batch.partition, messages);
    const records = this.records as RecordEvaluator<unknown, unknown>;
    for (let index = 0; index < messages.length; index++) {
      const message = messages[index] as StreamMessage;
      const meta: RecordMeta = {
        topic: batch.topic,
        partition: batch.partition,
        offset: Number(message.offset),
        timestamp: Number(message.timestamp),
      };
      const outcome: Evaluated =
        evaluated?.[index] ??
        records.evaluateSync(message.value, meta) ??
        (await records.evaluateSlowly(message.value, meta));
      // only an output takes its event id: a corrected resend of a refused reading (same id) must pass
      const duplicate =
        outcome.kind === 'output' &&
        isDuplicate(outcome.eventId, meta, state.window, replayedOffset(message.headers, meta));
      if (meta.offset >= state.restoreUntil) {
        counts.processed += 1;
        if (duplicate) {
          counts.duplicates += 1;
          tally?.duplicate(message.headers, meta.offset);
        } else if (outcome.kind === 'rejected') {
          counts.rejected += 1;
          result.rejectionCodes.push(outcome.rejection.code);
          result.deadLetters.push(this.deadLetter(message, meta, outcome.rejection));
          tally?.deadLettered(message.headers, meta.offset, outcome.rejection);
        } else {
          counts.accepted += 1;
          tally?.normalized(message.headers, meta.offset, outcome.notes);
          result.outputs.push({
            key: outcome.key,
            value: outcome.value,
            headers: traceHeaders(message.headers),
          });
        }
      }
      if (index % heartbeatEvery === heartbeatEvery - 1) await heartbeat();
    }
    if (tally && this.runOutcomes) {
      const topic = this.runOutcomes.topic.topic;
      const { serde } = this.engine;
      result.runOutcomes = tally.outcomes(Date.now()).map((outcome) => ({
        key: outcome.runId,
        value: serde.encode(topic, outcome),
      }));
    }
    return result;
  }

  private deadLetter(message: StreamMessage, meta: RecordMeta, rejection: Rejection): OutputMessage {
    const letter = deadLetter(
      { topic: meta.topic, partition: meta.partition, message },
      this.engine.name,
      rejection.stage,
      rejection.code,
      rejection.message,
    );
    return dlqMessage(this.engine.serde, letter, this.topics.dlq.topic).message;
  }

  /**
   * Takes a partition over: its output first (with transactions, initialising the partition's
   * transactional id fences every earlier owner and aborts what it left open), then the committed
   * offset, and plans the replay of the records that rebuild the dedupe window.
   */
  private async openPartition(partition: number): Promise<PartitionState> {
    const topic = this.topics.input.topic;
    const { consumer, port } = this.engine;
    const output = await port.partitionOutput(
      consumer,
      this.settings.groupId,
      this.settings.transactions ? `${this.settings.transactionalIdPrefix}-${topic}-${partition}` : undefined,
    );
    const committed = (await consumer.committed(topic)).get(partition);
    const { low, high } = await consumer.offsetRange(topic, partition);
    const start = committed ?? (this.settings.fromBeginning ? low : high);
    const restoreFrom = Math.max(low, start - this.settings.dedupeWindowEvents);
    this.engine.logger.info({ partition, committed: start, restoreFrom }, 'partition opened');
    return {
      output,
      window: this.takeReservedWindow(partition),
      restoreUntil: start,
      committedOffset: start,
      nextOffset: restoreFrom,
      positioned: false,
      queue: Promise.resolve(),
    };
  }

  /** The window `assigned` reserved for the partition, or a new one (a partition reopened since). */
  private takeReservedWindow(partition: number): DedupeWindow {
    const reserved = this.reservedWindows.get(partition);
    this.reservedWindows.delete(partition);
    return reserved ?? this.newWindow();
  }

  /** Closes the partition once its batch being evaluated and its open transaction are committed. */
  private async closeWhenCommitted(partition: number, state: PartitionState): Promise<void> {
    await state.evaluating;
    await this.commitOpen(partition, state);
    await this.closePartition(partition, state);
  }

  /**
   * Forgets the partition's state (only if it is still `state`, when given) and closes its output
   * once its sends and commits are done, aborting a transaction left open (never committed).
   */
  private async closePartition(partition: number, state = this.partitions.get(partition)): Promise<void> {
    if (this.partitions.get(partition) === state) this.partitions.delete(partition);
    if (!state) return;
    if (state.open) forget(state.open);
    state.open = undefined;
    await state.queue;
    await state.output.close().catch((err) => {
      this.engine.logger.warn({ partition, err: describeError(err) }, 'producer did not disconnect cleanly');
    });
  }

  private account(
    partition: number,
    counts: RunnerProgress,
    rejectionCodes: string[],
    state: PartitionState,
  ): void {
    const { input, output, dlq } = this.topics;
    const { metrics } = this.engine;
    if (counts.processed > 0) metrics.received(input.topic, counts.processed);
    if (counts.accepted > 0) metrics.sent(output.topic, counts.accepted);
    for (const code of rejectionCodes) {
      metrics.dlq(dlq.topic, code);
      metrics.error('pipeline', code, 'poison');
    }
    if (counts.duplicates > 0) this.extraMetrics.duplicates(input.topic, counts.duplicates);
    this.extraMetrics.windowIds(input.topic, partition, state.window.size);
    this.progress.processed += counts.processed;
    this.progress.accepted += counts.accepted;
    this.progress.rejected += counts.rejected;
    this.progress.duplicates += counts.duplicates;
    this.engine.setHealth({ state: 'ready' });
    this.onProgress?.({ ...this.progress });
  }

  private finishPartition(partition: number): void {
    this.finishedPartitions.add(partition);
    this.engine.consumer.pause([this.topics.input.topic], [partition]);
    if ([...(this.until?.keys() ?? [])].every((p) => this.finishedPartitions.has(p)))
      this.resolveFinished?.();
  }

  totals(): RunnerProgress {
    return { ...this.progress };
  }

  /** The group is rebalancing: what is open commits now, before a partition may move. */
  revoking(): void {
    for (const [partition, state] of this.partitions) void this.commitOpen(partition, state);
  }

  async drain(): Promise<void> {
    await Promise.allSettled([...this.processing]);
    this.revoking();
    await Promise.allSettled([...this.commits]);
  }

  async close(_failure: SluiceError | undefined): Promise<void> {
    for (const partition of [...this.partitions.keys()]) await this.closePartition(partition);
    await this.threads?.stop();
    await this.running?.stop();
  }

  health(): Health | undefined {
    return this.threads ? this.threads.health() : this.running?.health?.();
  }
}

/** A transaction that will not commit: its timer is stopped and its batches' timers end. */
function forget(transaction: OpenTransaction): void {
  if (transaction.failed) return;
  transaction.failed = true;
  clearTimeout(transaction.timer);
  for (const { endTimer } of transaction.batches) endTimer();
}

/** The offset, in this record's own partition, of the record a dead-letter replay copies (dlq-replay.ts). */
function replayedOffset(headers: IHeaders | undefined, meta: RecordMeta): number | undefined {
  const original = originalOf(headers);
  return original?.topic === meta.topic && original.partition === meta.partition
    ? original.offset
    : undefined;
}

function traceHeaders(headers: IHeaders | undefined): IHeaders | undefined {
  const traceId = headers?.['trace-id'];
  return traceId === undefined ? undefined : { 'trace-id': traceId };
}

import type {
  Admin,
  Consumer,
  EachBatchPayload,
  IHeaders,
  Kafka,
  KafkaMessage,
  Message,
  Producer,
} from 'kafkajs';
import type { Component, Health } from '../../lib/component.ts';
import { deadLetter, dlqMessage } from '../../lib/dlq.ts';
import { classifyError, describeError } from '../../lib/errors.ts';
import { createKafka, createProducer, ensureTopics } from '../../lib/kafka.ts';
import { componentLogger, type Logger } from '../../lib/logger.ts';
import { type ComponentMetrics, componentMetrics } from '../../lib/metrics.ts';
import { createRegistryClient } from '../../lib/registry.ts';
import { AvroSerde } from '../../lib/serde.ts';
import { forKafkajs, sendsOf } from '../../lib/stream/kafkajs-port.ts';
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

export interface RunnerOptions {
  /** Component name (metrics, logs, DLQ envelope). */
  component: string;
  /** URL of the module whose `startPipeline` builds the pipeline, here or in each pipeline thread. */
  pipelineModule: string;
  /** The processor's settings: the runner's, and what its pipeline reads. */
  settings: RunnerSettings;
  topics: RunnerTopics;
  kafka?: Kafka;
  /** Stop consuming once every listed partition reached this offset (reprocessing, benchmarks). */
  until?: ReadonlyMap<number, number>;
  onProgress?: (progress: RunnerProgress) => void;
  /** Count each run's outcome (events carrying the run header) and publish it in the batch's transaction. */
  runOutcomes?: RunOutcomeOptions;
}

/** What the runner knows about one assigned partition. */
interface PartitionState {
  /** Transactional producer of this partition (transactions on) or the shared one. */
  producer: Producer;
  window: DedupeWindow;
  /** Records before this offset only rebuild the dedupe window; they were committed before. */
  restoreUntil: number;
  /** The offset the next batch must start at (or after, when the broker filtered records). */
  nextOffset: number;
  /** False until the consumer was moved to the start of the restore range. */
  positioned: boolean;
  /** The partition's batch in flight, from its evaluation until its transaction settles. */
  inFlight?: Promise<void>;
}

const heartbeatEvery = 500;

interface BatchResult {
  outputs: Message[];
  deadLetters: Message[];
  /** Per-run outcome events (see RunOutcomeTally). */
  runOutcomes: Message[];
  counts: RunnerProgress;
  rejectionCodes: string[];
}

/**
 * Consume → process → produce with Kafka transactions: each batch of a partition is processed
 * through the pipeline and its outputs, dead letters and next offset are committed in one
 * transaction, so every raw event yields its outputs exactly once, also across crashes.
 *
 * Fencing: one transactional id per input partition (`<prefix>-<topic>-<partition>`). A new owner of
 * a partition initialises that id first, which aborts whatever a previous owner (crashed, or a
 * zombie after a rebalance) left open and fences it off, and only then reads the committed offset.
 */
export class TransactionalRunner implements Component {
  readonly name: string;
  private readonly pipelineModule: string;
  private readonly settings: RunnerSettings;
  private readonly topics: RunnerTopics;
  private readonly logger: Logger;
  private readonly metrics: ComponentMetrics;
  private readonly extraMetrics: ReturnType<typeof processorMetrics>;
  private readonly until?: ReadonlyMap<number, number>;
  private readonly onProgress?: (progress: RunnerProgress) => void;
  private readonly runOutcomes?: RunOutcomeOptions;
  private readonly partitions = new Map<number, PartitionState>();
  private readonly partitionTurns = new Map<number, Promise<void>>();
  private readonly finishedPartitions = new Set<number>();
  /** Transactions in flight, and the first one that failed after its batch was handed back. */
  private readonly commits = new Set<Promise<void>>();
  private commitFailure: unknown;
  private readonly progress: RunnerProgress = { processed: 0, accepted: 0, rejected: 0, duplicates: 0 };
  private kafka?: Kafka;
  private admin?: Admin;
  private consumer?: Consumer;
  private sharedProducer?: Producer;
  private serde?: AvroSerde;
  /** The pipeline on this thread (no pipeline threads), and its evaluator. */
  private running?: RunningPipeline<unknown, unknown>;
  private records?: RecordEvaluator<unknown, unknown>;
  private threads?: PipelineThreads;
  private state: Health = { state: 'down', reason: 'not started' };
  private readonly failure = new AbortController();
  private resolveFinished?: () => void;
  /** Resolves once every partition of `until` is done (never, without `until`). */
  readonly finished: Promise<void>;

  constructor(options: RunnerOptions) {
    this.name = options.component;
    this.pipelineModule = options.pipelineModule;
    this.settings = options.settings;
    this.topics = options.topics;
    this.kafka = options.kafka;
    this.until = options.until;
    this.onProgress = options.onProgress;
    this.runOutcomes = options.runOutcomes;
    this.logger = componentLogger(this.name, { input: this.topics.input.topic });
    this.metrics = componentMetrics(this.name);
    this.extraMetrics = processorMetrics(this.name);
    this.finished = new Promise((resolveFinished) => {
      this.resolveFinished = resolveFinished;
    });
    if (this.until && this.until.size === 0) this.resolveFinished?.();
  }

  async start(): Promise<void> {
    this.kafka ??= createKafka(this.name);
    const kafka = this.kafka;
    const { input, output, dlq } = this.topics;
    const contracts = [input, output, dlq, ...(this.runOutcomes ? [this.runOutcomes.topic] : [])];
    await ensureTopics(
      kafka,
      contracts.map((contract) => contract.topic),
    );
    this.serde = new AvroSerde(createRegistryClient());
    await this.serde.registerAll(contracts);
    await this.startPipeline();
    this.admin = kafka.admin();
    await this.admin.connect();
    if (!this.settings.transactions) {
      this.sharedProducer = createProducer(kafka);
      await this.sharedProducer.connect();
    }
    const consumer = kafka.consumer({
      groupId: this.settings.groupId,
      sessionTimeout: this.settings.sessionTimeoutMs,
      heartbeatInterval: this.settings.heartbeatIntervalMs,
      maxBytesPerPartition: this.settings.maxBytesPerPartition,
      maxBytes: this.settings.maxBytes,
      maxWaitTimeInMs: 250,
      readUncommitted: false,
      allowAutoTopicCreation: false,
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      const assigned = new Set(payload.memberAssignment[input.topic] ?? []);
      for (const [partition, state] of [...this.partitions]) {
        // A rejoin moves every partition back to its committed offset: a partition still
        // rebuilding its window (or waiting for its seek) would resume past the records it
        // has not replayed yet, so it starts over; settled partitions are at the committed offset.
        const settled = state.positioned && state.nextOffset >= state.restoreUntil;
        if (!assigned.has(partition) || !settled) void this.closeWhenCommitted(partition, state);
      }
      this.logger.info({ partitions: [...assigned] }, 'partitions assigned');
      this.state = { state: 'ready' };
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.state = { state: 'down', reason: describeError(payload.error) };
      this.metrics.health(0);
      // kafkajs gave up on this consumer: the supervisor replaces the processor
      if (!payload.restart) this.failure.abort(payload.error);
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [input.topic], fromBeginning: this.settings.fromBeginning });
    // Set before run(): the group can be joined (GROUP_JOIN → ready) before run() resolves.
    this.state = { state: 'down', reason: 'joining the consumer group' };
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.settings.concurrency,
      eachBatch: (payload) => this.handleBatch(payload),
    });
  }

  /**
   * Around a rebalance kafkajs can hand out a second batch of a partition while the first is still
   * in flight; batches of one partition must run one after the other, so each waits its turn. A
   * turn lasts until the batch's transaction has committed, which is after kafkajs got the batch
   * back (see processBatch).
   */
  private async handleBatch(payload: EachBatchPayload): Promise<void> {
    const failure = this.commitFailure;
    if (failure !== undefined) {
      // a transaction that failed after its batch was handed back: raised here, where kafkajs
      // handles it as it would have in that batch (a rejoin for a rebalance, a restart otherwise)
      this.commitFailure = undefined;
      throw forKafkajs(failure);
    }
    const partition = payload.batch.partition;
    const previous = this.partitionTurns.get(partition) ?? Promise.resolve();
    let release: () => void = () => undefined;
    const turn = previous.then(() => new Promise<void>((resolveTurn) => (release = resolveTurn)));
    this.partitionTurns.set(partition, turn);
    const endTurn = () => {
      release();
      if (this.partitionTurns.get(partition) === turn) this.partitionTurns.delete(partition);
    };
    await previous;
    let committing: Promise<void> | undefined;
    try {
      ({ committing } = await this.processBatch(payload));
    } finally {
      if (committing) void committing.finally(endTurn);
      else endTurn();
    }
  }

  /**
   * Processes a batch and starts its transaction; hands back the commit in flight. kafkajs fetches
   * again only once every batch of its last fetch is handed back, so awaiting each commit here
   * left the process idle while the last ones and the next fetch went back and forth.
   */
  private async processBatch({
    batch,
    resolveOffset,
    heartbeat,
  }: EachBatchPayload): Promise<{ committing?: Promise<void> }> {
    const partition = batch.partition;
    if (this.finishedPartitions.has(partition)) return {};
    const firstOffset = Number(batch.firstOffset());
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
        this.logger.debug({ partition, firstOffset, to: state.nextOffset }, 'seeking to the restore start');
        this.consumer?.seek({ topic: batch.topic, partition, offset: String(state.nextOffset) });
        return {};
      }
    }
    const endTimer = this.metrics.timeBatch();
    const lastOffset = batch.lastOffset();
    const nextOffset = Number(lastOffset) + 1;
    // closing the partition (a rejoin) waits for this: its producer must outlive the transaction
    let settled: () => void = () => undefined;
    state.inFlight = new Promise((resolveSettled) => {
      settled = resolveSettled;
    });
    let result: BatchResult;
    try {
      result = await this.transform(batch, state, heartbeat);
    } catch (err) {
      settled();
      endTimer();
      await this.failBatch(partition, state, err);
      throw forKafkajs(err);
    }
    const { counts, rejectionCodes, outputs, deadLetters, runOutcomes } = result;
    // the next fetch may start from here; the partition's next batch waits for this commit (its turn)
    const committedOffset = state.nextOffset;
    resolveOffset(lastOffset);
    state.nextOffset = nextOffset;
    const opened = state;
    const committing = (
      counts.processed > 0
        ? this.commit(
            opened,
            partition,
            [
              [this.topics.output.topic, outputs],
              [this.topics.dlq.topic, deadLetters],
              [this.runOutcomes?.topic.topic ?? '', runOutcomes],
            ],
            nextOffset,
          )
        : Promise.resolve()
    ).then(
      () => {
        endTimer();
        this.logger.debug(
          { partition, firstOffset, nextOffset, restoreUntil: opened.restoreUntil, ...counts },
          'batch committed',
        );
        this.account(partition, counts, rejectionCodes, opened);
        const end = this.until?.get(partition);
        if (end !== undefined && nextOffset >= end) this.finishPartition(partition);
      },
      async (err: unknown) => {
        endTimer();
        await this.failBatch(partition, opened, err);
        this.commitFailure ??= err;
        // fetched again from the last commit (and the failure raised with it), also when nothing
        // new arrives on the partition
        this.consumer?.seek({ topic: batch.topic, partition, offset: String(committedOffset) });
      },
    );
    this.commits.add(committing);
    void committing.finally(() => {
      this.commits.delete(committing);
      settled();
    });
    // wrapped: an async function returning the promise itself would settle only with it
    return { committing };
  }

  /** A batch that failed: its records are not committed, and the window may hold their ids, so the partition is rebuilt. */
  private async failBatch(partition: number, state: PartitionState, err: unknown): Promise<void> {
    await this.closePartition(partition, state);
    const error = classifyError(err);
    this.metrics.error('batch', error.code, error.disposition);
    this.state = { state: 'down', reason: describeError(err) };
  }

  /** The pipeline here, or on pipeline threads (`threads` > 0). */
  private async startPipeline(): Promise<void> {
    const { input, output } = this.topics;
    const serde = this.serde as AvroSerde;
    if (this.settings.threads > 0) {
      this.threads = await PipelineThreads.start(this.settings.threads, {
        pipelineModule: this.pipelineModule,
        settings: this.settings,
        component: this.name,
        input,
        output,
        schemaIds: { input: serde.schemaId(input.topic), output: serde.schemaId(output.topic) },
      });
      return;
    }
    this.running = await startPipelineModule(this.pipelineModule, this.settings, this.name);
    this.records = new RecordEvaluator(this.running.pipeline, serde, output.topic);
  }

  /**
   * Runs the batch's records through decode → stages → encode (on pipeline threads, or here one by
   * one), then the partition's dedupe window; records before `restoreUntil` only rebuild the window.
   */
  private async transform(
    batch: EachBatchPayload['batch'],
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
        component: this.name,
        consumerGroup: this.settings.groupId,
        inputTopic: batch.topic,
        partition: batch.partition,
      });
    const messages = batch.messages.filter((message) => Number(message.offset) >= state.nextOffset);
    const evaluated = await this.threads?.evaluate(batch.topic, batch.partition, messages);
    const records = this.records as RecordEvaluator<unknown, unknown>;
    for (let index = 0; index < messages.length; index++) {
      const message = messages[index] as KafkaMessage;
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
      const serde = this.serde as AvroSerde;
      result.runOutcomes = tally.outcomes(Date.now()).map((outcome) => ({
        key: outcome.runId,
        value: serde.encode(topic, outcome),
      }));
    }
    return result;
  }

  private deadLetter(message: KafkaMessage, meta: RecordMeta, rejection: Rejection): Message {
    const letter = deadLetter(
      { topic: meta.topic, partition: meta.partition, message },
      this.name,
      rejection.stage,
      rejection.code,
      rejection.message,
    );
    return dlqMessage(this.serde as AvroSerde, letter, this.topics.dlq.topic).message;
  }

  /** Sends the batch's messages (by topic) and moves the partition's offset, in one transaction when on. */
  private async commit(
    state: PartitionState,
    partition: number,
    messagesByTopic: [topic: string, messages: Message[]][],
    nextOffset: number,
  ): Promise<void> {
    const sends = sendsOf(messagesByTopic);
    const offsets = [{ topic: this.topics.input.topic, partition, offset: String(nextOffset) }];
    if (!this.settings.transactions) {
      for (const topicMessages of sends) await state.producer.sendBatch({ acks: -1, topicMessages });
      await this.consumer?.commitOffsets(offsets);
      return;
    }
    const transaction = await state.producer.transaction();
    try {
      for (const topicMessages of sends) await transaction.sendBatch({ acks: -1, topicMessages });
      await transaction.sendOffsets({
        consumerGroupId: this.settings.groupId,
        topics: [{ topic: this.topics.input.topic, partitions: [{ partition, offset: String(nextOffset) }] }],
      });
      await transaction.commit();
    } catch (err) {
      if (transaction.isActive()) await transaction.abort().catch(() => undefined);
      throw err;
    }
  }

  /**
   * Takes a partition over: fence its transactional id (aborting what a previous owner left open),
   * then read the committed offset and plan the replay of the records that rebuild the dedupe window.
   */
  private async openPartition(partition: number): Promise<PartitionState> {
    const topic = this.topics.input.topic;
    let producer = this.sharedProducer;
    if (!producer) {
      producer = createProducer(this.kafka as Kafka, {
        transactionalId: `${this.settings.transactionalIdPrefix}-${topic}-${partition}`,
      });
      await producer.connect();
      const fence = await producer.transaction();
      await fence.abort();
    }
    const admin = this.admin as Admin;
    const [committed] = (await admin.fetchOffsets({ groupId: this.settings.groupId, topics: [topic] }))
      .flatMap((entry) => entry.partitions)
      .filter((entry) => entry.partition === partition)
      .map((entry) => Number(entry.offset));
    const watermarks = (await admin.fetchTopicOffsets(topic)).find((entry) => entry.partition === partition);
    const low = Number(watermarks?.low ?? 0);
    const high = Number(watermarks?.high ?? 0);
    const start =
      committed !== undefined && committed >= 0 ? committed : this.settings.fromBeginning ? low : high;
    const restoreFrom = Math.max(low, start - this.settings.dedupeWindowEvents);
    this.logger.info({ partition, committed: start, restoreFrom }, 'partition opened');
    return {
      producer,
      window: new DedupeWindow(this.settings.dedupeWindowEvents, this.settings.dedupeWindowMs),
      restoreUntil: start,
      nextOffset: restoreFrom,
      positioned: false,
    };
  }

  /** Closes the partition once its batch in flight settled (the producer is needed until its transaction ends). */
  private async closeWhenCommitted(partition: number, state: PartitionState): Promise<void> {
    await state.inFlight;
    await this.closePartition(partition, state);
  }

  /** Forgets the partition's state (only if it is still `state`, when given) and closes its producer. */
  private async closePartition(partition: number, state = this.partitions.get(partition)): Promise<void> {
    if (this.partitions.get(partition) === state) this.partitions.delete(partition);
    if (state && state.producer !== this.sharedProducer) {
      await state.producer.disconnect().catch((err) => {
        this.logger.warn({ partition, err: describeError(err) }, 'producer did not disconnect cleanly');
      });
    }
  }

  private account(
    partition: number,
    counts: RunnerProgress,
    rejectionCodes: string[],
    state: PartitionState,
  ): void {
    const { input, output, dlq } = this.topics;
    if (counts.processed > 0) this.metrics.received(input.topic, counts.processed);
    if (counts.accepted > 0) this.metrics.sent(output.topic, counts.accepted);
    for (const code of rejectionCodes) {
      this.metrics.dlq(dlq.topic, code);
      this.metrics.error('pipeline', code, 'poison');
    }
    if (counts.duplicates > 0) this.extraMetrics.duplicates(input.topic, counts.duplicates);
    this.extraMetrics.windowIds(input.topic, partition, state.window.size);
    this.progress.processed += counts.processed;
    this.progress.accepted += counts.accepted;
    this.progress.rejected += counts.rejected;
    this.progress.duplicates += counts.duplicates;
    this.metrics.health(1);
    this.state = { state: 'ready' };
    this.onProgress?.({ ...this.progress });
  }

  private finishPartition(partition: number): void {
    this.finishedPartitions.add(partition);
    this.consumer?.pause([{ topic: this.topics.input.topic, partitions: [partition] }]);
    if ([...(this.until?.keys() ?? [])].every((p) => this.finishedPartitions.has(p)))
      this.resolveFinished?.();
  }

  /** Aborted when kafkajs gave up on the consumer: the processor must be replaced. */
  get failed(): AbortSignal {
    return this.failure.signal;
  }

  totals(): RunnerProgress {
    return { ...this.progress };
  }

  async stop(deadline: number): Promise<void> {
    const shutdown = async () => {
      await this.consumer?.disconnect();
      await Promise.allSettled([...this.commits]);
      for (const partition of [...this.partitions.keys()]) await this.closePartition(partition);
      await this.sharedProducer?.disconnect();
      await this.admin?.disconnect();
      await this.threads?.stop();
      await this.running?.stop();
    };
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolveTimeout) => {
      timer = setTimeout(resolveTimeout, Math.max(0, deadline - Date.now()));
    });
    await Promise.race([shutdown(), timeout]).finally(() => clearTimeout(timer));
    this.state = { state: 'down', reason: 'stopped' };
    this.metrics.health(0);
  }

  health(): Health {
    if (this.state.state !== 'ready') return this.state;
    return (this.threads ? this.threads.health() : this.running?.health?.()) ?? this.state;
  }
}

/** The offset, in this record's own partition, of the record a dead-letter replay copies (dlq-replay.ts). */
function replayedOffset(headers: IHeaders | undefined, meta: RecordMeta): number | undefined {
  const topic = headers?.['dlq.original.topic'];
  const partition = headers?.['dlq.original.partition'];
  const offset = headers?.['dlq.original.offset'];
  if (topic === undefined || partition === undefined || offset === undefined) return undefined;
  if (String(topic) !== meta.topic || Number(String(partition)) !== meta.partition) return undefined;
  return Number(String(offset));
}

function traceHeaders(headers: IHeaders | undefined): IHeaders | undefined {
  const traceId = headers?.['trace-id'];
  return traceId === undefined ? undefined : { 'trace-id': traceId };
}

import type { TopicContract } from '../../schemas/catalog.ts';
import type { Component, Health } from '../component.ts';
import { deadLetterFromError, dlqMessage } from '../dlq.ts';
import { classifyError, describeError, SluiceError } from '../errors.ts';
import { append } from '../group.ts';
import { componentLogger, type Logger } from '../logger.ts';
import { type ComponentMetrics, componentMetrics } from '../metrics.ts';
import { reasonOfError } from '../reasons.ts';
import { retry, sharedOnce, whenAborted } from '../retry.ts';
import type { AvroSerde } from '../serde.ts';
import type {
  Assignment,
  KafkaPort,
  OutputMessage,
  PartitionBatch,
  StreamConsumer,
  StreamConsumerOptions,
  StreamMessage,
  TopicPartitionOffset,
} from './kafka-port.ts';

/** What a plugin did with a batch. */
export interface Handled {
  /** True: the consumer moves past the batch; false: the plugin moved the partition itself (a seek). */
  consumed: boolean;
  /**
   * The batch's acknowledgement, when it comes after the handing back (a transaction committing):
   * the partition's next batch waits for it. Never rejects: a failed one calls `rewind`.
   */
  settled?: Promise<void>;
}

/**
 * A component on the engine: a processor (outputs and offsets in one Kafka transaction) or a sink
 * (rows and offsets in one database transaction). The engine owns the consumer, the order of each
 * partition's batches, health, pause/resume while a destination is away, the retry policy, dead
 * letters and the fatal stop; the plugin what its records become.
 */
export interface StreamPlugin {
  /** Connects its destination, starts its pipeline; fails fast (fatal) when misconfigured. */
  open(): Promise<void>;
  /** The group started rebalancing. */
  revoking?(): void;
  /** The member's new assignment: seeks where the plugin resumes; batches wait for it. */
  assigned(assignment: Assignment): Promise<void>;
  handle(batch: PartitionBatch, heartbeat: () => Promise<void>): Promise<Handled>;
  /** Consumption stopped: finishes what it holds (retries end when the stop deadline passes). */
  drain?(): Promise<void>;
  /** The consumer is gone: closes its destination, recording the failure that stopped it, if one did. */
  close(failure: SluiceError | undefined): Promise<void>;
  /** Its own health while the engine is ready (a pipeline's). */
  health?(): Health | undefined;
}

/** A record that can never be written or processed: it goes to `dlq.<topic>` with why. */
export interface Rejected {
  topic: string;
  partition: number;
  message: StreamMessage;
  error: SluiceError;
  stage: string;
}

export interface StreamEngineOptions<P extends StreamPlugin> {
  name: string;
  port: KafkaPort;
  serde: AvroSerde;
  /** Every topic read or written: created when missing, schemas registered at start. */
  contracts: TopicContract[];
  /** The topics consumed. */
  sources: string[];
  fromBeginning: boolean;
  consumer: StreamConsumerOptions;
  /** Longest wait between two attempts while something is away. */
  retryMaxDelayMs: number;
  /** Unclassified errors in a row retried before they count as fatal. */
  unclassifiedRetries: number;
  logContext?: Record<string, unknown>;
  plugin(engine: StreamEngine<P>): P;
}

/** A partition as a map key. */
export const partitionKey = (topic: string, partition: number) => `${topic}\u0000${partition}`;

/**
 * The share of the session timeout a member may go unconfirmed (no heartbeat answered) and still
 * write for its partitions: the coordinator counts the timeout from the heartbeat it received, the
 * member from the answer, and the rest covers a write's way to its destination.
 */
const membershipMargin = 0.8;

/**
 * The one consume loop: hands each partition's batches to the plugin in order (the next one once
 * the previous is acknowledged), tracks positions and lag, pauses consumption while an operation
 * keeps failing and resumes when it succeeds, retries by the one error classification (unclassified
 * errors a bounded number of times in a row), routes rejected records to their DLQ, and stops for
 * good (`failed`, for the supervisor to replace it) on a fatal error.
 */
export class StreamEngine<P extends StreamPlugin = StreamPlugin> implements Component {
  readonly name: string;
  readonly logger: Logger;
  readonly metrics: ComponentMetrics;
  readonly serde: AvroSerde;
  readonly port: KafkaPort;
  readonly consumer: StreamConsumer;
  readonly plugin: P;
  private readonly options: StreamEngineOptions<P>;
  private readonly deadLetters;
  private readonly stopping = new AbortController();
  /** Set once stop() began: consumption stays paused whatever succeeds from then on. */
  private stopRequested = false;
  private readonly failure = new AbortController();
  private state: Health = { state: 'down', reason: 'not started' };
  private outageStartedAt?: number;
  /** Next offset to process per partition, as acknowledged, and the partition's high watermark. */
  private readonly positions = new Map<string, bigint>();
  private readonly highWatermarks = new Map<string, bigint>();
  /** Per partition: settles when its last batch handed out is acknowledged. */
  private readonly turns = new Map<string, Promise<void>>();
  /** An acknowledgement that failed after its batch was handed back: raised with the next batch. */
  private ackFailure: unknown;

  constructor(options: StreamEngineOptions<P>) {
    this.options = options;
    this.name = options.name;
    this.logger = componentLogger(options.name, options.logContext);
    this.metrics = componentMetrics(options.name);
    this.serde = options.serde;
    this.port = options.port;
    this.consumer = options.port.consumer(options.consumer);
    const producer = options.port.producer();
    this.deadLetters = {
      producer,
      connected: sharedOnce(() => producer.connect()),
      used: false,
    };
    this.plugin = options.plugin(this);
  }

  /** Aborted, with the error, when the engine stopped on a fatal error: the supervisor replaces it. */
  get failed(): AbortSignal {
    return this.failure.signal;
  }

  /** Aborted once a stop passed its deadline or ended: retries give up. */
  get stopSignal(): AbortSignal {
    return this.stopping.signal;
  }

  health(): Health {
    if (this.state.state !== 'ready') return this.state;
    return this.plugin.health?.() ?? this.state;
  }

  setHealth(state: Health): void {
    this.state = state;
    this.metrics.health(state.state === 'ready' ? 1 : state.state === 'degraded' ? 0.5 : 0);
  }

  async start(): Promise<void> {
    const { port, contracts, sources } = this.options;
    await port.ensureTopics(contracts.map((contract) => contract.topic));
    await this.serde.registerAll(contracts);
    await this.plugin.open();
    // set before run(): the group can be joined (and the engine ready) before run() resolves
    this.setHealth({ state: 'down', reason: 'joining the consumer group' });
    await this.consumer.run(sources, this.options.fromBeginning, {
      revoking: () => this.plugin.revoking?.(),
      assigned: (assignment) => this.assign(assignment),
      batch: (batch, heartbeat) => this.handle(batch, heartbeat),
      crashed: (error) => this.fail(classifyError(error)),
    });
  }

  private async assign(assignment: Assignment): Promise<void> {
    try {
      await this.plugin.assigned(assignment);
    } catch (err) {
      const error = classifyError(err);
      if (error.disposition === 'fatal' && !this.stopping.signal.aborted) this.fail(error);
      throw error;
    }
    this.logger.info({ assignment }, 'partitions assigned');
    if (this.outageStartedAt !== undefined && !this.stopRequested) this.recover();
    else if (!this.failure.signal.aborted) this.setHealth({ state: 'ready' });
  }

  /**
   * Hands the batch to the plugin once the partition's previous batch is acknowledged: around a
   * rebalance a client can hand out a partition's next batch while the previous one is in flight.
   */
  private async handle(batch: PartitionBatch, heartbeat: () => Promise<void>): Promise<boolean> {
    const failure = this.ackFailure;
    if (failure !== undefined) {
      // raised here, where the client handles it as it would have in that batch
      this.ackFailure = undefined;
      throw failure;
    }
    const key = partitionKey(batch.topic, batch.partition);
    this.highWatermarks.set(key, BigInt(batch.highWatermark));
    const previous = this.turns.get(key) ?? Promise.resolve();
    let release: () => void = () => undefined;
    const turn = previous.then(() => new Promise<void>((resolveTurn) => (release = resolveTurn)));
    this.turns.set(key, turn);
    const endTurn = () => {
      release();
      if (this.turns.get(key) === turn) this.turns.delete(key);
    };
    await previous;
    let handled: Handled | undefined;
    try {
      handled = await this.plugin.handle(batch, heartbeat);
      return handled.consumed;
    } finally {
      if (handled?.settled) void handled.settled.then(endTurn, endTurn);
      else endTurn();
    }
  }

  /**
   * A batch's acknowledgement failed after it was handed back: the partition is fetched again from
   * `position`. Never throws: a consumer that cannot be moved back would go on past the batch, so
   * the engine stops instead, and its replacement starts from the committed offsets.
   */
  rewind(position: TopicPartitionOffset, error: unknown): void {
    this.ackFailure ??= error;
    try {
      this.consumer.seek(position);
    } catch (err) {
      this.fail(classifyError(err));
    }
  }

  /** The partitions' next offsets to process (a batch acknowledged, or where they resume). */
  acknowledged(offsets: readonly TopicPartitionOffset[]): void {
    for (const { topic, partition, offset } of offsets)
      this.positions.set(partitionKey(topic, partition), BigInt(offset));
  }

  /** The next offset to process in a partition, when known. */
  position(topic: string, partition: number): bigint | undefined {
    return this.positions.get(partitionKey(topic, partition));
  }

  /**
   * Throws (retriable) when the group has not confirmed this member for most of a session timeout:
   * its partitions may be another member's by then (the process was paused, or cut off from the
   * coordinator while its timers ran), and a write for them waits for the next heartbeat or the new
   * assignment. A destination without transactions has nothing else to fence such a late writer off.
   */
  assertMembership(): void {
    const confirmedAt = this.consumer.membershipConfirmedAt();
    const limitMs = this.options.consumer.sessionTimeoutMs * membershipMargin;
    const silentMs = confirmedAt === undefined ? Number.POSITIVE_INFINITY : Date.now() - confirmedAt;
    if (silentMs <= limitMs) return;
    throw new SluiceError(
      'ING_KAFKA_UNAVAILABLE',
      `${confirmedAt === undefined ? 'this member has not joined the group or has left it' : `the group has not confirmed this member for ${(silentMs / 1000).toFixed(1)} s`} (session timeout ${this.options.consumer.sessionTimeoutMs / 1000} s): its partitions may have moved, so its writes wait for a heartbeat or the next assignment`,
    );
  }

  /** Forgets positions and lag: a new assignment sets them anew. */
  forgetPositions(): void {
    this.positions.clear();
    this.highWatermarks.clear();
  }

  /** Messages not yet processed, over the partitions this member consumes. */
  lag(): number {
    let total = 0n;
    for (const [key, high] of this.highWatermarks) {
      const position = this.positions.get(key) ?? 0n;
      if (high > position) total += high - position;
    }
    return Number(total);
  }

  /** The lag gauge of every partition this member consumes. */
  reportLag(): void {
    for (const [key, high] of this.highWatermarks) {
      const [topic, partition] = key.split('\u0000') as [string, string];
      const position = this.positions.get(key) ?? 0n;
      this.metrics.lag(topic, Number(partition), Number(high > position ? high - position : 0n));
    }
  }

  /**
   * The one retry policy: known outages are retried until they end (consumption paused meanwhile,
   * health down with the reason), unrecognised errors `unclassifiedRetries` times in a row, then
   * fatal; poison and fatal errors are thrown at once. Ends when `signal` aborts (the stop deadline
   * by default).
   */
  async retry<T>(operation: () => Promise<T>, what: string, signal = this.stopping.signal): Promise<T> {
    let unclassifiedInARow = 0;
    const result = await retry(
      async () => {
        try {
          return await operation();
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
    if (this.outageStartedAt !== undefined && !this.stopRequested) this.recover();
    return result;
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
      this.consumer.pause(this.options.sources);
      this.logger.warn({ health: this.state }, `${what} failed; consumption paused until it succeeds`);
    }
  }

  private recover(): void {
    const pausedMs = Date.now() - (this.outageStartedAt ?? Date.now());
    this.outageStartedAt = undefined;
    this.consumer.resume(this.options.sources);
    this.logger.info({ pausedMs }, 'destination is back; consumption resumed');
    this.setHealth({ state: 'ready' });
  }

  /** Sends rejected records to `dlq.<their topic>`, retried until sent or stopped. */
  async sendToDeadLetters(rejected: readonly Rejected[]): Promise<void> {
    const byTopic = new Map<string, OutputMessage[]>();
    for (const r of rejected) {
      this.logger.warn(
        { topic: r.topic, partition: r.partition, offset: r.message.offset, code: r.error.code },
        `poison message to the DLQ: ${r.error.message}`,
      );
      this.metrics.error(r.stage, r.error.code, 'poison');
      this.metrics.dlq(r.topic, reasonOfError(r.error));
      const { topic, message } = dlqMessage(this.serde, deadLetterFromError(r, this.name, r.stage, r.error));
      append(byTopic, topic, message);
    }
    this.deadLetters.used = true;
    await retry(
      async () => {
        await this.deadLetters.connected();
        await this.deadLetters.producer.send([...byTopic]);
      },
      {
        retries: Number.POSITIVE_INFINITY,
        maxDelayMs: this.options.retryMaxDelayMs,
        signal: this.stopping.signal,
      },
    );
  }

  /** Stops consuming for good: the supervisor replaces the component. */
  fail(error: SluiceError): void {
    if (this.failure.signal.aborted) return;
    this.logger.error({ err: describeError(error), code: error.code }, 'stopped on a fatal error');
    this.metrics.error('engine', error.code, 'fatal');
    this.setHealth({ state: 'down', reason: `${error.code}: ${error.message}` });
    this.failure.abort(error);
  }

  async stop(deadline: number): Promise<void> {
    const giveUp = setTimeout(() => this.stopping.abort(), Math.max(0, deadline - Date.now()));
    try {
      const consumerStopped = (async () => {
        // drained while still a member: once it has left, its partitions may be another member's
        // and its writes would land beside theirs (the port confirms no membership from then on).
        // A destination that is away takes nothing now: the member leaves at once instead of at
        // the deadline, and the next owner fetches what it held.
        this.stopRequested = true;
        this.consumer.pause(this.options.sources);
        if (this.plugin.drain && !this.failure.signal.aborted && this.outageStartedAt === undefined)
          await this.plugin.drain();
        await this.consumer.stop();
        await this.consumer.disconnect();
      })();
      // a client that does not answer is left behind at the deadline
      consumerStopped.catch(() => undefined); // raised by the race below, unless the deadline came first
      await Promise.race([consumerStopped, whenAborted(this.stopping.signal).aborted]);
      if (this.deadLetters.used) await this.deadLetters.producer.disconnect();
      await this.port.close();
      await this.plugin.close(this.failure.signal.reason as SluiceError | undefined);
    } finally {
      clearTimeout(giveUp);
      this.stopping.abort(); // what still retries (a write a late batch started) gives up
      if (!this.failure.signal.aborted) this.setHealth({ state: 'down', reason: 'stopped' });
    }
  }
}

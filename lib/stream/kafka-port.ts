import type { IHeaders } from 'kafkajs';

/**
 * The engine's view of a Kafka client: what the stream engine needs and nothing of how one client
 * gets it. `kafkajs-port.ts` implements it on kafkajs 2.2.4 with every workaround that client
 * needs; a librdkafka-based client (@confluentinc/kafka-javascript, docs/kafka-client.md) can
 * implement the same shape: per-partition batches acknowledged in order, pause/resume, seek,
 * assign/revoke hooks, one transactional commit of outputs and consumed offsets.
 */

/** A consumed record (the kafkajs message shape, which Confluent's client also hands out). */
export interface StreamMessage {
  key: Buffer | null;
  value: Buffer | null;
  timestamp: string;
  offset: string;
  headers?: IHeaders;
}

/** A record to produce. */
export interface OutputMessage {
  key?: Buffer | string | null;
  value: Buffer | string | null;
  headers?: IHeaders;
}

export interface TopicPartitionOffset {
  topic: string;
  partition: number;
  /** The next offset to consume. */
  offset: string;
}

/** Records of one partition, in offset order, as one fetch returned them. */
export interface PartitionBatch {
  topic: string;
  partition: number;
  /** May skip offsets: control records and aborted transactions are filtered out. */
  messages: StreamMessage[];
  highWatermark: string;
  /** Offset of the first record the broker returned (filtered ones included), or of the first message. */
  firstOffset: string;
  /** Offset of the last record the broker returned. */
  lastOffset: string;
}

/** Partitions by topic. */
export type Assignment = Record<string, number[]>;

/** What the consumer calls; the engine implements it. */
export interface ConsumerHooks {
  /** The group started rebalancing: partitions may move; no new write should start. */
  revoking(): void;
  /** This member's new assignment; no batch is handed out before the returned promise settles. */
  assigned(assignment: Assignment): Promise<void>;
  /**
   * One partition's batch. Batches of a partition are handed out one after the other; the client
   * may fetch again once this resolves. A thrown error makes the client fetch the partition again
   * from its last committed position (a rebalance error makes it rejoin). Resolves true when the
   * batch was consumed (the client moves past it), false when it was left to a seek.
   */
  batch(batch: PartitionBatch, heartbeat: () => Promise<void>): Promise<boolean>;
  /** The client gave up on the consumer for good: it must be replaced. */
  crashed(error: unknown): void;
}

export interface StreamConsumerOptions {
  groupId: string;
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  maxWaitTimeMs: number;
  maxBytesPerPartition: number;
  maxBytes: number;
  /** Batches of different partitions handed out at once. */
  partitionsConcurrently: number;
}

export interface StreamConsumer {
  /** Joins the group and consumes the topics (read_committed) until stopped. */
  run(topics: string[], fromBeginning: boolean, hooks: ConsumerHooks): Promise<void>;
  seek(position: TopicPartitionOffset): void;
  /** Every partition of the topics, or the ones given. */
  pause(topics: string[], partitions?: number[]): void;
  resume(topics: string[], partitions?: number[]): void;
  /** Commits the group's offsets outside a transaction. */
  commit(offsets: TopicPartitionOffset[]): Promise<void>;
  /** The group's committed offset per partition (partitions without one are left out). */
  committed(topic: string): Promise<Map<number, number>>;
  /** Each partition's log start (low) and last stable offset (high). */
  offsetRange(topic: string, partition: number): Promise<{ low: number; high: number }>;
  /**
   * When the group last confirmed this member (its join, or a heartbeat answered), if it has and
   * has not been stopped since: a session timeout later the coordinator may have handed its
   * partitions to another member.
   */
  membershipConfirmedAt(): number | undefined;
  /** Stops fetching; a batch being handled finishes. */
  stop(): Promise<void>;
  disconnect(): Promise<void>;
}

/** Produces dead letters and other records outside a transaction (acks=all, idempotent). */
export interface StreamProducer {
  connect(): Promise<void>;
  send(messages: [topic: string, messages: OutputMessage[]][]): Promise<void>;
  disconnect(): Promise<void>;
}

/**
 * Delivers one input partition's outputs together with its consumed offset: with transactions,
 * what `send` puts in the partition's open transaction is committed by `commit` with the offset
 * (exactly once), and a failed send or commit aborts it; without, each send is written at once and
 * `commit` commits the group's offset after them (at least once). Calls are made one at a time.
 */
export interface PartitionOutput {
  /** Outputs of one or more batches, in the open transaction (opening one). */
  send(messages: [topic: string, messages: OutputMessage[]][]): Promise<void>;
  /** Ends the open transaction (or opens and ends one) with the next offset to consume. */
  commit(next: TopicPartitionOffset): Promise<void>;
  /** Aborts the open transaction, if one is, and disconnects. */
  close(): Promise<void>;
}

export interface KafkaPort {
  /** Creates the topics that are missing. */
  ensureTopics(topics: string[]): Promise<void>;
  consumer(options: StreamConsumerOptions): StreamConsumer;
  producer(): StreamProducer;
  /**
   * The output of one input partition for a consumer of `groupId`: transactional (`transactionalId`
   * given: opening it fences every earlier owner and aborts what it left open) or committing the
   * group's offsets after the sends.
   */
  partitionOutput(
    consumer: StreamConsumer,
    groupId: string,
    transactionalId: string | undefined,
  ): Promise<PartitionOutput>;
  /** Closes what the port shares between outputs. */
  close(): Promise<void>;
}

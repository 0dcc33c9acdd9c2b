import type { Kafka } from 'kafkajs';
import type { AvroSerde } from '../lib/serde.ts';
import { Destination, type SinkWriter } from '../lib/stream/destination.ts';
import { StreamEngine } from '../lib/stream/engine.ts';
import { kafkajsPort } from '../lib/stream/kafkajs-port.ts';
import { dlqContract, type TopicContract } from '../schemas/catalog.ts';

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

export type BatchingSink = StreamEngine<Destination>;

const mebibyte = 1024 * 1024;

/**
 * A sink: the stream engine with the destination plugin (lib/stream/destination.ts) over the
 * destination's writer, which stores each batch's rows and offsets in one database transaction.
 */
export function createBatchingSink(options: BatchingSinkOptions): BatchingSink {
  const { batchRows, batchMaxWaitMs, writer } = options;
  // a fetch of at most one batch (~400 bytes a record), and of 2 MiB at most: a response stays in
  // memory until its records are taken (a larger one waits for its batch) and its copy is garbage
  // after that (PostgreSQL sink, 5,000-row batches: peak RSS 262-277 MiB with 2-4 MiB fetches,
  // 299-300 with 16; ClickHouse sink, 25,000-row batches: 301-324 MiB with 2 MiB, 341-372 with 10 MB,
  // at the same CPU per row)
  const fetchBytes = Math.min(2 * mebibyte, Math.max(mebibyte, batchRows * 400));
  return new StreamEngine<Destination>({
    name: options.name,
    port: kafkajsPort(options.kafka),
    serde: options.serde,
    contracts: [...options.sources, ...options.sources.map((source) => dlqContract(source.topic))],
    sources: options.sources.map((source) => source.topic),
    fromBeginning: true,
    consumer: {
      groupId: options.groupId,
      // the sink holds a batch while the destination is down: heartbeats keep the membership
      sessionTimeoutMs: 15_000,
      heartbeatIntervalMs: 3_000,
      maxWaitTimeMs: Math.min(batchMaxWaitMs, 1_000),
      maxBytesPerPartition: fetchBytes / 2,
      maxBytes: fetchBytes,
      partitionsConcurrently: 1,
    },
    retryMaxDelayMs: options.retryMaxDelayMs,
    unclassifiedRetries: options.unclassifiedRetries,
    logContext: { groupId: options.groupId },
    plugin: (engine) => new Destination(engine, { writer, batchRows, batchMaxWaitMs }),
  });
}

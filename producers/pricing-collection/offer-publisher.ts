import type { Worker } from 'node:worker_threads';
import { CompressionTypes, type Kafka, type Message, type Producer } from 'kafkajs';
import { SluiceError } from '../../lib/errors.ts';
import { ensureTopics, keyPartition } from '../../lib/kafka.ts';
import type { AvroSerde } from '../../lib/serde.ts';
import { fromThreadError, startModuleThread, type ThreadError } from '../../lib/threads.ts';
import { runIdHeader, topics } from '../../schemas/catalog.ts';
import type { RawPriceOffer } from '../../schemas/types.ts';

export type OfferCompression = 'none' | 'gzip';

/** One page's offers encoded for one publishing thread: key and value bytes back to back, transferable. */
export interface EncodedSegment {
  /** Index of the publishing thread that owns the segment's partitions. */
  thread: number;
  partitions: number[];
  /** Each message's key bytes then value bytes, back to back. */
  data: ArrayBuffer;
  /** End offsets in `data`: of message i's key at 2i, of its value at 2i + 1. */
  ends: number[];
}

/** What a publishing thread is handed: one batch's segments of one run, sent (and retried) there. */
export interface PublisherJob {
  batchId: number;
  /** The collection run every offer of the batch belongs to: sent as each message's run-id header. */
  runId: string;
  segments: EncodedSegment[];
}

export interface PublisherReply {
  batchId: number;
  error?: ThreadError;
}

/**
 * Kafka refuses a record batch over message.max.bytes (1 MiB by default): sends are cut so their
 * uncompressed values stay under it, whatever the partitioning and the compression ratio.
 */
const maxSendBytes = 900 * 1024;

/** Sends a job's segments with one producer, in sends under the broker's size limit; resolves once all are acknowledged. */
export async function sendEncoded(
  producer: Producer,
  topic: string,
  job: PublisherJob,
  compression: OfferCompression,
): Promise<void> {
  const headers = { [runIdHeader]: job.runId };
  let messages: Message[] = [];
  let sendBytes = 0;
  for (const segment of job.segments) {
    const data = Buffer.from(segment.data);
    let start = 0;
    for (let i = 0; i < segment.partitions.length; i++) {
      const keyEnd = segment.ends[2 * i] as number;
      const end = segment.ends[2 * i + 1] as number;
      if (messages.length > 0 && sendBytes + end - start > maxSendBytes) {
        await send(producer, topic, messages, compression);
        messages = [];
        sendBytes = 0;
      }
      messages.push({
        key: data.subarray(start, keyEnd),
        partition: segment.partitions[i] as number,
        value: data.subarray(keyEnd, end),
        headers,
      });
      sendBytes += end - start;
      start = end;
    }
  }
  if (messages.length > 0) await send(producer, topic, messages, compression);
}

function send(producer: Producer, topic: string, messages: Message[], compression: OfferCompression) {
  return producer.send({
    topic,
    acks: -1,
    compression: compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None,
    messages,
  });
}

/** Bytes of encoded segments. */
export function encodedBytes(segments: readonly EncodedSegment[]): number {
  return segments.reduce((sum, segment) => sum + segment.data.byteLength, 0);
}

/** The message key: provider|sku|region, so every version of one price lands on one partition, in order. */
export function offerKey(offer: RawPriceOffer): string {
  return `${offer.provider}|${offer.sku}|${offer.region ?? ''}`;
}

/**
 * A publishing thread holds a batch or two on their way to Kafka: a small young generation and a
 * bounded old one keep its heap from growing to the process's defaults (a collector's RSS budget).
 */
const publisherHeap = { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 64 };

interface PublisherThread {
  worker: Worker;
  pending: Map<number, { resolve: () => void; reject: (error: SluiceError) => void }>;
}

/**
 * Publishes raw offers through `threads` worker threads, each with its own idempotent producer:
 * kafkajs spends most of a collector's CPU encoding record batches, and one thread tops out far
 * below what the collectors fetch. Partitions are chosen here (as the Java client would) and each
 * partition belongs to one thread, so the order of one price's versions holds.
 */
export class OfferPublisher {
  private readonly threads: PublisherThread[] = [];
  private nextBatchId = 0;

  private constructor(
    private readonly serde: AvroSerde,
    readonly topic: string,
    private readonly count: number,
    private readonly partitions: number,
  ) {}

  /** Starts the publishing threads for `topic` (the raw offers topic, or a test's own), creating it and registering its schema if needed. */
  static async start(
    kafka: Kafka,
    serde: AvroSerde,
    options: { topic: string; threads: number; compression: OfferCompression; name: string },
  ): Promise<OfferPublisher> {
    const { topic, threads, compression, name } = options;
    await ensureTopics(kafka, [topic]);
    await serde.register({ ...topics.rawPricing, topic });
    const admin = kafka.admin();
    await admin.connect();
    let partitions: number;
    try {
      const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
      partitions = metadata.topics[0]?.partitions.length ?? 0;
    } finally {
      await admin.disconnect();
    }
    if (partitions < 1)
      throw new SluiceError('ING_KAFKA_UNAVAILABLE', `topic ${topic} has no partitions yet`);
    const publisher = new OfferPublisher(serde, topic, threads, partitions);
    await Promise.all(
      Array.from({ length: threads }, (_, index) => publisher.spawn(`${name}-${index}`, compression)),
    );
    return publisher;
  }

  private async spawn(name: string, compression: OfferCompression): Promise<void> {
    const worker = startModuleThread(
      new URL('./publisher-worker.ts', import.meta.url),
      { name, topic: this.topic, compression },
      publisherHeap,
    );
    const thread: PublisherThread = { worker, pending: new Map() };
    await new Promise<void>((resolve, reject) => {
      const onMessage = (message: PublisherReply | 'ready') => {
        if (message === 'ready') {
          resolve();
          return;
        }
        if (message.batchId === -1 && message.error) {
          reject(fromThreadError(message.error));
          return;
        }
        const waiter = thread.pending.get(message.batchId);
        thread.pending.delete(message.batchId);
        if (message.error) waiter?.reject(fromThreadError(message.error));
        else waiter?.resolve();
      };
      worker.on('message', onMessage);
      worker.once('error', (err) => {
        const error = new SluiceError('ING_PROGRAMMING', `publisher thread ${name} crashed: ${err.message}`, {
          cause: err,
        });
        for (const waiter of thread.pending.values()) waiter.reject(error);
        thread.pending.clear();
        reject(error);
      });
    });
    this.threads.push(thread);
  }

  /**
   * Encodes offers for the publishing threads, one segment per thread (a value that does not fit
   * the schema is a poison error here, before anything is sent). Encoded, a page waits for Kafka as
   * bytes outside the JS heap, and its offers are let go while young.
   */
  encode(offers: RawPriceOffer[]): EncodedSegment[] {
    const parts = Array.from({ length: this.count }, () => ({
      partitions: [] as number[],
      chunks: [] as Buffer[],
      bytes: 0,
    }));
    for (const offer of offers) {
      const key = Buffer.from(offerKey(offer));
      const partition = keyPartition(key, this.partitions);
      const part = parts[partition % this.count] as (typeof parts)[number];
      const value = this.serde.encode(this.topic, offer);
      part.partitions.push(partition);
      part.chunks.push(key, value);
      part.bytes += key.length + value.length;
    }
    return parts.flatMap((part, thread) => {
      if (part.partitions.length === 0) return [];
      const data = new ArrayBuffer(part.bytes);
      const view = new Uint8Array(data);
      const ends: number[] = [];
      let offset = 0;
      for (const chunk of part.chunks) {
        view.set(chunk, offset);
        offset += chunk.length;
        ends.push(offset);
      }
      return [{ thread, partitions: part.partitions, data, ends }];
    });
  }

  /**
   * Hands one run's encoded segments to their threads (transferred, not copied: each thread retries
   * its own sends); resolves once Kafka acknowledged every offer.
   */
  async publish(runId: string, segments: EncodedSegment[]): Promise<void> {
    await Promise.all(
      this.threads.map((thread, index) => {
        const own = segments.filter((segment) => segment.thread === index);
        if (own.length === 0) return undefined;
        const batchId = this.nextBatchId++;
        const job: PublisherJob = { batchId, runId, segments: own };
        return new Promise<void>((resolve, reject) => {
          thread.pending.set(batchId, { resolve, reject });
          thread.worker.postMessage(
            job,
            own.map((segment) => segment.data),
          );
        });
      }),
    );
  }

  async close(): Promise<void> {
    await Promise.all(
      this.threads.map(async ({ worker }) => {
        const exited = new Promise((resolve) => worker.once('exit', resolve));
        worker.postMessage('close');
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000).unref())]);
        await worker.terminate();
      }),
    );
  }
}

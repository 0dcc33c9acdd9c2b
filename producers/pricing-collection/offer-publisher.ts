import type { Worker } from 'node:worker_threads';
import { CompressionTypes, type Kafka, type Message, type Producer } from 'kafkajs';
import { SluiceError } from '../../lib/errors.ts';
import { keyPartition } from '../../lib/kafka.ts';
import type { AvroSerde } from '../../lib/serde.ts';
import { fromThreadError, startModuleThread, type ThreadError } from '../../lib/threads.ts';
import type { RawPriceOffer } from '../../schemas/types.ts';
import { offersTopic } from './raw-offers.ts';

export type OfferCompression = 'none' | 'gzip';

/** Offers encoded for one publishing thread: the values back to back in one transferable buffer. */
export interface EncodedBatch {
  batchId: number;
  partitions: number[];
  /** Each message's key bytes then value bytes, back to back. */
  data: ArrayBuffer;
  /** End offsets in `data`: of message i's key at 2i, of its value at 2i + 1. */
  ends: number[];
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

/** Sends an encoded batch with one producer, in sends under the broker's size limit; resolves once all are acknowledged. */
export async function sendEncoded(
  producer: Producer,
  batch: EncodedBatch,
  compression: OfferCompression,
): Promise<void> {
  const data = Buffer.from(batch.data);
  let messages: Message[] = [];
  let start = 0;
  let sendStart = 0;
  for (let i = 0; i < batch.partitions.length; i++) {
    const keyEnd = batch.ends[2 * i] as number;
    const end = batch.ends[2 * i + 1] as number;
    if (messages.length > 0 && end - sendStart > maxSendBytes) {
      await send(producer, messages, compression);
      messages = [];
      sendStart = start;
    }
    messages.push({
      key: data.subarray(start, keyEnd),
      partition: batch.partitions[i] as number,
      value: data.subarray(keyEnd, end),
    });
    start = end;
  }
  if (messages.length > 0) await send(producer, messages, compression);
}

function send(producer: Producer, messages: Message[], compression: OfferCompression) {
  return producer.send({
    topic: offersTopic,
    acks: -1,
    compression: compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None,
    messages,
  });
}

/** The message key: provider|sku|region, so every version of one price lands on one partition, in order. */
export function offerKey(offer: RawPriceOffer): string {
  return `${offer.provider}|${offer.sku}|${offer.region ?? ''}`;
}

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
    private readonly count: number,
    private readonly partitions: number,
  ) {}

  static async start(
    kafka: Kafka,
    serde: AvroSerde,
    threads: number,
    compression: OfferCompression,
    name: string,
  ): Promise<OfferPublisher> {
    const admin = kafka.admin();
    await admin.connect();
    let partitions: number;
    try {
      const metadata = await admin.fetchTopicMetadata({ topics: [offersTopic] });
      partitions = metadata.topics[0]?.partitions.length ?? 0;
    } finally {
      await admin.disconnect();
    }
    if (partitions < 1)
      throw new SluiceError('ING_KAFKA_UNAVAILABLE', `topic ${offersTopic} has no partitions yet`);
    const publisher = new OfferPublisher(serde, threads, partitions);
    await Promise.all(
      Array.from({ length: threads }, (_, index) => publisher.spawn(`${name}-${index}`, compression)),
    );
    return publisher;
  }

  private async spawn(name: string, compression: OfferCompression): Promise<void> {
    const worker = startModuleThread(new URL('./publisher-worker.ts', import.meta.url), {
      name,
      compression,
    });
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

  /** Resolves once Kafka acknowledged every offer; a value that does not fit the schema is a poison error before anything is sent. */
  async publish(offers: RawPriceOffer[]): Promise<void> {
    const parts = Array.from({ length: this.count }, () => ({
      partitions: [] as number[],
      chunks: [] as Buffer[],
      bytes: 0,
    }));
    for (const offer of offers) {
      const key = Buffer.from(offerKey(offer));
      const partition = keyPartition(key, this.partitions);
      const part = parts[partition % this.count] as (typeof parts)[number];
      const value = this.serde.encode(offersTopic, offer);
      part.partitions.push(partition);
      part.chunks.push(key, value);
      part.bytes += key.length + value.length;
    }
    await Promise.all(
      parts.map((part, index) => {
        if (part.partitions.length === 0) return undefined;
        const data = new ArrayBuffer(part.bytes);
        const view = new Uint8Array(data);
        const ends: number[] = [];
        let offset = 0;
        for (const chunk of part.chunks) {
          view.set(chunk, offset);
          offset += chunk.length;
          ends.push(offset);
        }
        const batchId = this.nextBatchId++;
        const thread = this.threads[index] as PublisherThread;
        return new Promise<void>((resolve, reject) => {
          thread.pending.set(batchId, { resolve, reject });
          const batch: EncodedBatch = { batchId, partitions: part.partitions, data, ends };
          thread.worker.postMessage(batch, [data]);
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

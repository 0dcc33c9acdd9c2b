import { parentPort, workerData } from 'node:worker_threads';
import { createKafka, createProducer } from '../../lib/kafka.ts';
import { retry } from '../../lib/retry.ts';
import { toThreadError } from '../../lib/threads.ts';
import { type PublisherJob, type PublisherReply, sendEncoded } from './offer-publisher.ts';

/**
 * One publishing thread: its own idempotent producer sends the Avro-encoded offers the collector
 * hands over (transferred, zero-copy), retrying what Kafka refused for a while (the bytes are here,
 * not in the collector), and answers once Kafka acknowledged them, or with the classified error.
 */
const port = parentPort;
if (!port) throw new Error('publisher-worker runs as a worker thread');
const { name, topic, compression } = workerData as {
  name: string;
  topic: string;
  compression: 'gzip' | 'none';
};
const producer = createProducer(createKafka(name));

/** One send at a time on the idempotent producer; the next batch waits here, ready, instead of in the collector. */
let previous: Promise<void> = Promise.resolve();

async function handle(message: PublisherJob | 'close'): Promise<void> {
  if (message === 'close') {
    await producer.disconnect();
    port?.close();
    return;
  }
  let reply: PublisherReply;
  try {
    await retry(() => sendEncoded(producer, topic, message, compression), { retries: 5 });
    reply = { batchId: message.batchId };
  } catch (err) {
    reply = { batchId: message.batchId, error: toThreadError(err) };
  }
  port?.postMessage(reply);
}

port.on('message', (message: PublisherJob | 'close') => {
  previous = previous.then(() => handle(message));
});

try {
  await producer.connect();
  port.postMessage('ready');
} catch (err) {
  port.postMessage({ batchId: -1, error: toThreadError(err, 'fatal') });
}

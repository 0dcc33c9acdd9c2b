import type { Worker } from 'node:worker_threads';
import type { Health } from '../../lib/component.ts';
import { SluiceError } from '../../lib/errors.ts';
import type { StreamMessage } from '../../lib/stream/kafka-port.ts';
import { fromThreadError, startModuleThread, type ThreadError } from '../../lib/threads.ts';
import type { TopicContract } from '../../schemas/catalog.ts';
import type { Evaluated } from './evaluation.ts';
import type { Rejection } from './pipeline.ts';

/** What a pipeline thread is started with (structured-cloned into it). */
export interface ThreadSetup {
  /** URL of the module exporting `startPipeline` (a StartPipeline). */
  pipelineModule: string;
  settings: unknown;
  component: string;
  input: TopicContract;
  output: TopicContract;
  /** The ids the main thread registered the input and output schemas under. */
  schemaIds: { input: number; output: number };
}

/**
 * A batch's records for a thread: their values copied one after another into one transferred
 * buffer (a message per record would cost more to clone than to evaluate), a start of -1 for a
 * record without a value.
 */
export interface ThreadJob {
  id: number;
  topic: string;
  partition: number;
  body: ArrayBuffer;
  starts: Int32Array;
  ends: Int32Array;
  offsets: Float64Array;
  timestamps: Float64Array;
}

/** ThreadReply#kinds: an output, a rejection, a rejection after the stages (by the encoder, event id set). */
export const replyKinds = { output: 0, rejected: 1, rejectedWithId: 2 } as const;

/** A job's records evaluated: outputs' values one after another in `body`, each ending at its `ends`. */
export interface ThreadReply {
  id: number;
  kinds: Uint8Array;
  /** Per record: the event id ('' for a record rejected before it had one). */
  eventIds: string[];
  /** Per output: its key. */
  keys: string[];
  body: ArrayBuffer;
  ends: Int32Array;
  /** Per rejected record, in order. */
  rejections: Rejection[];
  /** The notes of the outputs that have any, by record index. */
  notes: [index: number, notes: string[]][];
  health?: Health;
}

export interface ThreadFailure {
  id: number;
  error: ThreadError;
}

export type ThreadMessage =
  | ThreadReply
  | ThreadFailure
  | { ready: true }
  | { startFailed: ThreadError }
  | { stopped: true };

interface PendingJob {
  resolve(evaluated: Evaluated[]): void;
  reject(err: unknown): void;
}

/** One worker thread and the jobs it has not answered yet. */
interface Thread {
  worker: Worker;
  pending: Map<number, PendingJob>;
  stopped?: () => void;
}

const threadModule = new URL('./pipeline-thread.ts', import.meta.url);

/**
 * Decode → stages → encode on worker threads, so one process uses more than one core: the main
 * thread keeps Kafka (fetches, transactions, the dedupe windows), the threads the CPU-heavy part.
 * A batch goes to the thread with the fewest batches in flight; batches of one partition never
 * overlap (the runner processes them one after the other), so their order holds.
 */
export class PipelineThreads {
  private nextJob = 0;
  private failure?: Error;
  private lastHealth?: Health;

  private constructor(private readonly threads: Thread[]) {}

  /** Starts `count` threads and waits until each has its pipeline running. */
  static async start(count: number, setup: ThreadSetup): Promise<PipelineThreads> {
    const threads: Thread[] = [];
    const pool = new PipelineThreads(threads);
    try {
      await Promise.all(
        Array.from({ length: count }, async () => {
          const worker = startModuleThread(threadModule, setup);
          const thread: Thread = { worker, pending: new Map() };
          threads.push(thread);
          await pool.attach(thread);
        }),
      );
    } catch (err) {
      await pool.stop();
      throw err;
    }
    return pool;
  }

  /** Wires a thread's replies and failures; resolves once its pipeline runs. */
  private attach(thread: Thread): Promise<void> {
    return new Promise((ready, startFailed) => {
      const fail = (err: Error) => {
        this.failure ??= err;
        startFailed(err);
        for (const job of thread.pending.values()) job.reject(err);
        thread.pending.clear();
      };
      thread.worker.on('message', (message: ThreadMessage) => {
        if ('ready' in message) ready();
        else if ('startFailed' in message)
          fail(fromThreadError(message.startFailed, 'pipeline thread did not start: '));
        else if ('stopped' in message) thread.stopped?.();
        else this.settle(thread, message);
      });
      thread.worker.on('error', (err) =>
        fail(new SluiceError('ING_PROGRAMMING', `pipeline thread failed: ${err.message}`, { cause: err })),
      );
      thread.worker.on('exit', (code) => {
        thread.stopped?.();
        if (thread.pending.size > 0 || !thread.stopped) {
          fail(new SluiceError('ING_PROGRAMMING', `pipeline thread exited (code ${code})`));
        }
      });
    });
  }

  private settle(thread: Thread, message: ThreadReply | ThreadFailure): void {
    const job = thread.pending.get(message.id);
    thread.pending.delete(message.id);
    if (!job) return;
    if ('error' in message) {
      job.reject(fromThreadError(message.error));
      return;
    }
    if (message.health) this.lastHealth = message.health;
    job.resolve(unpack(message));
  }

  /** Evaluates the records of one partition's batch, in order. */
  evaluate(topic: string, partition: number, messages: readonly StreamMessage[]): Promise<Evaluated[]> {
    if (this.failure) return Promise.reject(this.failure);
    const job = pack(this.nextJob++, topic, partition, messages);
    let thread = this.threads[0] as Thread;
    for (const candidate of this.threads)
      if (candidate.pending.size < thread.pending.size) thread = candidate;
    return new Promise((resolve, reject) => {
      thread.pending.set(job.id, { resolve, reject });
      thread.worker.postMessage(job, [
        job.body,
        job.starts.buffer,
        job.ends.buffer,
        job.offsets.buffer,
        job.timestamps.buffer,
      ] as ArrayBuffer[]);
    });
  }

  /** The pipeline's health as the threads last reported it (a directory that cannot reload…). */
  health(): Health | undefined {
    return this.failure ? { state: 'down', reason: this.failure.message } : this.lastHealth;
  }

  /** Lets each thread stop its pipeline (closing its connections), then ends it; a failed pool is ended at once. */
  async stop(): Promise<void> {
    if (this.failure) {
      await Promise.all(this.threads.map((thread) => thread.worker.terminate()));
      return;
    }
    await Promise.all(
      this.threads.map(async (thread) => {
        const stopped = new Promise<void>((done) => {
          thread.stopped = done;
        });
        thread.worker.postMessage({ stop: true });
        const timer = setTimeout(() => thread.stopped?.(), 5_000);
        await stopped;
        clearTimeout(timer);
        await thread.worker.terminate();
      }),
    );
  }
}

function pack(id: number, topic: string, partition: number, messages: readonly StreamMessage[]): ThreadJob {
  const count = messages.length;
  let bytes = 0;
  for (const message of messages) bytes += message.value?.length ?? 0;
  // its own memory (not Node's shared pool): the buffer is transferred, not copied
  const body = Buffer.allocUnsafeSlow(bytes);
  const starts = new Int32Array(count);
  const ends = new Int32Array(count);
  const offsets = new Float64Array(count);
  const timestamps = new Float64Array(count);
  let at = 0;
  for (let i = 0; i < count; i++) {
    const message = messages[i] as StreamMessage;
    const value = message.value;
    if (value === null) starts[i] = -1;
    else {
      body.set(value, at);
      starts[i] = at;
      at += value.length;
    }
    ends[i] = at;
    offsets[i] = Number(message.offset);
    timestamps[i] = Number(message.timestamp);
  }
  return { id, topic, partition, body: body.buffer as ArrayBuffer, starts, ends, offsets, timestamps };
}

function unpack(reply: ThreadReply): Evaluated[] {
  const { kinds, eventIds, keys, ends, rejections } = reply;
  const notes = new Map(reply.notes);
  const body = Buffer.from(reply.body);
  const evaluated: Evaluated[] = new Array(kinds.length);
  let output = 0;
  let rejected = 0;
  let at = 0;
  for (let i = 0; i < kinds.length; i++) {
    const kind = kinds[i];
    if (kind === replyKinds.output) {
      const end = ends[output] as number;
      evaluated[i] = {
        kind: 'output',
        eventId: eventIds[i] as string,
        key: keys[output] as string,
        value: body.subarray(at, end),
        notes: notes.get(i),
      };
      at = end;
      output++;
    } else {
      const rejection = rejections[rejected++] as Rejection;
      evaluated[i] =
        kind === replyKinds.rejectedWithId
          ? { kind: 'rejected', rejection, eventId: eventIds[i] as string }
          : { kind: 'rejected', rejection };
    }
  }
  return evaluated;
}

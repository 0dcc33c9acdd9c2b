import { parentPort, workerData } from 'node:worker_threads';
import { createRegistryClient } from '../../lib/registry.ts';
import { AvroSerde } from '../../lib/serde.ts';
import { toThreadError } from '../../lib/threads.ts';
import { type Evaluated, RecordEvaluator } from './evaluation.ts';
import { type Rejection, type RunningPipeline, startPipelineModule } from './pipeline.ts';
import {
  replyKinds,
  type ThreadJob,
  type ThreadMessage,
  type ThreadReply,
  type ThreadSetup,
} from './pipeline-threads.ts';

// A pipeline thread (see PipelineThreads): evaluates the batches the main thread posts.
const port = parentPort as NonNullable<typeof parentPort>;
const setup = workerData as ThreadSetup;
const post = (message: ThreadMessage, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

const serde = new AvroSerde(createRegistryClient());

/** The pipeline, or undefined once the reason it could not start was posted. */
async function start(): Promise<RunningPipeline<unknown, unknown> | undefined> {
  try {
    serde.adopt(setup.input, setup.schemaIds.input);
    serde.adopt(setup.output, setup.schemaIds.output);
    return await startPipelineModule(setup.pipelineModule, setup.settings, setup.component);
  } catch (err) {
    // posted, not thrown: a thrown error can overtake the message, and its reason would be lost
    post({ startFailed: toThreadError(err) });
    port.close();
    return undefined;
  }
}

const started = await start();
if (started) serve(started);

function serve(running: RunningPipeline<unknown, unknown>): void {
  const evaluator = new RecordEvaluator(running.pipeline, serde, setup.output.topic);
  port.on('message', (message: ThreadJob | { stop: true }) => {
    if ('stop' in message) {
      void running.stop().finally(() => post({ stopped: true }));
      return;
    }
    evaluate(message, evaluator, running).then(
      (reply) => post(reply, [reply.body]),
      (err: unknown) => post({ id: message.id, error: toThreadError(err) }),
    );
  });
  post({ ready: true });
}

async function evaluate(
  job: ThreadJob,
  evaluator: RecordEvaluator<unknown, unknown>,
  running: RunningPipeline<unknown, unknown>,
): Promise<ThreadReply> {
  const body = Buffer.from(job.body);
  const count = job.starts.length;
  const kinds = new Uint8Array(count);
  const eventIds: string[] = new Array(count);
  const keys: string[] = [];
  const values: Buffer[] = [];
  const rejections: Rejection[] = [];
  const notes: [number, string[]][] = [];
  let bytes = 0;
  for (let i = 0; i < count; i++) {
    const start = job.starts[i] as number;
    const value = start < 0 ? null : body.subarray(start, job.ends[i]);
    const meta = {
      topic: job.topic,
      partition: job.partition,
      offset: job.offsets[i] as number,
      timestamp: job.timestamps[i] as number,
    };
    const evaluated: Evaluated =
      evaluator.evaluateSync(value, meta) ?? (await evaluator.evaluateSlowly(value, meta));
    if (evaluated.kind === 'output') {
      kinds[i] = replyKinds.output;
      eventIds[i] = evaluated.eventId;
      keys.push(evaluated.key);
      values.push(evaluated.value);
      bytes += evaluated.value.length;
      if (evaluated.notes?.length) notes.push([i, evaluated.notes]);
    } else {
      kinds[i] = evaluated.eventId === undefined ? replyKinds.rejected : replyKinds.rejectedWithId;
      eventIds[i] = evaluated.eventId ?? '';
      rejections.push(evaluated.rejection);
    }
  }
  // its own memory (not Node's shared pool): the buffer is transferred, not copied
  const out = Buffer.allocUnsafeSlow(bytes);
  const ends = new Int32Array(values.length);
  let at = 0;
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as Buffer;
    out.set(value, at);
    at += value.length;
    ends[i] = at;
  }
  return {
    id: job.id,
    kinds,
    eventIds,
    keys,
    body: out.buffer as ArrayBuffer,
    ends,
    rejections,
    notes,
    health: running.health?.(),
  };
}

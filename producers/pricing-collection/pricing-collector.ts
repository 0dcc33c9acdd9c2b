import type { Producer } from 'kafkajs';
import type { Component, Health } from '../../lib/component.ts';
import { classifyError, describeError, SluiceError } from '../../lib/errors.ts';
import { componentLogger, type Logger } from '../../lib/logger.ts';
import { type ComponentMetrics, componentMetrics } from '../../lib/metrics.ts';
import type { AvroSerde } from '../../lib/serde.ts';
import type { CloudProvider, RawPriceOffer } from '../../schemas/types.ts';
import type { CollectionSettings } from './config.ts';
import { type EncodedSegment, encodedBytes, type OfferPublisher } from './offer-publisher.ts';
import { PageQueue } from './page-queue.ts';
import type { PoliteClient } from './polite-client.ts';
import { publishRunEvent } from './run-events.ts';
import type {
  CollectionRun,
  CollectionRunStore,
  PageRecord,
  ProgressDelta,
  RunCheckpoint,
  StreamState,
} from './run-store.ts';

/** One page (Azure) or chunk of an offer file (AWS) and where its stream continues after it. */
export interface FetchedPage<C> {
  sourceUrl: string | null;
  offers: RawPriceOffer[];
  /** The cursor of the next page; null when this was the stream's last page. */
  next: C | null;
}

export interface SourceContext {
  runId: string;
  signal: AbortSignal;
}

/** What a provider supplies: the streams of a run and the pages of each stream from a cursor on. */
export interface PriceSource<C = unknown> {
  readonly provider: CloudProvider;
  readonly client: PoliteClient;
  /** Where pages are fetched from, and the setting that says so: a resume fetches from there too. */
  readonly endpoint: { url: string; setting: string };
  /** Streams collected at the same time. */
  readonly concurrency: number;
  /** The streams of a new run, each at its first cursor (AWS discovers them from the offer index). */
  plan(context: SourceContext): Promise<StreamState<C>[]>;
  /** The pages of one stream, in order, from `stream.cursor` on. */
  pages(stream: StreamState<C>, context: SourceContext): AsyncIterable<FetchedPage<C>>;
  /** Releases the connections the source keeps open. */
  close(): void;
}

export interface CollectionProgress {
  run: CollectionRun;
  streamsDone: number;
  streamsTotal: number;
}

interface InFlightBatch {
  batch: QueueEntry[];
  published: number;
  sent: Promise<void>;
  endTimer: () => void;
}

/** A fetched page waits for Kafka already encoded: its offers are let go as soon as they are made. */
interface EncodedPage {
  sourceUrl: string | null;
  next: unknown;
  encoded: EncodedSegment[];
}

type QueueEntry =
  | { kind: 'page'; stream: string; page: EncodedPage; items: number; bytes: number }
  | { kind: 'failed'; stream: string; error: SluiceError; items: number; bytes: number };

export interface PricingCollectorOptions {
  source: PriceSource;
  store: CollectionRunStore;
  /** Publishes the raw offers (worker threads). */
  publisher: OfferPublisher;
  /** Publishes the run events. */
  producer: Producer;
  serde: AvroSerde;
  /** A run in status running, held by this process (see CollectionRunStore.lock). */
  run: CollectionRun;
  settings: CollectionSettings;
  onProgress?: (progress: CollectionProgress) => void;
}

/**
 * Runs one collection run to its end: the provider's streams fetch pages concurrently (politely,
 * through the source's client), one publisher sends them to Kafka in acknowledged batches and only
 * then advances the run's checkpoint in PostgreSQL, so a killed run resumes after the last
 * acknowledged page. A page that fails is recorded with its error and stops only its stream.
 */
export class PricingCollector implements Component {
  readonly name: string;
  private readonly logger: Logger;
  private readonly metrics: ComponentMetrics;
  private readonly fetching = new AbortController();
  private readonly queue: PageQueue<QueueEntry>;
  private run: CollectionRun;
  private streams: StreamState[] = [];
  private fatal?: SluiceError;
  private cancelReason?: string;
  private attemptStartedAt = 0;
  private attemptPublished = 0;
  private lastProgressEventAt = 0;
  private running?: Promise<CollectionRun>;
  private cancelWatch?: NodeJS.Timeout;

  constructor(private readonly options: PricingCollectorOptions) {
    this.run = options.run;
    this.name = `${options.source.provider}-pricing-collector`;
    this.logger = componentLogger(this.name, { runId: options.run.runId });
    this.metrics = componentMetrics(this.name);
    this.queue = new PageQueue(options.settings.publishBatchBytes * 2);
  }

  async start(): Promise<void> {
    this.attemptStartedAt = Date.now();
    this.running = this.collect();
    this.cancelWatch = setInterval(() => void this.watchForCancel(), this.options.settings.cancelPollMs);
  }

  /** The run as it ended (succeeded, failed or cancelled). */
  get finished(): Promise<CollectionRun> {
    if (!this.running) throw new SluiceError('ING_PROGRAMMING', `${this.name} was not started`);
    return this.running;
  }

  /** Cancels the run: fetching stops, what was fetched is still published and checkpointed. */
  cancel(reason: string): void {
    this.cancelReason ??= reason;
    this.fetching.abort();
  }

  async stop(deadline: number): Promise<void> {
    if (!this.running) return;
    this.cancel('stopped by the operator');
    await Promise.race([
      this.running,
      new Promise((resolve) => setTimeout(resolve, Math.max(0, deadline - Date.now())).unref()),
    ]);
  }

  health(): Health {
    if (this.fatal) return { state: 'down', reason: this.fatal.message };
    return this.options.source.client.health();
  }

  private get context() {
    return { runId: this.run.runId, signal: this.fetching.signal };
  }

  private async collect(): Promise<CollectionRun> {
    const { store } = this.options;
    try {
      await this.publishRunState(true);
      this.streams = this.run.checkpoint?.streams ?? (await this.plan());
      const open = this.streams.filter((stream) => stream.cursor !== null);
      this.logger.info({ streams: this.streams.length, open: open.length }, 'collecting');
      const fetchingDone = this.fetchStreams(open).finally(() => this.queue.close());
      await this.publishPages();
      await fetchingDone;
    } catch (err) {
      this.fail(classifyError(err));
    } finally {
      clearInterval(this.cancelWatch);
    }
    const failedStreams = this.streams.filter((stream) => stream.error);
    const [status, error] = this.cancelReason
      ? (['cancelled', this.cancelReason] as const)
      : this.fatal
        ? (['failed', this.fatal.message] as const)
        : failedStreams.length > 0
          ? ([
              'failed',
              `${failedStreams.length} of ${this.streams.length} streams failed (resume retries them): ${failedStreams
                .slice(0, 3)
                .map((stream) => `${stream.key} page ${stream.page + 1}: ${stream.error}`)
                .join('; ')}`,
            ] as const)
          : (['succeeded', null] as const);
    this.run = await store.finish(this.run.runId, status, error);
    this.logger.info(
      { status: this.run.status, published: this.run.published, error: this.run.error },
      'run ended',
    );
    await this.publishRunState(true);
    this.metrics.health(this.run.status === 'succeeded' ? 1 : 0);
    return this.run;
  }

  /** A new run's streams, checkpointed at once so a resume never plans again. */
  private async plan(): Promise<StreamState[]> {
    const streams = await this.options.source.plan(this.context);
    const checkpoint: RunCheckpoint = { streams };
    await this.options.store.recordProgress(this.run.runId, checkpoint, noProgress, 0, []);
    this.run = { ...this.run, checkpoint };
    return streams;
  }

  private async fetchStreams(open: StreamState[]): Promise<void> {
    const pending = [...open];
    const worker = async () => {
      for (let stream = pending.shift(); stream && !this.fetching.signal.aborted; stream = pending.shift()) {
        await this.fetchStream({ ...stream, error: undefined });
      }
    };
    await Promise.all(
      Array.from({ length: Math.min(this.options.source.concurrency, pending.length) }, worker),
    );
  }

  private async fetchStream(stream: StreamState): Promise<void> {
    try {
      const { publisher } = this.options;
      for await (const page of this.options.source.pages(stream, this.context)) {
        this.metrics.received(publisher.topic, page.offers.length);
        refuseOversizeOffers(page.offers);
        // encoded at once, while the offers are young: the JS heap never holds a batch of them
        const encoded = publisher.encode(page.offers);
        const entry = {
          kind: 'page',
          stream: stream.key,
          page: { sourceUrl: page.sourceUrl, next: page.next, encoded },
          items: page.offers.length,
          bytes: encodedBytes(encoded),
        } as const;
        if (!(await this.queue.push(entry))) return;
      }
    } catch (err) {
      // stopped for a cancel or another stream's fatal error: not a failure of this stream
      if (this.fetching.signal.aborted) return;
      const error = classifyError(err);
      this.metrics.error('fetch', error.code, error.disposition);
      this.logger.warn({ stream: stream.key, code: error.code, err: describeError(err) }, 'page failed');
      await this.queue.push({ kind: 'failed', stream: stream.key, error, items: 0, bytes: 0 });
      if (error.disposition === 'fatal') this.fail(error);
    }
  }

  private fail(error: SluiceError): void {
    this.fatal ??= error;
    this.fetching.abort();
  }

  /**
   * Keeps up to `batchesInFlight` batches on their way to Kafka while the next pages are fetched;
   * batches are acknowledged in the order they were taken, and each one's checkpoint is written to
   * PostgreSQL only after it (and every batch before it) was acknowledged.
   */
  private async publishPages(): Promise<void> {
    const { publisher, settings } = this.options;
    const inFlight: InFlightBatch[] = [];
    let checkpointing: Promise<boolean> = Promise.resolve(true);
    try {
      for (
        let batch = await this.queue.take(settings.publishBatchItems, settings.publishBatchBytes);
        batch;
        batch = await this.queue.take(settings.publishBatchItems, settings.publishBatchBytes)
      ) {
        const pages = batch.flatMap((entry) => (entry.kind === 'page' ? [entry] : []));
        const published = pages.reduce((sum, entry) => sum + entry.items, 0);
        // one job per publishing thread for the whole batch; the threads retry what Kafka refuses
        const segments = pages.flatMap((entry) => entry.page.encoded);
        const sent = segments.length > 0 ? publisher.publish(this.run.runId, segments) : Promise.resolve();
        // awaited in order below; marked handled so a later batch's failure is not an unhandled rejection
        sent.catch(() => {});
        inFlight.push({ batch, published, sent, endTimer: this.metrics.timeBatch() });
        if (inFlight.length >= settings.batchesInFlight) {
          ({ checkpointing } = await this.settle(inFlight.shift() as InFlightBatch, checkpointing));
        }
      }
      for (let next = inFlight.shift(); next; next = inFlight.shift()) {
        ({ checkpointing } = await this.settle(next, checkpointing));
      }
    } catch (err) {
      const error = classifyError(err);
      this.metrics.error('publish', error.code, error.disposition);
      this.queue.discard();
      this.fail(
        new SluiceError('ING_KAFKA_UNAVAILABLE', `publishing to Kafka failed: ${describeError(err)}`, {
          cause: err,
          disposition: 'fatal',
        }),
      );
    }
    if (!(await checkpointing)) this.cancel('cancelled from another process');
  }

  /** Waits for a batch's acknowledgement, then starts writing its checkpoint (awaited with the next one). */
  private async settle(
    entry: InFlightBatch,
    previousCheckpoint: Promise<boolean>,
  ): Promise<{ checkpointing: Promise<boolean> }> {
    await entry.sent;
    this.metrics.sent(this.options.publisher.topic, entry.published);
    if (!(await previousCheckpoint)) this.cancel('cancelled from another process');
    const { delta, pages } = this.acknowledge(entry.batch);
    this.attemptPublished += entry.published;
    const itemsPerSecond = this.itemsPerSecond();
    const checkpointing = this.options.store.recordProgress(
      this.run.runId,
      { streams: [...this.streams] },
      delta,
      itemsPerSecond,
      pages,
    );
    // awaited with the next batch; marked handled so a failure surfaces there, not as an unhandled rejection
    checkpointing.catch(() => {});
    entry.endTimer();
    this.run = {
      ...this.run,
      pages: this.run.pages + delta.pages,
      items: this.run.items + delta.items,
      published: this.run.published + delta.published,
      failed: this.run.failed + delta.failed,
      itemsPerSecond,
    };
    this.metrics.health(this.health().state === 'ready' ? 1 : 0.5);
    this.options.onProgress?.({
      run: this.run,
      streamsDone: this.streams.filter((stream) => stream.cursor === null).length,
      streamsTotal: this.streams.length,
    });
    await this.publishRunState(false);
    return { checkpointing };
  }

  /** Advances the streams' acknowledged state over a batch Kafka accepted, in arrival order. */
  private acknowledge(batch: QueueEntry[]): { delta: ProgressDelta; pages: PageRecord[] } {
    const delta: ProgressDelta = { pages: 0, items: 0, published: 0, failed: 0 };
    const pages: PageRecord[] = [];
    const byKey = new Map(this.streams.map((stream, index) => [stream.key, index]));
    for (const entry of batch) {
      const index = byKey.get(entry.stream) as number;
      const stream = this.streams[index] as StreamState;
      if (entry.kind === 'page') {
        this.streams[index] = { key: stream.key, cursor: entry.page.next, page: stream.page + 1 };
        delta.pages += 1;
        delta.items += entry.items;
        delta.published += entry.items;
        pages.push({
          stream: stream.key,
          page: stream.page + 1,
          sourceUrl: entry.page.sourceUrl,
          status: 'published',
          items: entry.items,
        });
      } else {
        this.streams[index] = { ...stream, error: entry.error.message };
        delta.failed += 1;
        const url = entry.error.details?.url;
        pages.push({
          stream: stream.key,
          page: stream.page + 1,
          sourceUrl: typeof url === 'string' ? url : null,
          status: 'failed',
          items: 0,
          error: `${entry.error.code}: ${entry.error.message}`,
        });
      }
    }
    return { delta, pages };
  }

  private itemsPerSecond(): number {
    const seconds = (Date.now() - this.attemptStartedAt) / 1000;
    return seconds > 0 ? Math.round((this.attemptPublished / seconds) * 10) / 10 : 0;
  }

  /** Run events are a view of the state PostgreSQL holds: a failed send is logged, never fatal. */
  private async publishRunState(force: boolean): Promise<void> {
    const now = Date.now();
    if (!force && now - this.lastProgressEventAt < this.options.settings.progressEventMs) return;
    this.lastProgressEventAt = now;
    try {
      await publishRunEvent(this.options.producer, this.options.serde, this.run);
    } catch (err) {
      const error = classifyError(err);
      this.metrics.error('run-event', error.code, error.disposition);
      this.logger.warn({ err: describeError(err) }, 'run event not published');
    }
  }

  private async watchForCancel(): Promise<void> {
    try {
      if ((await this.options.store.status(this.run.runId)) !== 'running')
        this.cancel('cancelled from another process');
    } catch (err) {
      this.logger.warn({ err: describeError(err) }, 'could not check the run for a cancel request');
    }
  }
}

const noProgress: ProgressDelta = { pages: 0, items: 0, published: 0, failed: 0 };

/** An item this large cannot be a price; as a record it would pass the broker's 1 MiB limit and fail every send of its batch. */
const maxOfferBytes = 256 * 1024;

/** A page holding such an item fails as a whole, with its URL, instead of stalling the run's publishing. */
function refuseOversizeOffers(offers: readonly RawPriceOffer[]): void {
  for (const offer of offers) {
    const bytes = Buffer.byteLength(offer.item);
    if (bytes > maxOfferBytes) {
      throw new SluiceError(
        'ING_PRICING_PAGE_INVALID',
        `${offer.sourceUrl}: item ${offer.sku.slice(0, 80)} is ${bytes} bytes; the limit is ${maxOfferBytes}`,
      );
    }
  }
}

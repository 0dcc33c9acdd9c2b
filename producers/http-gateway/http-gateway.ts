import type { Server } from 'node:http';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Kafka, Message } from 'kafkajs';
import type pg from 'pg';
import { type ApiKeyIdentity, ApiKeyVerifier } from '../../lib/api-keys.ts';
import type { Component, Health } from '../../lib/component.ts';
import { loadSettings } from '../../lib/config.ts';
import { classifyError, describeError } from '../../lib/errors.ts';
import { closeServer, listen, serverUrl } from '../../lib/http-server.ts';
import { createKafka } from '../../lib/kafka.ts';
import { componentLogger, newTraceId } from '../../lib/logger.ts';
import { componentMetrics } from '../../lib/metrics.ts';
import { opsRoutes } from '../../lib/ops.ts';
import { createPgPool } from '../../lib/postgres.ts';
import type { ReasonCode } from '../../lib/reasons.ts';
import type { AvroSerde } from '../../lib/serde.ts';
import { type ValidationSettings, validationSettings } from '../../lib/telemetry/settings.ts';
import { idPattern, telemetryLimits, validate } from '../../lib/telemetry/validate.ts';
import { topics } from '../../schemas/catalog.ts';
import { RawTelemetryPublisher, readingFromFields } from '../raw-telemetry.ts';
import { InputError } from '../telemetry-wire.ts';
import { type HttpGatewaySettings, httpGatewaySettings } from './config.ts';
import { contentTypes, type IngestFormat, type IngestItem, parseIngestBody } from './ingest-body.ts';

const topic = topics.rawTelemetry.topic;

export type ItemResult =
  | { index: number; line?: number; status: 'accepted'; eventId: string }
  | {
      index: number;
      line?: number;
      status: 'rejected';
      reason: ReasonCode;
      message: string;
      /** Set when the reading was kept: it is in the raw topic and, once processed, in the DLQ. */
      eventId?: string;
    };

export interface IngestAnswer {
  accepted: number;
  rejected: number;
  results: ItemResult[];
}

/** Media types each route takes, mapped to the body format. */
const mediaTypes: Record<string, IngestFormat> = {
  'application/json': 'json',
  'application/x-ndjson': 'ndjson',
  'application/ndjson': 'ndjson',
  'application/jsonl': 'ndjson',
  'text/csv': 'csv',
  'application/csv': 'csv',
};

const traceIdPattern = /^[0-9a-f]{32}$/;

/** An item's message id is `<Idempotency-Key>:<line or index>`, and must stay a valid id. */
const maxIdempotencyKeyLength = telemetryLimits.id - 28;

/** A request refused as a whole: a reason code of the one table and what to do about it. */
function refuse(res: Response, status: number, error: ReasonCode, message: string): void {
  res.status(status).json({ error, message });
}

function mediaType(req: Request): string {
  return (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

function apiKeyOf(req: Request): string | undefined {
  const header = req.headers['x-api-key'];
  if (typeof header === 'string' && header) return header.trim();
  const authorization = req.headers.authorization;
  const bearer = authorization && /^Bearer\s+(\S+)$/i.exec(authorization);
  return bearer ? bearer[1] : undefined;
}

/** `traceparent` (W3C) or `x-trace-id` when well formed, else a new one: one trace id per request. */
function traceIdOf(req: Request): string {
  const parent = req.headers.traceparent;
  const fromParent = typeof parent === 'string' ? parent.split('-')[1] : undefined;
  if (fromParent && traceIdPattern.test(fromParent)) return fromParent;
  const header = req.headers['x-trace-id'];
  return typeof header === 'string' && traceIdPattern.test(header) ? header : newTraceId();
}

export interface HttpGatewayDependencies {
  serde: AvroSerde;
  kafka?: Kafka;
  pool?: pg.Pool;
  /** Default: from the environment, as the telemetry processor reads them. */
  validation?: ValidationSettings;
}

/**
 * The HTTP ingest gateway: devices POST readings (JSON object or array, NDJSON, CSV) with an API
 * key of the `ingest` role; the answer is 202 only after Kafka acknowledged every accepted
 * reading, and lists per reading whether it was accepted (with its eventId) or why not.
 */
export class HttpGateway implements Component {
  readonly name = 'http-gateway';
  private readonly logger = componentLogger(this.name);
  private readonly metrics = componentMetrics(this.name);
  readonly settings: HttpGatewaySettings;
  private readonly publisher: RawTelemetryPublisher;
  private readonly pool: pg.Pool;
  private readonly ownsPool: boolean;
  private readonly verifier: ApiKeyVerifier;
  private readonly validation: ValidationSettings;
  private server?: Server;

  constructor(
    deps: HttpGatewayDependencies,
    settings: HttpGatewaySettings = loadSettings(httpGatewaySettings),
  ) {
    this.settings = settings;
    this.validation = deps.validation ?? loadSettings(validationSettings);
    this.publisher = new RawTelemetryPublisher(
      deps.kafka ?? createKafka(this.name),
      deps.serde,
      this.metrics,
      {
        maxBufferedEvents: settings.maxBufferedEvents,
        maxBatchBytes: settings.kafkaBatchBytes,
        sendTimeoutMs: settings.sendTimeoutMs,
        sendRetries: settings.sendRetries,
      },
      this.name,
    );
    this.ownsPool = deps.pool === undefined;
    this.pool = deps.pool ?? createPgPool();
    this.verifier = new ApiKeyVerifier(this.pool, settings.apiKeyCacheMs, undefined, (err) =>
      this.logger.warn(
        { err: describeError(err) },
        'API keys cannot be reloaded; the last copy answers meanwhile',
      ),
    );
  }

  /** The address it listens on (the real port when configured with 0). */
  get url(): string {
    return serverUrl(this.server, this.settings.host, this.settings.port);
  }

  app(): express.Express {
    const app = express();
    app.disable('x-powered-by');
    app.disable('etag'); // answers to POSTs are not cached: hashing each one is wasted
    app.set('trust proxy', false);
    // liveness and readiness of the gateway alone, for a load balancer in front of it
    app.use(opsRoutes(() => [this], { metrics: false }));
    const body = express.raw({ type: () => true, limit: this.settings.maxBodyBytes });
    app.post('/v1/ingest/telemetry', this.authenticate, this.accept(['json', 'ndjson']), body, this.ingest);
    app.post('/v1/ingest/telemetry/csv', this.authenticate, this.accept(['csv']), body, this.ingest);
    app.use((_req, res) => refuse(res, 404, 'not_found', 'no such route; POST /v1/ingest/telemetry[/csv]'));
    app.use(this.errorHandler);
    return app;
  }

  private readonly authenticate = async (req: Request, res: Response, next: NextFunction) => {
    const key = apiKeyOf(req);
    if (!key) {
      refuse(
        res.set('WWW-Authenticate', 'Bearer'),
        401,
        'unauthenticated',
        'send an API key in the X-API-Key header',
      );
      return;
    }
    let identity: ApiKeyIdentity | undefined;
    try {
      identity = await this.verifier.verify(key);
    } catch (err) {
      next(err);
      return;
    }
    if (!identity) {
      refuse(
        res.set('WWW-Authenticate', 'Bearer'),
        401,
        'unauthenticated',
        'the API key is unknown or revoked',
      );
      return;
    }
    if (!identity.roles.includes('ingest')) {
      refuse(
        res,
        403,
        'forbidden',
        `the API key "${identity.name}" has roles ${identity.roles.join(', ')}; ingest needs the ingest role`,
      );
      return;
    }
    res.locals.apiKey = identity;
    next();
  };

  private accept(formats: IngestFormat[]) {
    return (req: Request, res: Response, next: NextFunction) => {
      const format = mediaTypes[mediaType(req)];
      if (!format || !formats.includes(format)) {
        refuse(
          res,
          415,
          'unsupported_media_type',
          `Content-Type ${JSON.stringify(req.headers['content-type'] ?? '')} is not accepted here; send ${formats.map((f) => contentTypes[f]).join(' or ')}`,
        );
        return;
      }
      res.locals.format = format;
      next();
    };
  }

  private readonly ingest = async (req: Request, res: Response) => {
    const format = res.locals.format as IngestFormat;
    const idempotencyKey = req.headers['idempotency-key'];
    if (
      typeof idempotencyKey === 'string' &&
      idempotencyKey !== '' &&
      (idempotencyKey.length > maxIdempotencyKeyLength || !idPattern.test(idempotencyKey))
    ) {
      refuse(
        res,
        400,
        'invalid_idempotency_key',
        `Idempotency-Key must be at most ${maxIdempotencyKeyLength} of A-Z a-z 0-9 . _ : @ - (it is ${idempotencyKey.length} characters)`,
      );
      return;
    }
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    let items: IngestItem[];
    try {
      items = parseIngestBody(body, format, this.settings);
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      this.metrics.error('parse', err.code, err.disposition);
      res.status(err.problem.error === 'too_many_items' ? 413 : 400).json(err.problem);
      return;
    }
    this.metrics.received(topic, items.length);
    const answer = this.readings(items, {
      receivedAt: Date.now(),
      traceId: traceIdOf(req),
      contentType: contentTypes[format],
      clientAddress: req.socket.remoteAddress ?? '',
      apiKey: (res.locals.apiKey as ApiKeyIdentity).name,
      idempotencyKey: typeof idempotencyKey === 'string' && idempotencyKey ? idempotencyKey : undefined,
    });
    try {
      await this.publisher.publish(answer.messages);
    } catch (err) {
      const error = classifyError(err);
      const busy = error.code === 'ING_BACKPRESSURE';
      refuse(
        res.set('Retry-After', String(this.settings.retryAfterSeconds)),
        busy ? 429 : 503,
        busy ? 'busy' : 'unavailable',
        `${error.message}; nothing of this request was accepted, send it again`,
      );
      return;
    }
    const { results, accepted } = answer;
    res.status(accepted > 0 || results.length === 0 ? 202 : 422).json({
      accepted,
      rejected: results.length - accepted,
      results,
    } satisfies IngestAnswer);
  };

  /**
   * Builds the raw event of each item and runs the validation stage on it: an item is accepted
   * only when the telemetry processor would accept it too, and a rejected one is answered with
   * the reason the DLQ will carry. A rejected reading is still published: the raw topic keeps
   * everything received as it came, and the processor dead-letters it, where it can be replayed
   * once what refused it is fixed (a unit added, a device registered). Only an item that is no
   * reading at all (malformed JSON, no device) or cannot be encoded is answered alone.
   */
  private readings(
    items: IngestItem[],
    context: {
      receivedAt: number;
      traceId: string;
      contentType: string;
      clientAddress: string;
      apiKey: string;
      idempotencyKey?: string;
    },
  ): { messages: Message[]; results: ItemResult[]; accepted: number } {
    const messages: Message[] = [];
    const results: ItemResult[] = [];
    let accepted = 0;
    const attributes = { clientAddress: context.clientAddress, apiKey: context.apiKey };
    for (const item of items) {
      if ('reason' in item) {
        this.rejectItem(results, item, item.reason, item.message);
        continue;
      }
      const { fields } = item;
      const messageId =
        fields.messageId ??
        (context.idempotencyKey ? `${context.idempotencyKey}:${item.line ?? item.index}` : null);
      try {
        const reading = readingFromFields(
          fields,
          {
            source: 'http',
            messageId,
            contentType: context.contentType,
            payload: item.payload,
            attributes,
            traceId: context.traceId,
          },
          context.receivedAt,
        );
        const message = this.publisher.encode(reading);
        const validated = validate(reading, this.validation);
        messages.push(message);
        if (!validated.ok) {
          const { code, message: why } = validated.rejection;
          this.rejectItem(results, item, code, why, reading.eventId);
          continue;
        }
        accepted += 1;
        results.push({ index: item.index, line: item.line, status: 'accepted', eventId: reading.eventId });
      } catch (err) {
        const error = classifyError(err);
        this.metrics.error('encode', error.code, error.disposition);
        this.rejectItem(results, item, 'serde_invalid', error.message);
      }
    }
    return { messages, results, accepted };
  }

  private rejectItem(
    results: ItemResult[],
    item: IngestItem,
    reason: ReasonCode,
    message: string,
    eventId?: string,
  ): void {
    this.metrics.rejected(reason);
    results.push({ index: item.index, line: item.line, status: 'rejected', reason, message, eventId });
  }

  private readonly errorHandler = (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const status = (err as { status?: number; type?: string }).status;
    if ((err as { type?: string }).type === 'entity.too.large') {
      refuse(
        res,
        413,
        'body_too_large',
        `the body is larger than ${this.settings.maxBodyBytes} bytes; split the batch`,
      );
      return;
    }
    if (status && status >= 400 && status < 500) {
      refuse(res, status, 'bad_request', (err as Error).message);
      return;
    }
    const error = classifyError(err);
    this.metrics.error('http', error.code, error.disposition);
    this.logger.error({ err: describeError(err), path: req.path }, 'request failed');
    if (error.retriable) res.set('Retry-After', String(this.settings.retryAfterSeconds));
    refuse(
      res,
      error.retriable ? 503 : 500,
      error.retriable ? 'unavailable' : 'internal_error',
      `${error.code}: ${error.message}`,
    );
  };

  async start(): Promise<void> {
    // listening first: while Kafka is not there yet the gateway answers 503 (and /readyz says why)
    this.server = await listen(this.app(), this.settings, this.logger);
    await this.publisher.connect();
    this.metrics.health(1);
    this.logger.info({ url: this.url }, 'accepting telemetry');
  }

  async stop(deadline: number): Promise<void> {
    // stop intake first; requests already in flight still get their answer
    if (this.server) await closeServer(this.server, deadline);
    await this.publisher.close(deadline);
    if (this.ownsPool) await this.pool.end();
    this.metrics.health(0);
  }

  health(): Health {
    if (!this.server?.listening) return { state: 'down', reason: 'not listening' };
    const publisher = this.publisher.health();
    this.metrics.health(publisher.state === 'ready' ? 1 : publisher.state === 'degraded' ? 0.5 : 0);
    const staleSince = this.verifier.staleSince;
    if (publisher.state === 'ready' && staleSince !== undefined) {
      const since = new Date(staleSince).toISOString();
      return {
        state: 'degraded',
        reason: `API keys from the last copy since ${since}: PostgreSQL does not answer`,
      };
    }
    return publisher;
  }
}

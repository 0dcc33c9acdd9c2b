import { Readable, Transform } from 'node:stream';
import type { Health } from '../../lib/component.ts';
import { classifyError, describeError, SluiceError } from '../../lib/errors.ts';
import type { Logger } from '../../lib/logger.ts';
import type { ComponentMetrics } from '../../lib/metrics.ts';
import { retry } from '../../lib/retry.ts';
import { CircuitBreaker } from './circuit-breaker.ts';
import type { PolitenessSettings } from './config.ts';
import { RateLimiter } from './rate-limiter.ts';

/** Retry-After is either delay-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Turns an HTTP status that is not 2xx into the error the retrier and the circuit breaker act on. */
export function httpStatusError(
  status: number,
  url: string,
  retryAfter: string | null,
  body: string,
): SluiceError {
  const excerpt = body.slice(0, 200).replace(/\s+/g, ' ');
  const details = { status, url, retryAfterMs: retryAfterMs(retryAfter) };
  const message = `HTTP ${status} from ${url}${excerpt ? `: ${excerpt}` : ''}`;
  if (status === 429) return new SluiceError('ING_FETCH_THROTTLED', message, { details });
  if (status === 408) return new SluiceError('ING_TIMEOUT', message, { details });
  if (status >= 500) return new SluiceError('ING_FETCH_UPSTREAM', message, { details });
  return new SluiceError('ING_FETCH_REJECTED', message, { details });
}

/** fetch() reports timeouts and dropped sockets as DOMException/TypeError: name them for the retrier. */
function fetchFailure(err: unknown, url: string): SluiceError {
  if (err instanceof SluiceError) return err;
  const name = (err as { name?: string } | null)?.name;
  if (name === 'TimeoutError')
    return new SluiceError('ING_TIMEOUT', `no answer from ${url} in time`, { cause: err });
  if (name === 'AbortError')
    return new SluiceError('ING_NETWORK', `request to ${url} aborted`, { cause: err });
  if (err instanceof TypeError) {
    return new SluiceError('ING_NETWORK', `connection to ${url} failed: ${describeError(err)}`, {
      cause: err,
    });
  }
  return classifyError(err);
}

/** Throttling is the server asking us to slow down, not failing: it never opens the circuit. */
function opensCircuit(error: SluiceError): boolean {
  return error.retriable && error.code !== 'ING_FETCH_THROTTLED';
}

export interface CallOptions {
  signal: AbortSignal;
  /** Maps a library's own errors (an SDK's) to SluiceErrors; fetch errors are handled already. */
  classify?: (err: unknown) => SluiceError;
}

/**
 * Every request a collector sends goes through here: the rate limiter, the circuit breaker and
 * the shared retrier (exponential backoff with jitter, never shorter than a Retry-After).
 */
export class PoliteClient {
  readonly breaker: CircuitBreaker;
  private readonly limiter: RateLimiter;
  private retrying?: string;

  constructor(
    readonly target: string,
    private readonly settings: PolitenessSettings,
    private readonly logger: Logger,
    private readonly metrics: ComponentMetrics,
  ) {
    this.breaker = new CircuitBreaker(target, settings.circuitFailures, settings.circuitCooldownMs);
    this.limiter = new RateLimiter(settings.requestsPerSecond);
  }

  async call<T>(what: string, request: () => Promise<T>, options: CallOptions): Promise<T> {
    const classify = options.classify ?? classifyError;
    const result = await retry(
      async () => {
        this.breaker.check();
        await this.limiter.acquire(options.signal);
        try {
          const value = await request();
          this.breaker.success();
          return value;
        } catch (err) {
          if (options.signal.aborted) throw err;
          const error = err instanceof SluiceError ? err : classify(err);
          this.metrics.error('fetch', error.code, error.disposition);
          const opened = opensCircuit(error) ? this.breaker.failure(error.message) : undefined;
          if (opened) {
            this.logger.error({ what, err: opened.message }, 'circuit opened');
            throw new SluiceError(opened.code, opened.message, { cause: error, details: opened.details });
          }
          throw error;
        }
      },
      {
        retries: this.settings.retries,
        initialDelayMs: this.settings.retryInitialMs,
        maxDelayMs: this.settings.retryMaxMs,
        factor: 2,
        signal: options.signal,
        requestedDelayMs: (error) => error.details?.retryAfterMs as number | undefined,
        onRetry: (error, attempt, delayMs) => {
          this.retrying = `${what}: ${error.message}`;
          this.logger.warn(
            { what, attempt, delayMs, code: error.code, err: error.message },
            'retrying request',
          );
        },
      },
    );
    this.retrying = undefined;
    return result;
  }

  private async send(url: string, signal: AbortSignal): Promise<Response> {
    const timeout = AbortSignal.timeout(this.settings.requestTimeoutMs);
    let response: Response;
    try {
      response = await fetch(url, {
        signal: AbortSignal.any([signal, timeout]),
        headers: { accept: 'application/json' },
      });
    } catch (err) {
      throw fetchFailure(err, url);
    }
    if (!response.ok) {
      const body = await response.text().catch(() => '');
      throw httpStatusError(response.status, url, response.headers.get('retry-after'), body);
    }
    return response;
  }

  /**
   * GET a JSON page. A body cut short by a dropped connection is retried; a complete body that is
   * not JSON (truncated by the server, an HTML error page) is ING_PRICING_PAGE_INVALID: its page fails.
   */
  getJson(url: string, signal: AbortSignal): Promise<{ text: string; body: unknown }> {
    return this.call(
      `GET ${url}`,
      async () => {
        const response = await this.send(url, signal);
        let text: string;
        try {
          text = await response.text();
        } catch (err) {
          throw fetchFailure(err, url);
        }
        try {
          return { text, body: JSON.parse(text) as unknown };
        } catch (err) {
          const type = response.headers.get('content-type') ?? 'no content type';
          throw new SluiceError(
            'ING_PRICING_PAGE_INVALID',
            `body of ${url} is not valid JSON (${text.length} characters, ${type}): ${(err as Error).message}`,
            { cause: err, details: { url } },
          );
        }
      },
      { signal },
    );
  }

  /**
   * GET a large file as a stream: retried until the headers arrive; the body then arrives as it
   * comes, with `requestTimeoutMs` allowed between chunks (a stalled transfer fails, a slow one does not).
   */
  getStream(url: string, signal: AbortSignal): Promise<Readable> {
    return this.call(
      `GET ${url}`,
      async () => {
        const response = await this.send(url, signal);
        if (!response.body)
          throw new SluiceError('ING_PRICING_PAGE_INVALID', `${url} answered without a body`);
        const body = Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>);
        return withIdleTimeout(body, this.settings.requestTimeoutMs, url);
      },
      { signal },
    );
  }

  health(): Health {
    const breaker = this.breaker.health();
    if (breaker.state !== 'ready') return breaker;
    return this.retrying ? { state: 'degraded', reason: `retrying ${this.retrying}` } : { state: 'ready' };
  }
}

/** Passes the body through, failing it when no chunk arrived for `idleMs` or the connection dropped. */
function withIdleTimeout(body: Readable, idleMs: number, url: string): Readable {
  const onIdle = () =>
    watched.destroy(new SluiceError('ING_TIMEOUT', `${url} sent nothing for ${idleMs} ms`));
  const timer = setTimeout(onIdle, idleMs);
  const watched = new Transform({
    transform(chunk, _encoding, callback) {
      timer.refresh();
      callback(null, chunk);
    },
  });
  watched.once('close', () => {
    clearTimeout(timer);
    body.destroy();
  });
  // fetch reports a dropped connection as TypeError('terminated'): name it, so the reader may re-open
  body.once('error', (err) => watched.destroy(fetchFailure(err, url)));
  body.pipe(watched);
  return watched;
}

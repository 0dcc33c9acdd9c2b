import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { PassThrough, type Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { Health } from '../../lib/component.ts';
import { classifyError, SluiceError } from '../../lib/errors.ts';
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

/** Names socket errors and aborts for the retrier, with the URL they concern. */
function requestFailure(err: unknown, url: string): SluiceError {
  if (err instanceof SluiceError) return err;
  if ((err as { name?: string } | null)?.name === 'AbortError') {
    return new SluiceError('ING_NETWORK', `request to ${url} aborted`, { cause: err });
  }
  const error = classifyError(err);
  return new SluiceError(error.code, `${url}: ${error.message}`, {
    cause: err,
    disposition: error.disposition,
    details: { url },
  });
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
  private readonly agents = {
    http: new http.Agent({ keepAlive: true }),
    https: new https.Agent({ keepAlive: true }),
  };

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

  /**
   * One GET over keep-alive connections (node:http costs a third of fetch's CPU per page, which
   * matters at tens of thousands of items per second). Resolves with a 2xx response whose body is
   * decompressed; redirects are followed; `requestTimeoutMs` is the longest silence allowed, before
   * the headers and between chunks of the body alike.
   */
  private send(
    url: string,
    signal: AbortSignal,
    redirects = 0,
  ): Promise<{ body: Readable; contentType: string }> {
    return new Promise((resolve, reject) => {
      const secure = url.startsWith('https:');
      const request = (secure ? https : http).get(
        url,
        {
          agent: secure ? this.agents.https : this.agents.http,
          signal,
          headers: { accept: 'application/json', 'accept-encoding': 'gzip, deflate, br' },
        },
        (response) => {
          const status = response.statusCode ?? 0;
          const location = response.headers.location;
          if (status >= 300 && status < 400 && location && redirects < 5) {
            response.resume();
            resolve(this.send(new URL(location, url).toString(), signal, redirects + 1));
            return;
          }
          const body = decoded(response, url);
          if (status < 200 || status >= 300) {
            readText(body, 2048)
              .catch(() => '')
              .then((text) =>
                reject(httpStatusError(status, url, headerValue(response.headers['retry-after']), text)),
              );
            return;
          }
          resolve({ body, contentType: response.headers['content-type'] ?? 'no content type' });
        },
      );
      request.setTimeout(this.settings.requestTimeoutMs, () =>
        request.destroy(
          new SluiceError('ING_TIMEOUT', `${url} sent nothing for ${this.settings.requestTimeoutMs} ms`),
        ),
      );
      request.once('error', (err) => reject(requestFailure(err, url)));
    });
  }

  /**
   * GET a JSON page. A body cut short by a dropped connection is retried; a complete body that is
   * not JSON (truncated by the server, an HTML error page) is ING_PRICING_PAGE_INVALID: its page fails.
   */
  getJson(url: string, signal: AbortSignal): Promise<{ text: string; body: unknown }> {
    return this.call(
      `GET ${url}`,
      async () => {
        const { body, contentType } = await this.send(url, signal);
        const text = await readText(body);
        try {
          return { text, body: JSON.parse(text) as unknown };
        } catch (err) {
          throw new SluiceError(
            'ING_PRICING_PAGE_INVALID',
            `body of ${url} is not valid JSON (${text.length} characters, ${contentType}): ${(err as Error).message}`,
            { cause: err, details: { url } },
          );
        }
      },
      { signal },
    );
  }

  /**
   * GET a large file as a stream: retried until the headers arrive; the body then arrives as it
   * comes (a stalled transfer fails after `requestTimeoutMs` of silence, a slow one does not).
   */
  getStream(url: string, signal: AbortSignal): Promise<Readable> {
    return this.call(`GET ${url}`, async () => (await this.send(url, signal)).body, { signal });
  }

  /** Closes the kept-alive connections. */
  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  health(): Health {
    const breaker = this.breaker.health();
    if (breaker.state !== 'ready') return breaker;
    return this.retrying ? { state: 'degraded', reason: `retrying ${this.retrying}` } : { state: 'ready' };
  }
}

function headerValue(value: string | string[] | undefined): string | null {
  return (Array.isArray(value) ? value[0] : value) ?? null;
}

/**
 * The response body, decompressed as its Content-Encoding says; a dropped connection surfaces as
 * an ING_NETWORK error of the returned stream, so readers can tell it from a broken body.
 */
function decoded(response: IncomingMessage, url: string): Readable {
  const encoding = response.headers['content-encoding'];
  const decoder =
    encoding === 'gzip'
      ? createGunzip()
      : encoding === 'deflate'
        ? createInflate()
        : encoding === 'br'
          ? createBrotliDecompress()
          : undefined;
  const output: Readable = decoder ?? new PassThrough();
  response.once('error', (err) => output.destroy(requestFailure(err, url)));
  response.once('aborted', () =>
    output.destroy(new SluiceError('ING_NETWORK', `connection to ${url} dropped while reading the body`)),
  );
  output.once('close', () => response.destroy());
  response.pipe(output as PassThrough);
  return output;
}

/** Reads a whole body as UTF-8 (at most `limit` bytes, for error excerpts). */
async function readText(body: Readable, limit = Number.POSITIVE_INFINITY): Promise<string> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of body) {
    chunks.push(chunk as Buffer);
    length += (chunk as Buffer).length;
    if (length >= limit) {
      body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).toString('utf8');
}

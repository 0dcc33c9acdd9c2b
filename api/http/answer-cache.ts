import { createHash } from 'node:crypto';
import { constants, gzipSync } from 'node:zlib';
import { LRUCache } from 'lru-cache';

/** A serialized JSON answer with its weak ETag and the headers it goes with (a page's Link). */
export interface CachedAnswer {
  body: Buffer;
  etag: string;
  headers: Record<string, string>;
  /** The body gzipped, made when first asked for (kept answers have it from the start). */
  gzip?: Buffer;
}

/** Below this a body is sent as it is: compressing would cost more than it saves. */
const compressFrom = 1024;

/** The body to send to a client that accepts gzip, or undefined when it goes uncompressed. */
export function gzippedBody(answer: CachedAnswer): Buffer | undefined {
  if (answer.body.length < compressFrom) return undefined;
  answer.gzip ??= gzipSync(answer.body, { level: constants.Z_BEST_SPEED });
  return answer.gzip;
}

/**
 * Answers kept serialized: over settled time ranges (they do not change) and over data whose
 * version the route knows (current prices, kept under their version), so a repeated request
 * (a dashboard refreshing, many viewers of one chart) costs no database query and no JSON work.
 * Bounded by bytes and by the age clients may keep settled answers too (API_CACHE_MAX_AGE_SECONDS).
 */
export class AnswerCache {
  private readonly cache?: LRUCache<string, CachedAnswer>;

  constructor(maxBytes: number, ttlMs: number) {
    if (maxBytes > 0) {
      this.cache = new LRUCache({
        maxSize: maxBytes,
        sizeCalculation: (answer) => answer.body.length + 64,
        ttl: ttlMs,
      });
    }
  }

  get(key: string): CachedAnswer | undefined {
    return this.cache?.get(key);
  }

  /** Serializes the answer (whether kept or not), so the caller sends exactly these bytes. */
  put(key: string | undefined, json: unknown, headers: Record<string, string> = {}): CachedAnswer {
    const body = Buffer.from(JSON.stringify(json));
    const answer: CachedAnswer = { body, etag: weakEtag(body), headers };
    if (key !== undefined && this.cache) {
      // compressed once, with effort: a kept answer is sent many times
      if (body.length >= compressFrom) answer.gzip = gzipSync(body);
      this.cache.set(key, answer);
    }
    return answer;
  }
}

export function weakEtag(body: Buffer): string {
  return `W/"${body.length.toString(16)}-${createHash('sha1').update(body).digest('base64').slice(0, 27)}"`;
}

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import {
  bool,
  defineSettings,
  nonNegativeInt,
  port,
  positiveInt,
  projectRoot,
  type SettingsOf,
  setting,
  str,
} from '../lib/config.ts';

const optional = z.string().trim();

export const apiSettings = defineSettings('api', {
  host: setting(
    'API_HOST',
    str,
    '127.0.0.1',
    'Address the API listens on (0.0.0.0 to serve other machines).',
  ),
  port: setting('API_PORT', port, '8080', 'Port of the API, dashboard and /metrics.'),
  corsOrigins: setting(
    'API_CORS_ORIGINS',
    optional,
    '',
    'Browser origins allowed to call the API (CORS): comma-separated origins, * for any, empty for none.',
  ),
  rateLimitPerMinute: setting(
    'API_RATE_LIMIT_PER_MINUTE',
    positiveInt,
    '600',
    'Requests each API key (or JWT subject) may make per minute and API process; more are answered 429 with Retry-After.',
  ),
  defaultPageSize: setting(
    'API_DEFAULT_PAGE_SIZE',
    positiveInt,
    '100',
    'Items per page when a request names no limit.',
  ),
  maxPageSize: setting(
    'API_MAX_PAGE_SIZE',
    positiveInt,
    '1000',
    'Most items per page (REST and GraphQL); a larger limit is capped to it.',
  ),
  maxRangeDays: setting(
    'API_MAX_RANGE_DAYS',
    positiveInt,
    '31',
    'Longest time range (days) of a readings page; longer is answered 400 (aggregates are bounded by API_MAX_AGGREGATE_POINTS instead).',
  ),
  maxAggregatePoints: setting(
    'API_MAX_AGGREGATE_POINTS',
    positiveInt,
    '100000',
    'Most points (buckets × series) one aggregates request may return; more is answered 400.',
  ),
  exportMaxRows: setting(
    'API_EXPORT_MAX_ROWS',
    positiveInt,
    '5000000',
    'Most rows one CSV/NDJSON export streams; an export with more stops there (header X-Export-Max-Rows says so).',
  ),
  exportMaxRangeDays: setting(
    'API_EXPORT_MAX_RANGE_DAYS',
    positiveInt,
    '366',
    'Longest time range (days) of one CSV/NDJSON export.',
  ),
  settledAfterSeconds: setting(
    'API_SETTLED_AFTER_SECONDS',
    positiveInt,
    '3600',
    'A time range that ended this long ago is treated as settled: its answers carry Cache-Control max-age (late readings older than this are rare).',
  ),
  cacheMaxAgeSeconds: setting(
    'API_CACHE_MAX_AGE_SECONDS',
    positiveInt,
    '86400',
    'max-age of answers over settled time ranges; other answers are no-cache (revalidated by ETag).',
  ),
  currentAnswersMaxAgeSeconds: setting(
    'API_CURRENT_ANSWERS_MAX_AGE_SECONDS',
    positiveInt,
    '60',
    'Longest the API keeps an answer over current prices; a load that changes prices drops them at once (PostgreSQL NOTIFY), this bounds prices coming into force by date alone.',
  ),
  answerCacheMb: setting(
    'API_ANSWER_CACHE_MB',
    nonNegativeInt,
    '128',
    'Memory (MiB) for answers over settled time ranges and current prices, served again without a database query; 0 turns it off.',
  ),
  queryTimeoutMs: setting(
    'API_QUERY_TIMEOUT_MS',
    positiveInt,
    '30000',
    'Longest database query of a request (not of an export stream); longer is cancelled and answered 503.',
  ),
  apiKeyCacheMs: setting(
    'API_KEY_CACHE_MS',
    positiveInt,
    '30000',
    'How long a verified API key is remembered (a revoked key stops working within this time).',
  ),
  jwtSecret: setting(
    'API_JWT_SECRET',
    optional,
    '',
    'Shared secret of HS256 bearer tokens (at least 32 characters); empty: HS256 tokens are refused.',
  ),
  jwtPublicKeyFile: setting(
    'API_JWT_PUBLIC_KEY_FILE',
    optional,
    '',
    'PEM file (SPKI public key) of RS256 bearer tokens; empty: RS256 tokens are refused.',
  ),
  jwtIssuer: setting(
    'API_JWT_ISSUER',
    optional,
    '',
    'Required iss claim of bearer tokens (empty: not checked).',
  ),
  jwtAudience: setting(
    'API_JWT_AUDIENCE',
    optional,
    '',
    'Required aud claim of bearer tokens (empty: not checked).',
  ),
  jwtRolesClaim: setting(
    'API_JWT_ROLES_CLAIM',
    str,
    'roles',
    'Claim holding a token’s roles (read, ingest, admin): an array or a space-separated string.',
  ),
  graphqlMaxDepth: setting(
    'API_GRAPHQL_MAX_DEPTH',
    positiveInt,
    '8',
    'Deepest GraphQL selection accepted; deeper queries are refused before they run.',
  ),
  graphqlMaxCost: setting(
    'API_GRAPHQL_MAX_COST',
    positiveInt,
    '100000',
    'Highest GraphQL query cost accepted (each object counts 1, lists count their limit times their items); costlier queries are refused before they run.',
  ),
  maxBodyBytes: setting(
    'API_MAX_BODY_BYTES',
    positiveInt,
    '65536',
    'Largest request body (device updates, GraphQL queries); larger is answered 413.',
  ),
  validateResponses: setting(
    'API_VALIDATE_RESPONSES',
    bool,
    'false',
    'Check every JSON answer against its documented schema before sending it (tests turn it on; costs CPU).',
  ),
  streamIntervalMs: setting(
    'API_STREAM_INTERVAL_MS',
    positiveInt,
    '1000',
    'How often /api/v1/stream sends its snapshots (pipeline, collections, readings); GET /api/v1/pipeline answers from a snapshot at most this old.',
  ),
  dlqBrowseEntries: setting(
    'API_DLQ_BROWSE_ENTRIES',
    positiveInt,
    '10000',
    'Latest dead letters the API keeps for GET /api/v1/dlq and lineage; at start it reads at most this many of each DLQ topic’s history, and counts by reason cover the letters read.',
  ),
  jobsKept: setting(
    'API_JOBS_KEPT',
    positiveInt,
    '100',
    'Ended replay and reprocess jobs listed by GET /api/v1/jobs (jobs live in the API process that runs them).',
  ),
});

export type ApiSettings = SettingsOf<typeof apiSettings>;

export function apiUrl(settings: Pick<ApiSettings, 'host' | 'port'>): string {
  return `http://${settings.host}:${settings.port}`;
}

/** The package version, which the OpenAPI and AsyncAPI documents carry. */
export const apiVersion = (
  JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string }
).version;

import {
  type ClickHouseClient,
  ClickHouseError,
  createClient,
  type ErrorLogParams,
  type Logger,
  type LogParams,
  type WarnLogParams,
} from '@clickhouse/client';
import { z } from 'zod';
import { defineSettings, loadSettings, type SettingsOf, setting, str, url } from './config.ts';
import { classifyError, describeError, type ErrorCode, SluiceError, settingError } from './errors.ts';
import { componentLogger } from './logger.ts';

export const clickhouseSettings = defineSettings('clickhouse', {
  url: setting(
    'CLICKHOUSE_URL',
    url(['http', 'https']),
    'http://127.0.0.1:18123',
    'ClickHouse HTTP endpoint.',
  ),
  database: setting('CLICKHOUSE_DATABASE', str, 'sluice', 'ClickHouse database holding the Sluice tables.'),
  user: setting(
    'CLICKHOUSE_USER',
    str,
    'default',
    'ClickHouse user of the sinks (the local stack: `sluice`, whose rights end at the sluice database).',
  ),
  password: setting('CLICKHOUSE_PASSWORD', z.string(), '', 'ClickHouse password (empty for none).'),
  cluster: setting(
    'CLICKHOUSE_CLUSTER',
    z.string().trim(),
    '',
    'ClickHouse cluster (remote_servers name) the tables are spread over: replicated tables per shard with Distributed tables in front (empty: one server). `sluice stack up` sets it for its local cluster.',
  ),
});

export type ClickHouseSettings = SettingsOf<typeof clickhouseSettings>;

/**
 * Where the tables live: one server, or a cluster (a remote_servers name) where each table is a
 * replicated table per shard (`<table>_local`) with a Distributed table named as the table in front,
 * so readers and writers use the same names either way.
 */
export interface ClickHouseLayout {
  database: string;
  cluster?: string;
}

export function clickhouseLayout(
  settings: ClickHouseSettings = loadSettings(clickhouseSettings),
): ClickHouseLayout {
  return { database: settings.database, cluster: settings.cluster || undefined };
}

/** ClickHouse error codes by what they mean for the batch (the rest: see classifyError). */
const clickhouseErrorCodes: Record<string, ErrorCode> = {
  // the data cannot be inserted as it is: split the batch, DLQ the bad rows
  '6': 'ING_DB_REJECTED', // CANNOT_PARSE_TEXT
  '26': 'ING_DB_REJECTED', // CANNOT_PARSE_QUOTED_STRING
  '27': 'ING_DB_REJECTED', // CANNOT_PARSE_INPUT_ASSERTION_FAILED
  '38': 'ING_DB_REJECTED', // CANNOT_PARSE_DATE
  '41': 'ING_DB_REJECTED', // CANNOT_PARSE_DATETIME
  '53': 'ING_DB_REJECTED', // TYPE_MISMATCH
  '69': 'ING_DB_REJECTED', // ARGUMENT_OUT_OF_BOUND
  '70': 'ING_DB_REJECTED', // CANNOT_CONVERT_TYPE
  '72': 'ING_DB_REJECTED', // CANNOT_PARSE_NUMBER
  '117': 'ING_DB_REJECTED', // INCORRECT_DATA
  '131': 'ING_DB_REJECTED', // TOO_LARGE_STRING_SIZE
  // the server is busy or going away: try again later
  '159': 'ING_DB_UNAVAILABLE', // TIMEOUT_EXCEEDED
  '202': 'ING_DB_UNAVAILABLE', // TOO_MANY_SIMULTANEOUS_QUERIES
  '209': 'ING_DB_UNAVAILABLE', // SOCKET_TIMEOUT
  '210': 'ING_DB_UNAVAILABLE', // NETWORK_ERROR
  '241': 'ING_DB_UNAVAILABLE', // MEMORY_LIMIT_EXCEEDED
  '252': 'ING_DB_UNAVAILABLE', // TOO_MANY_PARTS
  '394': 'ING_DB_UNAVAILABLE', // QUERY_WAS_CANCELLED (server shutting down)
  // misconfiguration: fix the tables, the user or the URL
  '16': 'ING_DB_MISCONFIGURED', // NO_SUCH_COLUMN_IN_TABLE
  '60': 'ING_DB_MISCONFIGURED', // UNKNOWN_TABLE
  '62': 'ING_DB_MISCONFIGURED', // SYNTAX_ERROR
  '81': 'ING_DB_MISCONFIGURED', // UNKNOWN_DATABASE
  '164': 'ING_DB_MISCONFIGURED', // READONLY
  '192': 'ING_DB_MISCONFIGURED', // UNKNOWN_USER
  '193': 'ING_DB_MISCONFIGURED', // WRONG_PASSWORD
  '497': 'ING_DB_MISCONFIGURED', // ACCESS_DENIED
  '516': 'ING_DB_MISCONFIGURED', // AUTHENTICATION_FAILED
};

/** The server's error code: parsed by the client on current servers, read from the text on 18.16 ("Code: 27, …"). */
function serverErrorCode(err: unknown): string | undefined {
  if (err instanceof ClickHouseError) return err.code;
  return err instanceof Error ? /^Code: (\d+)[,.]/.exec(err.message)?.[1] : undefined;
}

export function classifyClickHouseError(err: unknown): SluiceError {
  const serverCode = serverErrorCode(err);
  const code = serverCode === undefined ? undefined : clickhouseErrorCodes[serverCode];
  if (code) {
    return new SluiceError(code, `ClickHouse ${serverCode}: ${(err as Error).message.trim()}`, {
      cause: err,
    });
  }
  const error = classifyError(err);
  if (error.code === 'ING_UNCLASSIFIED' && /timeout/i.test(error.message)) {
    return new SluiceError('ING_TIMEOUT', error.message, { cause: err });
  }
  return error;
}

/** The setting to fix when a request fails before ClickHouse ran it; undefined for errors of the request itself. */
function settingToFix(
  err: unknown,
  classified: SluiceError,
): 'CLICKHOUSE_URL' | 'CLICKHOUSE_USER' | 'CLICKHOUSE_DATABASE' | undefined {
  const serverCode = serverErrorCode(err);
  if (serverCode === '192' || serverCode === '193' || serverCode === '516') return 'CLICKHOUSE_USER';
  if (serverCode === '81') return 'CLICKHOUSE_DATABASE';
  const systemCode = (err as { code?: unknown } | null)?.code;
  if (classified.code === 'ING_NETWORK' || (typeof systemCode === 'string' && systemCode.startsWith('HPE_')))
    return 'CLICKHOUSE_URL';
  // the native port answers HTTP with this advice instead of an error code
  if (err instanceof Error && /is for clickhouse-client program/.test(err.message)) return 'CLICKHOUSE_URL';
  return undefined;
}

/**
 * The client's own log lines, into the one logger. A failed request is reported by its caller (with
 * the setting to fix, or as the batch's error): the client's multi-line report of it goes to debug.
 */
class ClickHouseClientLog implements Logger {
  private readonly logger = componentLogger('clickhouse', { lib: '@clickhouse/client' });
  trace(): void {}
  debug({ message, args }: LogParams): void {
    this.logger.debug(args ?? {}, message);
  }
  info({ message, args }: LogParams): void {
    this.logger.debug(args ?? {}, message);
  }
  warn({ message, args, err }: WarnLogParams): void {
    this.logger.warn({ ...args, err: err && describeError(err) }, message);
  }
  error({ message, args, err }: ErrorLogParams): void {
    this.logger.debug({ ...args, err: describeError(err) }, message);
  }
}

const requests = new Set(['query', 'insert', 'command', 'exec']);

/**
 * The one ClickHouse client factory. A request that cannot reach the server, or that the server
 * refuses for the login or the database, fails with one line naming the setting and what was tried
 * (`CLICKHOUSE_USER: ClickHouse 516: Authentication failed … (tried sluice@http://…)`), classified
 * as the table above says; the errors of the request itself come as the client raised them.
 */
export function createClickHouse(
  settings: ClickHouseSettings = loadSettings(clickhouseSettings),
): ClickHouseClient {
  const client = createClient({
    url: settings.url,
    database: settings.database,
    username: settings.user,
    password: settings.password,
    // on a cluster, an insert through a Distributed table returns once every shard has its rows, and
    // reads and writes go to the first live replica of each shard, so a read sees what was written
    clickhouse_settings: settings.cluster
      ? { insert_distributed_sync: 1, load_balancing: 'in_order' }
      : undefined,
    log: { LoggerClass: ClickHouseClientLog },
  });
  const tried = {
    CLICKHOUSE_URL: settings.url,
    CLICKHOUSE_USER: `user ${settings.user} at ${settings.url}`,
    CLICKHOUSE_DATABASE: `database ${settings.database} at ${settings.url}`,
  };
  return new Proxy(client, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof property !== 'string' || !requests.has(property) || typeof value !== 'function')
        return value;
      return (...args: unknown[]) =>
        (value as (...a: unknown[]) => Promise<unknown>).apply(target, args).catch((err: unknown) => {
          const classified = classifyClickHouseError(err);
          const name = settingToFix(err, classified);
          throw name ? settingError(name, tried[name], classified) : err;
        });
    },
  });
}

/**
 * What the server can do, from `SELECT version()`: Debian's 18.16 lacks much of what current
 * servers have, so sinks and the API choose by version (and are tested on 18.16 here).
 */
export interface ClickHouseFeatures {
  version: string;
  /** DateTime64(3): millisecond times in the time columns themselves (20.1+). */
  dateTime64: boolean;
  /** LowCardinality(String) for repetitive strings (20.1+; experimental before). */
  lowCardinality: boolean;
  /** Table TTL for retention (19.6+); 18.16 drops old partitions instead. */
  ttl: boolean;
  /** Server-side batching of small inserts (21.11+). */
  asyncInsert: boolean;
  /** insert_deduplication_token with non_replicated_deduplication_window (22.2+). */
  deduplicationToken: boolean;
  /** `{name:Type}` placeholders bound from `query_params` (19.11+); 18.16 answers "Unknown setting param_x". */
  queryParameters: boolean;
}

export function featuresOf(version: string): ClickHouseFeatures {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  const atLeast = (wantMajor: number, wantMinor: number) =>
    major > wantMajor || (major === wantMajor && minor >= wantMinor);
  return {
    version,
    dateTime64: atLeast(20, 1),
    lowCardinality: atLeast(20, 1),
    ttl: atLeast(19, 6),
    asyncInsert: atLeast(21, 11),
    deduplicationToken: atLeast(22, 2),
    queryParameters: atLeast(19, 11),
  };
}

export async function detectFeatures(client: ClickHouseClient): Promise<ClickHouseFeatures> {
  const result = await client.query({ query: 'SELECT version() AS version', format: 'JSONEachRow' });
  const [row] = await result.json<{ version: string }>();
  if (!row) throw new SluiceError('ING_DB_MISCONFIGURED', 'ClickHouse did not answer SELECT version()');
  return featuresOf(row.version);
}

/** Table names the sink writes and the API reads. */
export const telemetryTable = 'telemetry_readings';
export const pricingTable = 'pricing_prices';

/** Tables the telemetry rollups are kept in, by granularity. */
export const rollupTables = {
  minute: { table: 'telemetry_rollup_minute', bucket: 'toStartOfMinute' },
  hour: { table: 'telemetry_rollup_hour', bucket: 'toStartOfHour' },
} as const;

import type { Readable } from 'node:stream';
import { type ClickHouseClient, ClickHouseError, type ClickHouseSettings } from '@clickhouse/client';
import { type ClickHouseFeatures, detectFeatures } from '../../lib/clickhouse.ts';
import { renderSql, type Sql } from '../../lib/clickhouse-sql.ts';
import { classifyError, SluiceError } from '../../lib/errors.ts';
import { requestSignal } from '../http/request-scope.ts';

/** ClickHouse error codes that mean "try later", not "the query is wrong". */
const busyCodes = new Set([
  '159', // TIMEOUT_EXCEEDED
  '160', // TOO_SLOW
  '202', // TOO_MANY_SIMULTANEOUS_QUERIES
  '241', // MEMORY_LIMIT_EXCEEDED
  '394', // QUERY_WAS_CANCELLED
]);

function readError(err: unknown): SluiceError {
  if (err instanceof ClickHouseError) {
    return busyCodes.has(err.code)
      ? new SluiceError('ING_DB_UNAVAILABLE', `ClickHouse: ${err.message}`, { cause: err })
      : new SluiceError('ING_PROGRAMMING', `ClickHouse refused a query: ${err.message}`, { cause: err });
  }
  const error = classifyError(err);
  return error.retriable
    ? new SluiceError('ING_DB_UNAVAILABLE', `ClickHouse: ${error.message}`, { cause: err })
    : error;
}

/**
 * The API's read path to ClickHouse: renders a query for the server's version (placeholders or
 * escaped literals, see lib/clickhouse-sql.ts), runs it read-only with a time limit.
 */
export class ClickHouseReader {
  private features?: Promise<ClickHouseFeatures>;

  constructor(
    private readonly client: ClickHouseClient,
    private readonly timeoutMs: number,
  ) {}

  /** The server's features, asked once (again after a failure, so a late server is found). */
  serverFeatures(): Promise<ClickHouseFeatures> {
    this.features ??= detectFeatures(this.client).catch((err) => {
      this.features = undefined;
      throw readError(err);
    });
    return this.features;
  }

  private async render(query: Sql) {
    const { queryParameters } = await this.serverFeatures();
    return renderSql(query, { parameters: queryParameters });
  }

  private settings(timeoutMs: number | undefined): ClickHouseSettings {
    return {
      // 2: reads only, but the request may still carry settings such as this one
      readonly: '2',
      ...(timeoutMs ? { max_execution_time: Math.max(1, Math.ceil(timeoutMs / 1000)) } : {}),
    };
  }

  /** The rows of a SELECT (JSONEachRow), parsed; cancelled when the request it answers is abandoned. */
  async rows<T>(query: Sql, signal = requestSignal()): Promise<T[]> {
    const { query: text, params } = await this.render(query);
    try {
      const result = await this.client.query({
        query: text,
        query_params: params,
        format: 'JSONEachRow',
        clickhouse_settings: this.settings(this.timeoutMs),
        abort_signal: signal,
      });
      return await result.json<T>();
    } catch (err) {
      throw readError(err);
    }
  }

  /**
   * The raw bytes of a SELECT in `format`, as ClickHouse writes them: an export streams them to
   * the client without parsing (no time limit: the row limit bounds it, a client that leaves aborts it).
   */
  async stream(query: Sql, format: 'JSONEachRow' | 'CSVWithNames', signal: AbortSignal): Promise<Readable> {
    const { query: text, params } = await this.render(query);
    try {
      const { stream } = await this.client.exec({
        query: `${text}\nFORMAT ${format}`,
        query_params: params,
        clickhouse_settings: this.settings(undefined),
        abort_signal: signal,
      });
      return stream;
    } catch (err) {
      throw readError(err);
    }
  }
}

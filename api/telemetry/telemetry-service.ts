import type { Readable } from 'node:stream';
import { z } from 'zod';
import { rollupTables, telemetryTable } from '../../lib/clickhouse.ts';
import { empty, inList, int, join, type Sql, sql, str, strings, trusted } from '../../lib/clickhouse-sql.ts';
import type { ApiSettings } from '../config.ts';
import type { ClickHouseReader } from '../db/clickhouse-reader.ts';
import { ApiProblem } from '../http/problem.ts';
import { decodeCursor, encodeCursor, keysetPage, type Page } from '../schemas.ts';
import type { AggregatesAnswer, Reading } from './schemas.ts';

/**
 * Telemetry as the API serves it, from ClickHouse: readings (pages and exports), aggregates from
 * the rollups, the latest reading per device and metric. REST and GraphQL both call this.
 * Readings are read without FINAL: the sink loads each event once, and on 18.16 FINAL tripled
 * the time of an export (100,000 rows: 2.1 s instead of 0.7 s), so only an event re-published
 * upstream beyond both dedupe windows can show twice, until ClickHouse merges its parts.
 */

export type TelemetryLimits = Pick<
  ApiSettings,
  | 'defaultPageSize'
  | 'maxPageSize'
  | 'maxRangeDays'
  | 'maxAggregatePoints'
  | 'exportMaxRows'
  | 'exportMaxRangeDays'
  | 'settledAfterSeconds'
>;

export interface TimeRange {
  from?: number;
  to?: number;
}

export interface ReadingsFilter extends TimeRange {
  device?: string[];
  site?: string[];
  metric?: string[];
  flag?: string[];
  quality?: string[];
}

export type ExportFormat = 'ndjson' | 'csv';

const dayMs = 86_400_000;
const bucketMs = { minute: 60_000, hour: 3_600_000, day: dayMs } as const;

/** The sort key of a readings page item: device, metric, source time (ms), event id. */
const readingCursor = z.tuple([z.string(), z.string(), z.number().int(), z.string()]);
const latestCursor = z.tuple([z.string(), z.string()]);

const isoSeconds = (column: Sql) => sql`formatDateTime(${column}, '%Y-%m-%dT%H:%M:%SZ')`;

/** ISO-8601 with milliseconds from epoch milliseconds, the same on every server version. */
const isoMillis = (column: Sql) =>
  sql`concat(formatDateTime(toDateTime(intDiv(${column}, 1000), 'UTC'), '%Y-%m-%dT%H:%M:%S'), '.', substring(toString(1000 + ${column} % 1000), 2, 3), 'Z')`;

/** The columns of a Reading, named as the API names them; CSV wants no NULLs or arrays. */
function readingColumns(format: 'json' | 'csv'): Sql {
  const text = (column: string) => (format === 'csv' ? trusted(`ifNull(${column}, '')`) : trusted(column));
  const number = (column: string) =>
    format === 'csv' ? trusted(`ifNull(toString(${column}), '')`) : trusted(column);
  return sql`event_id AS eventId, toString(source) AS source, device_id AS deviceId, ${text('site_id')} AS siteId,
  toString(metric) AS metric, value, toString(unit) AS unit, ${number('original_value')} AS originalValue,
  ${text('original_unit')} AS originalUnit, ${isoMillis(trusted('source_ms'))} AS sourceTime,
  ${isoSeconds(trusted('received_at'))} AS receivedAt, toString(quality_level) AS qualityLevel,
  quality_score AS qualityScore, ${format === 'csv' ? trusted("arrayStringConcat(quality_flags, ';')") : trusted('quality_flags')} AS qualityFlags,
  ${text('site_name')} AS siteName, ${text('device_type')} AS deviceType, ${text('trace_id')} AS traceId`;
}

const seconds = (ms: number) => Math.floor(ms / 1000);

export class TelemetryService {
  constructor(
    private readonly reader: ClickHouseReader,
    private readonly limits: TelemetryLimits,
    private readonly now: () => number = Date.now,
  ) {}

  pageSize(limit: number | undefined): number {
    return Math.min(limit ?? this.limits.defaultPageSize, this.limits.maxPageSize);
  }

  /** The range with its defaults (the last 24 hours), checked against `maxDays`. */
  range({ from, to }: TimeRange, maxDays: number): { from: number; to: number } {
    const end = to ?? this.now();
    const start = from ?? end - dayMs;
    if (start >= end) throw new ApiProblem('invalid-request', '`from` must be before `to`');
    if (end - start > maxDays * dayMs) {
      throw new ApiProblem(
        'invalid-request',
        `the time range spans ${((end - start) / dayMs).toFixed(1)} days; at most ${maxDays} are served at once`,
      );
    }
    return { from: start, to: end };
  }

  /** True when the range ended long enough ago that no reading should still arrive in it. */
  settled(range: { to?: number }): boolean {
    return range.to !== undefined && range.to <= this.now() - this.limits.settledAfterSeconds * 1000;
  }

  private readingsConditions(filter: ReadingsFilter, range: { from: number; to: number }): Sql {
    const conditions: Sql[] = [
      // source_time narrows partitions and index ranges, source_ms is exact to the millisecond
      sql`source_time >= toDateTime(${int(seconds(range.from))}) AND source_time <= toDateTime(${int(seconds(range.to))})`,
      sql`source_ms >= ${int(range.from)} AND source_ms < ${int(range.to)}`,
    ];
    if (filter.device) conditions.push(sql`device_id IN ${inList(filter.device)}`);
    if (filter.site) conditions.push(sql`site_id IN ${inList(filter.site)}`);
    if (filter.metric) conditions.push(sql`metric IN ${inList(filter.metric)}`);
    if (filter.flag) conditions.push(sql`hasAll(quality_flags, ${strings(filter.flag)})`);
    if (filter.quality) conditions.push(sql`quality_level IN ${inList(filter.quality)}`);
    return join(conditions, ' AND ');
  }

  private readingsQuery(
    filter: ReadingsFilter,
    range: { from: number; to: number },
    format: 'json' | 'csv',
    after: z.infer<typeof readingCursor> | undefined,
    limit: number,
    ordered: boolean,
  ): Sql {
    const keyset = after
      ? sql` AND device_id >= ${str(after[0])} AND (device_id, toString(metric), source_ms, event_id) > (${str(after[0])}, ${str(after[1])}, ${int(after[2])}, ${str(after[3])})`
      : empty;
    return sql`SELECT ${readingColumns(format)}
FROM ${trusted(telemetryTable)}
WHERE ${this.readingsConditions(filter, range)}${keyset}
${ordered ? trusted('ORDER BY device_id, metric, source_ms, event_id') : empty}
LIMIT ${int(limit)}`;
  }

  private cursorOf<T extends z.ZodType>(cursor: string | undefined, shape: T): z.output<T> | undefined {
    if (cursor === undefined) return undefined;
    const key = decodeCursor(cursor, shape);
    if (key === undefined) {
      throw new ApiProblem('invalid-request', 'the cursor is not one this API gave out', {
        invalidParams: [{ name: 'cursor', reason: 'not a cursor of this API' }],
      });
    }
    return key;
  }

  async readings(filter: ReadingsFilter, limit?: number, cursor?: string): Promise<Page<Reading>> {
    const size = this.pageSize(limit);
    const range = this.range(filter, this.limits.maxRangeDays);
    const after = this.cursorOf(cursor, readingCursor);
    const rows = await this.reader.rows<Reading>(
      this.readingsQuery(filter, range, 'json', after, size + 1, true),
    );
    return keysetPage(
      rows,
      size,
      (row) => row,
      (last) => [last.deviceId, last.metric, Date.parse(last.sourceTime), last.eventId],
    );
  }

  /** Rows of a bulk export as ClickHouse writes them (NDJSON lines or CSV with a header), unparsed, in storage order. */
  async exportReadings(
    filter: ReadingsFilter,
    format: ExportFormat,
    signal: AbortSignal,
    limit?: number,
    cursor?: string,
  ): Promise<{ stream: Readable; rows: number }> {
    const rows = Math.min(limit ?? this.limits.exportMaxRows, this.limits.exportMaxRows);
    const range = this.range(filter, this.limits.exportMaxRangeDays);
    const query = this.readingsQuery(
      filter,
      range,
      format === 'csv' ? 'csv' : 'json',
      this.cursorOf(cursor, readingCursor),
      rows,
      // unsorted: ClickHouse 18.16 sorts a whole result before its first row (5 s for a million)
      false,
    );
    const stream = await this.reader.stream(query, format === 'csv' ? 'CSVWithNames' : 'JSONEachRow', signal);
    return { stream, rows };
  }

  async aggregates(query: {
    device: string[];
    metric?: string[];
    granularity: 'minute' | 'hour' | 'day';
    from?: number;
    to?: number;
  }): Promise<AggregatesAnswer> {
    const { granularity } = query;
    const maxPoints = this.limits.maxAggregatePoints;
    // bounded by points, not days: a year by day is as cheap as a week by minute
    const maxDays = Math.max(1, Math.floor((maxPoints * bucketMs[granularity]) / dayMs));
    const range = this.range(query, maxDays);
    const perSeries = Math.ceil((range.to - range.from) / bucketMs[granularity]) + 1;
    const series = query.device.length * (query.metric?.length ?? 1);
    if (perSeries * series > maxPoints) {
      throw new ApiProblem(
        'invalid-request',
        `${series} series × ${perSeries} ${granularity} buckets exceed the ${maxPoints} points one request may return; narrow the range or the devices, or take a coarser granularity`,
      );
    }
    const source = granularity === 'minute' ? rollupTables.minute.table : rollupTables.hour.table;
    const bucket = granularity === 'day' ? trusted('toStartOfDay(bucket)') : trusted('bucket');
    const conditions = [
      sql`device_id IN ${inList(query.device)}`,
      sql`bucket >= toDateTime(${int(seconds(range.from))})`,
      sql`bucket < toDateTime(${int(Math.ceil(range.to / 1000))})`,
    ];
    if (query.metric) conditions.push(sql`metric IN ${inList(query.metric)}`);
    const rows = await this.reader.rows<{
      deviceId: string;
      metric: string;
      unit: string;
      bucketStart: string;
      count: number;
      min: number;
      max: number;
      avg: number;
      last: number;
    }>(sql`SELECT device_id AS deviceId, toString(metric) AS metric, toString(unit) AS unit,
  ${isoSeconds(trusted('bucket_start'))} AS bucketStart, toUInt32(countMerge(readings)) AS count,
  minMerge(min_value) AS min, maxMerge(max_value) AS max, avgMerge(avg_value) AS avg,
  argMaxMerge(last_value) AS last
FROM ${trusted(source)}
WHERE ${join(conditions, ' AND ')}
GROUP BY device_id, metric, unit, ${bucket} AS bucket_start
ORDER BY device_id, metric, unit, bucket_start
LIMIT ${int(maxPoints + 1)}`);
    const answer: AggregatesAnswer = {
      granularity,
      from: new Date(range.from).toISOString(),
      to: new Date(range.to).toISOString(),
      series: [],
    };
    for (const row of rows) {
      let current = answer.series.at(-1);
      if (
        !current ||
        current.deviceId !== row.deviceId ||
        current.metric !== row.metric ||
        current.unit !== row.unit
      ) {
        current = { deviceId: row.deviceId, metric: row.metric, unit: row.unit, points: [] };
        answer.series.push(current);
      }
      const { bucketStart, count, min, max, avg, last } = row;
      current.points.push({ bucket: bucketStart, count, min, max, avg, last });
    }
    return answer;
  }

  /**
   * The latest reading of each device and metric: the hour rollup says which hour holds it, so
   * only that hour of each series is read from the readings table.
   */
  async latest(
    filter: { device?: string[]; metric?: string[] },
    limit?: number,
    cursor?: string,
  ): Promise<Page<Reading>> {
    const size = this.pageSize(limit);
    const after = this.cursorOf(cursor, latestCursor);
    const conditions: Sql[] = [];
    if (filter.device) conditions.push(sql`device_id IN ${inList(filter.device)}`);
    if (filter.metric) conditions.push(sql`metric IN ${inList(filter.metric)}`);
    if (after) {
      conditions.push(
        sql`device_id >= ${str(after[0])} AND (device_id, toString(metric)) > (${str(after[0])}, ${str(after[1])})`,
      );
    }
    const hours = await this.reader.rows<{ deviceId: string; metric: string; hour: number }>(
      sql`SELECT device_id AS deviceId, toString(metric) AS metric, toUInt32(max(bucket)) AS hour
FROM ${trusted(rollupTables.hour.table)}
${conditions.length > 0 ? sql`WHERE ${join(conditions, ' AND ')}` : empty}
GROUP BY device_id, metric
ORDER BY device_id, metric
LIMIT ${int(size + 1)}`,
    );
    const series = hours.slice(0, size);
    if (series.length === 0) return { data: [], limit: size };
    const earliest = Math.min(...series.map((s) => s.hour));
    const latestOf = join(
      series.map((s) => sql`(${str(s.deviceId)}, ${str(s.metric)}, toDateTime(${int(s.hour)}))`),
      ', ',
    );
    const data = await this.reader.rows<Reading>(sql`SELECT ${readingColumns('json')}
FROM ${trusted(telemetryTable)}
WHERE device_id IN ${inList([...new Set(series.map((s) => s.deviceId))])}
  AND source_time >= toDateTime(${int(earliest)})
  AND (device_id, toString(metric), toStartOfHour(source_time)) IN (${latestOf})
ORDER BY device_id, metric, source_ms DESC, event_id DESC
LIMIT 1 BY device_id, metric`);
    const last = series.at(-1);
    return {
      data,
      limit: size,
      next: hours.length > size && last ? encodeCursor([last.deviceId, last.metric]) : undefined,
    };
  }

  /** Every latest reading of these devices (all pages): what a batch of GraphQL parents asks. */
  async latestOfDevices(devices: string[]): Promise<Reading[]> {
    const readings: Reading[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.latest({ device: devices }, this.limits.maxPageSize, cursor);
      readings.push(...page.data);
      cursor = page.next;
    } while (cursor);
    return readings;
  }
}

import { z } from 'zod';
import {
  cursorParameter,
  deviceId,
  instant,
  isoTime,
  listOf,
  metricName,
  pageInfo,
  pageLimit,
  siteId,
} from '../schemas.ts';

export const qualityLevels = ['measured', 'estimated', 'rough'] as const;

const qualityFlag = z
  .string()
  .max(64)
  .regex(/^[a-z0-9_]+$/, 'expected a quality flag name such as stale or clock_skew');

const timeRange = {
  from: instant
    .optional()
    .meta({ description: 'Start of the range, inclusive (default: `to` minus 24 hours).' }),
  to: instant.optional().meta({ description: 'End of the range, exclusive (default: now).' }),
};

export const readingsQuery = z.strictObject({
  device: listOf(deviceId, 100, 'Device ids (repeat the parameter for several).').optional(),
  site: listOf(siteId, 100, 'Site ids.').optional(),
  metric: listOf(metricName, 50, 'Canonical metric names.').optional(),
  ...timeRange,
  flag: listOf(qualityFlag, 10, 'Only readings carrying every one of these quality flags.').optional(),
  quality: listOf(z.enum(qualityLevels), 3, 'Only readings of these quality levels.').optional(),
  limit: pageLimit.optional(),
  cursor: cursorParameter.optional(),
});

export const aggregatesQuery = z.strictObject({
  device: listOf(deviceId, 100, 'Device ids (at least one; repeat the parameter for several).'),
  metric: listOf(metricName, 50, 'Canonical metric names (default: every metric of the devices).').optional(),
  granularity: z
    .enum(['minute', 'hour', 'day'])
    .default('hour')
    .meta({ description: 'Bucket size: minute and hour come from their rollups, day from the hour rollup.' }),
  ...timeRange,
});

export const latestQuery = z.strictObject({
  device: listOf(deviceId, 100, 'Device ids (default: every device).').optional(),
  site: listOf(siteId, 100, 'Site ids.').optional(),
  metric: listOf(metricName, 50, 'Canonical metric names.').optional(),
  limit: pageLimit.optional(),
  cursor: cursorParameter.optional(),
});

export const reading = z
  .object({
    eventId: z
      .string()
      .meta({ description: 'Deterministic id of the reading, the same in every topic and table.' }),
    source: z.string().meta({ description: 'Protocol it arrived by: http, mqtt, opcua, modbus, file.' }),
    deviceId: z.string(),
    siteId: z.string().nullable(),
    metric: z.string().meta({ description: 'Canonical metric name.' }),
    value: z.number().meta({ description: 'Value in the canonical unit.' }),
    unit: z.string().meta({ description: 'Canonical unit (degC, kPa, m3/s, kWh, kW, …).' }),
    originalValue: z.number().nullable().meta({ description: 'Value as the device sent it.' }),
    originalUnit: z.string().nullable().meta({ description: 'Unit as the device sent it.' }),
    sourceTime: isoTime.meta({ description: 'When the reading was taken (UTC, milliseconds).' }),
    receivedAt: isoTime.meta({ description: 'When Sluice received it (UTC; seconds on ClickHouse 18.16).' }),
    qualityLevel: z.enum(qualityLevels),
    qualityScore: z.number().meta({ description: '0 (worthless) to 1 (fully trusted).' }),
    qualityFlags: z
      .array(z.string())
      .meta({ description: 'Why the score was lowered (unknown_device, stale, …).' }),
    siteName: z
      .string()
      .nullable()
      .meta({ description: 'From the device registry when the reading was processed.' }),
    deviceType: z
      .string()
      .nullable()
      .meta({ description: 'From the device registry when the reading was processed.' }),
    traceId: z.string().nullable(),
  })
  .meta({
    id: 'Reading',
    description:
      'One normalized reading. An NDJSON export has one of these per line; a CSV export the same columns (qualityFlags joined with ";", nulls empty).',
  });

export type Reading = z.infer<typeof reading>;

export const readingsPage = z.object({ data: z.array(reading), page: pageInfo }).meta({ id: 'ReadingsPage' });

export const aggregatePoint = z
  .object({
    bucket: isoTime.meta({ description: 'Start of the bucket (UTC).' }),
    count: z.number().int(),
    min: z.number(),
    max: z.number(),
    avg: z.number(),
    last: z.number().meta({ description: 'The value of the bucket’s latest reading.' }),
  })
  .meta({ id: 'AggregatePoint' });

export const aggregateSeries = z
  .object({
    deviceId: z.string(),
    metric: z.string(),
    unit: z.string(),
    points: z.array(aggregatePoint),
  })
  .meta({ id: 'AggregateSeries' });

export const aggregatesAnswer = z
  .object({
    granularity: z.enum(['minute', 'hour', 'day']),
    from: isoTime,
    to: isoTime,
    series: z.array(aggregateSeries),
  })
  .meta({ id: 'Aggregates' });

export type AggregatesAnswer = z.infer<typeof aggregatesAnswer>;

export const latestPage = z
  .object({
    data: z
      .array(reading)
      .meta({ description: 'The latest reading of each device and metric, by device then metric.' }),
    page: pageInfo,
  })
  .meta({ id: 'LatestPage' });

import type pg from 'pg';
import { z } from 'zod';
import { type DeviceRow, deviceColumns, deviceRecord } from '../../lib/device-registry.ts';
import { PgParams } from '../db/pg-params.ts';
import { ApiProblem } from '../http/problem.ts';
import { decodeCursor, deviceId, keysetPage, type Page } from '../schemas.ts';
import type { Device, DevicePatch, DevicePut } from './schemas.ts';

/**
 * The device registry in PostgreSQL (`devices`), which the telemetry processor reloads every
 * PROCESSOR_TELEMETRY_DEVICE_REFRESH_MS: a change made here reaches enrichment without a restart.
 */

interface TimedDeviceRow extends DeviceRow {
  created_at: Date;
  updated_at: Date;
}

const columns = `${deviceColumns}, created_at, updated_at`;

/** API field → column, for the fields a PUT or PATCH may set (column names never come from input). */
const settable = {
  siteId: 'site_id',
  siteName: 'site_name',
  deviceType: 'device_type',
  latitude: 'latitude',
  longitude: 'longitude',
  expectedUnit: 'expected_unit',
} as const;

type SettableField = keyof typeof settable;

function deviceOf(row: TimedDeviceRow): Device {
  return {
    ...deviceRecord(row),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

const deviceCursor = z.tuple([deviceId]);

export class DevicesService {
  constructor(
    private readonly pool: pg.Pool,
    private readonly pageSize: (limit: number | undefined) => number,
  ) {}

  async list(
    filter: { site?: string[]; type?: string[]; prefix?: string },
    limit?: number,
    cursor?: string,
  ): Promise<Page<Device>> {
    const size = this.pageSize(limit);
    const conditions: string[] = [];
    const params = new PgParams();
    const bind = (value: unknown) => params.bind(value);
    if (filter.site) conditions.push(`site_id = ANY(${bind(filter.site)}::text[])`);
    if (filter.type) conditions.push(`device_type = ANY(${bind(filter.type)}::text[])`);
    if (filter.prefix)
      conditions.push(`left(device_id, ${bind(filter.prefix.length)}) = ${bind(filter.prefix)}`);
    if (cursor !== undefined) {
      const after = decodeCursor(cursor, deviceCursor);
      if (!after) {
        throw new ApiProblem('invalid-request', 'the cursor is not one this API gave out', {
          invalidParams: [{ name: 'cursor', reason: 'not a cursor of this API' }],
        });
      }
      conditions.push(`device_id COLLATE "C" > ${bind(after[0])}`);
    }
    const { rows } = await this.pool.query<TimedDeviceRow>(
      `SELECT ${columns} FROM devices ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''}
       ORDER BY device_id COLLATE "C" LIMIT ${bind(size + 1)}`,
      params.values,
    );
    return keysetPage(rows, size, deviceOf, (last) => [last.device_id]);
  }

  async get(id: string): Promise<Device | undefined> {
    const [device] = await this.byIds([id]);
    return device;
  }

  /** Devices by id, in the order asked, undefined where none (one query for a GraphQL batch). */
  async byIds(ids: readonly string[]): Promise<(Device | undefined)[]> {
    const { rows } = await this.pool.query<TimedDeviceRow>(
      `SELECT ${columns} FROM devices WHERE device_id = ANY($1::text[])`,
      [ids],
    );
    const found = new Map(rows.map((row) => [row.device_id, deviceOf(row)]));
    return ids.map((id) => found.get(id));
  }

  /** Creates or replaces the entry; `created` tells which. */
  async put(id: string, entry: DevicePut): Promise<{ device: Device; created: boolean }> {
    const fields = Object.keys(settable) as SettableField[];
    const values = [id, ...fields.map((field) => entry[field] ?? null), JSON.stringify(entry.tags ?? {})];
    const { rows } = await this.pool.query<TimedDeviceRow & { created: boolean }>(
      `INSERT INTO devices (device_id, ${fields.map((f) => settable[f]).join(', ')}, tags)
       VALUES ($1, ${fields.map((_, i) => `$${i + 2}`).join(', ')}, $${fields.length + 2}::jsonb)
       ON CONFLICT (device_id) DO UPDATE SET
         ${fields.map((f) => `${settable[f]} = EXCLUDED.${settable[f]}`).join(', ')},
         tags = EXCLUDED.tags, updated_at = now()
       RETURNING ${columns}, (xmax = 0) AS created`,
      values,
    );
    const row = rows[0] as TimedDeviceRow & { created: boolean };
    return { device: deviceOf(row), created: row.created };
  }

  /** Applies a merge patch; undefined when the device does not exist. */
  async patch(id: string, patch: DevicePatch): Promise<Device | undefined> {
    const values: unknown[] = [id];
    const sets = ['updated_at = now()'];
    for (const field of Object.keys(settable) as SettableField[]) {
      if (patch[field] === undefined) continue;
      values.push(patch[field]);
      sets.push(`${settable[field]} = $${values.length}`);
    }
    if (patch.tags) {
      const set = Object.fromEntries(Object.entries(patch.tags).filter(([, value]) => value !== null));
      const removed = Object.entries(patch.tags)
        .filter(([, value]) => value === null)
        .map(([name]) => name);
      values.push(JSON.stringify(set), removed);
      sets.push(`tags = (tags || $${values.length - 1}::jsonb) - $${values.length}::text[]`);
    }
    const { rows } = await this.pool.query<TimedDeviceRow>(
      `UPDATE devices SET ${sets.join(', ')} WHERE device_id = $1 RETURNING ${columns}`,
      values,
    );
    return rows[0] ? deviceOf(rows[0]) : undefined;
  }
}

import type pg from 'pg';
import type { Health } from '../../lib/component.ts';
import { describeError } from '../../lib/errors.ts';
import type { Logger } from '../../lib/logger.ts';
import { retry } from '../../lib/retry.ts';
import type { DeviceRecord } from './enrich.ts';

interface DeviceRow {
  device_id: string;
  site_id: string | null;
  site_name: string | null;
  device_type: string | null;
  latitude: number | null;
  longitude: number | null;
  expected_unit: string | null;
  tags: Record<string, unknown> | null;
}

function deviceRecord(row: DeviceRow): DeviceRecord {
  const tags: Record<string, string> = {};
  for (const [name, value] of Object.entries(row.tags ?? {})) {
    tags[name] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return {
    deviceId: row.device_id,
    siteId: row.site_id,
    siteName: row.site_name,
    deviceType: row.device_type,
    latitude: row.latitude,
    longitude: row.longitude,
    expectedUnit: row.expected_unit,
    tags,
  };
}

/**
 * The device registry held in memory for enrichment, reloaded every `refreshMs`. Lookups never
 * wait on the database; when a reload fails the previous copy keeps serving and health says so.
 */
export class DeviceDirectory {
  private devices = new Map<string, DeviceRecord>();
  private timer?: NodeJS.Timeout;
  private lastError?: string;
  private loadedAt = 0;

  constructor(
    private readonly pool: pg.Pool,
    private readonly refreshMs: number,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    await retry(() => this.load(), { retries: 5 });
    this.timer = setInterval(() => {
      this.load().catch((err) => {
        this.lastError = describeError(err);
        this.logger.warn({ err: this.lastError }, 'device registry reload failed; serving the previous copy');
      });
    }, this.refreshMs);
    this.timer.unref();
  }

  async load(): Promise<void> {
    const { rows } = await this.pool.query<DeviceRow>(
      `SELECT device_id, site_id, site_name, device_type, latitude, longitude, expected_unit, tags
         FROM devices`,
    );
    this.devices = new Map(rows.map((row) => [row.device_id, deviceRecord(row)]));
    this.loadedAt = Date.now();
    this.lastError = undefined;
  }

  readonly lookup = (deviceId: string): DeviceRecord | undefined => this.devices.get(deviceId);

  get size(): number {
    return this.devices.size;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  health(): Health {
    if (this.loadedAt === 0) return { state: 'down', reason: 'device registry not loaded' };
    if (this.lastError) return { state: 'degraded', reason: `device registry stale: ${this.lastError}` };
    return { state: 'ready' };
  }
}

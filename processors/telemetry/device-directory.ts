import type pg from 'pg';
import type { Health } from '../../lib/component.ts';
import { type DeviceRecord, type DeviceRow, deviceColumns, deviceRecord } from '../../lib/device-registry.ts';
import { describeError } from '../../lib/errors.ts';
import type { Logger } from '../../lib/logger.ts';
import { retry } from '../../lib/retry.ts';

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
    const { rows } = await this.pool.query<DeviceRow>(`SELECT ${deviceColumns} FROM devices`);
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

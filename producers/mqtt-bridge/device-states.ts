import type pg from 'pg';
import type { Health } from '../../lib/component.ts';
import { describeError } from '../../lib/errors.ts';
import type { Logger } from '../../lib/logger.ts';
import { retry } from '../../lib/retry.ts';
import type { DeviceState } from './sparkplug.ts';

interface StateChange {
  state: DeviceState;
  reason: string;
  at: number;
}

/**
 * Device states as births and deaths report them, written to PostgreSQL `device_states` in the
 * background: changes coalesce per device (the latest wins), a write never holds up readings, and
 * a row is only overwritten by a newer change.
 */
export class DeviceStates {
  private pending = new Map<string, StateChange>();
  private writing?: Promise<void>;
  private lastError?: string;

  constructor(
    private readonly pool: pg.Pool,
    private readonly source: string,
    private readonly logger: Logger,
  ) {}

  record(changes: { deviceId: string; state: DeviceState; reason: string }[], at: number): void {
    for (const { deviceId, state, reason } of changes) this.pending.set(deviceId, { state, reason, at });
    this.writing ??= this.write().finally(() => {
      this.writing = undefined;
    });
  }

  private async write(): Promise<void> {
    while (this.pending.size > 0) {
      const changes = [...this.pending];
      this.pending = new Map();
      try {
        await retry(() => this.upsert(changes), { retries: 5 });
        this.lastError = undefined;
      } catch (err) {
        this.lastError = describeError(err);
        this.logger.warn({ err: this.lastError, devices: changes.length }, 'cannot record device states');
      }
    }
  }

  private async upsert(changes: [string, StateChange][]): Promise<void> {
    await this.pool.query(
      `INSERT INTO device_states (device_id, state, reason, source, changed_at)
       SELECT device_id, state, reason, $4, to_timestamp(at / 1000.0)
         FROM unnest($1::text[], $2::text[], $3::text[], $5::float8[]) AS c(device_id, state, reason, at)
       ON CONFLICT (device_id) DO UPDATE
         SET state = EXCLUDED.state, reason = EXCLUDED.reason, source = EXCLUDED.source,
             changed_at = EXCLUDED.changed_at, updated_at = now()
       WHERE device_states.changed_at <= EXCLUDED.changed_at`,
      [
        changes.map(([deviceId]) => deviceId),
        changes.map(([, change]) => change.state),
        changes.map(([, change]) => change.reason),
        this.source,
        changes.map(([, change]) => change.at),
      ],
    );
  }

  /** Waits for the writes in progress. */
  async close(): Promise<void> {
    await this.writing;
  }

  health(): Health {
    return this.lastError
      ? { state: 'degraded', reason: `device states: ${this.lastError}` }
      : { state: 'ready' };
  }
}

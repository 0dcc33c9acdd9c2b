import type pg from 'pg';
import type { Logger } from 'pino';
import { backoffDelay } from '../../lib/retry.ts';

/**
 * The version of a table's data, as a notification channel tells it (a trigger's pg_notify after
 * each committed change; see lib/db/migrations/080_pricing_api.sql): answers kept under one
 * version are stale once it moves. While the listening connection is down the version is unknown
 * (nothing may be kept), and it moves on reconnecting, since changes in between were not heard.
 * Versions also move every `maxAgeMs`: rows that come into force by time alone (a price effective
 * from a future date) change answers without any write.
 */
export class TableChanges {
  private generation = 0;
  private client?: pg.PoolClient;
  private stopped = false;
  private attempt = 0;
  private retryTimer?: NodeJS.Timeout;

  constructor(
    private readonly pool: pg.Pool,
    private readonly channel: string,
    private readonly maxAgeMs: number,
    private readonly logger: Logger,
  ) {
    if (!/^[a-z_]+$/.test(channel)) throw new Error(`not a channel name: ${channel}`);
  }

  /** The current version, or undefined while changes cannot be heard. */
  version(now = Date.now()): string | undefined {
    return this.client ? `${this.generation}.${Math.floor(now / this.maxAgeMs)}` : undefined;
  }

  /** Starts listening; a failure is logged and retried, never thrown (answers are then just not kept). */
  async start(): Promise<void> {
    this.stopped = false;
    await this.listen();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = undefined;
    client?.release(true);
  }

  private async listen(): Promise<void> {
    let client: pg.PoolClient | undefined;
    try {
      client = await this.pool.connect();
      client.on('notification', () => {
        this.generation++;
      });
      client.on('error', (err) => this.lost(client, err));
      client.on('end', () => this.lost(client, new Error('connection ended')));
      await client.query(`LISTEN ${this.channel}`);
      if (this.stopped) {
        client.release(true);
        return;
      }
      this.client = client;
      this.generation++;
      this.attempt = 0;
    } catch (err) {
      client?.release(true);
      this.lost(undefined, err as Error);
    }
  }

  private lost(client: pg.PoolClient | undefined, err: Error): void {
    if (client && client !== this.client) return;
    this.client = undefined;
    client?.release(true);
    if (this.stopped) return;
    const delay = backoffDelay(this.attempt++, { initialDelayMs: 500, maxDelayMs: 30_000, factor: 2 });
    this.logger.warn(
      { err: err.message, channel: this.channel, retryInMs: delay },
      'not hearing table changes: answers are not kept until listening again',
    );
    this.retryTimer = setTimeout(() => void this.listen(), delay);
    this.retryTimer.unref();
  }
}

import { setTimeout as sleep } from 'node:timers/promises';
import mqtt, { type MqttClient } from 'mqtt';

/**
 * Counted load as devices send it: every reading is distinct (device, metric, time, message id),
 * a refused request (429, 503, a dropped connection) is sent again as it was, so it keeps its
 * event ids, and what the platform acknowledged is remembered for the ledger.
 */

/** Readings of a few kinds, some with a unit Sluice does not know: those belong in the DLQ. */
const kinds = [
  { metric: 'temperature', unit: 'degF', base: 160 },
  { metric: 'pressure', unit: 'psi', base: 43 },
  { metric: 'flow', unit: 'l/min', base: 120 },
  { metric: 'energy', unit: 'Wh', base: 1500 },
] as const;
const unknownUnit = 'furlongs/fortnight';

export interface LoadOptions {
  /** Device ids start with it, so the ledger counts only this run's readings. */
  prefix: string;
  /** Readings per second over all senders. */
  ratePerSecond: number;
  /** Every n-th reading has an unknown unit (a poison event for the processor). */
  invalidEvery: number;
}

/** When a request or publish was refused, for the ledger's story of each fault. */
export interface Refusal {
  at: number;
  status: number | 'network';
}

interface Reading {
  deviceId: string;
  metric: string;
  value: number;
  unit: string;
  ts: number;
  messageId: string;
}

/** Makes the readings of one sender: its own devices, each device's times strictly increasing. */
class ReadingSource {
  private count = 0;
  private readonly lastTime = new Map<string, number>();

  constructor(
    private readonly prefix: string,
    private readonly options: LoadOptions,
  ) {}

  next(): Reading {
    const n = this.count++;
    const kind = kinds[n % kinds.length] as (typeof kinds)[number];
    const deviceId = `${this.prefix}-${n % 25}`;
    const ts = Math.max(Date.now(), (this.lastTime.get(deviceId) ?? 0) + 1);
    this.lastTime.set(deviceId, ts);
    const invalid =
      this.options.invalidEvery > 0 && n % this.options.invalidEvery === this.options.invalidEvery - 1;
    return {
      deviceId,
      metric: kind.metric,
      value: Math.round((kind.base + (n % 97) / 10) * 100) / 100,
      unit: invalid ? unknownUnit : kind.unit,
      ts,
      messageId: `${this.prefix}-m${n}`,
    };
  }
}

/** Paces a loop to `perSecond` items over all of its lanes. */
async function pace(startedAt: number, done: number, perSecond: number): Promise<void> {
  const due = startedAt + (done / perSecond) * 1000;
  const wait = due - Date.now();
  if (wait > 0) await sleep(wait);
}

export class HttpLoad {
  sent = 0;
  /** Event ids the gateway answered 202 for, with what was sent. */
  readonly acknowledged = new Map<string, Reading>();
  rejectedAtIngest = 0;
  /** Readings still unacknowledged when the load stopped (resends exhausted). */
  unacknowledged = 0;
  readonly refusals: Refusal[] = [];
  private stopping = false;
  private abandoned = false;
  private lanes: Promise<void>[] = [];

  constructor(
    private readonly url: string,
    private readonly apiKey: string,
    private readonly options: LoadOptions & { lanes: number; batch: number },
  ) {}

  start(): void {
    const startedAt = Date.now();
    const perLane = this.options.ratePerSecond / this.options.lanes;
    this.lanes = Array.from({ length: this.options.lanes }, (_, lane) =>
      this.lane(new ReadingSource(`${this.options.prefix}-h${lane}`, this.options), startedAt, perLane),
    );
  }

  private async lane(source: ReadingSource, startedAt: number, perSecond: number): Promise<void> {
    let done = 0;
    while (!this.stopping) {
      const batch = Array.from({ length: this.options.batch }, () => source.next());
      this.sent += batch.length;
      await this.deliver(batch);
      done += batch.length;
      await pace(startedAt, done, perSecond);
    }
  }

  /** Sends the batch until the gateway answers it (a device's retry), or until stopped for long. */
  private async deliver(batch: Reading[]): Promise<void> {
    const body = JSON.stringify(batch);
    for (let attempt = 0; ; attempt++) {
      let status: number | 'network';
      let retryAfterMs = 1000;
      try {
        const response = await fetch(`${this.url}/v1/ingest/telemetry`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': this.apiKey },
          body,
          signal: AbortSignal.timeout(20_000),
        });
        status = response.status;
        const answer = (await response.json()) as {
          results?: ({ index: number } & (
            | { status: 'accepted'; eventId: string }
            | { status: 'rejected' }
          ))[];
        };
        if (status === 202 || status === 422) {
          for (const result of answer.results ?? []) {
            if (result.status === 'accepted')
              this.acknowledged.set(result.eventId, batch[result.index] as Reading);
            else this.rejectedAtIngest++;
          }
          return;
        }
        if (status !== 429 && status !== 503)
          throw new Error(`gateway answered ${status}: ${JSON.stringify(answer)}`);
        retryAfterMs = Number(response.headers.get('retry-after') ?? 1) * 1000;
      } catch (err) {
        if ((err as Error).message.startsWith('gateway answered')) throw err;
        status = 'network';
      }
      this.refusals.push({ at: Date.now(), status });
      if ((this.stopping && attempt > 60) || this.abandoned) {
        this.unacknowledged += batch.length;
        return;
      }
      await sleep(retryAfterMs);
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.lanes);
  }

  /** Stops at once, without sending refused batches again (the run failed already). */
  async abandon(): Promise<void> {
    this.abandoned = true;
    await this.stop();
  }
}

/** An MQTT key of a reading: what the ledger finds it by in the raw topic (MQTT has no answer with event ids). */
export function mqttKey(deviceId: string, metric: string, sourceTime: string | number): string {
  return `${deviceId}|${metric}|${sourceTime}`;
}

export class MqttLoad {
  sent = 0;
  /** Readings the broker acknowledged (PUBACK), by mqttKey. */
  readonly acknowledged = new Map<string, Reading>();
  readonly refusals: Refusal[] = [];
  private stopping = false;
  private publishers: Promise<void>[] = [];
  private readonly clients: MqttClient[] = [];

  constructor(
    private readonly brokerUrl: string,
    private readonly options: LoadOptions & { publishers: number },
  ) {}

  async start(): Promise<void> {
    const startedAt = Date.now();
    const perPublisher = this.options.ratePerSecond / this.options.publishers;
    for (let n = 0; n < this.options.publishers; n++) {
      const client = await mqtt.connectAsync(this.brokerUrl, {
        clientId: `${this.options.prefix}-pub-${n}`,
        reconnectPeriod: 1000,
      });
      client.on('error', () => {});
      this.clients.push(client);
      this.publishers.push(
        this.publish(
          client,
          new ReadingSource(`${this.options.prefix}-q${n}`, this.options),
          startedAt,
          perPublisher,
        ),
      );
    }
  }

  private async publish(client: MqttClient, source: ReadingSource, startedAt: number, perSecond: number) {
    let done = 0;
    while (!this.stopping) {
      const reading = source.next();
      this.sent++;
      const topic = `sites/site-${reading.deviceId.length % 3}/devices/${reading.deviceId}/metrics/${reading.metric}`;
      const payload = JSON.stringify({ value: reading.value, unit: reading.unit, ts: reading.ts });
      for (;;) {
        try {
          await client.publishAsync(topic, payload, { qos: 1 });
          this.acknowledged.set(mqttKey(reading.deviceId, reading.metric, reading.ts), reading);
          break;
        } catch {
          this.refusals.push({ at: Date.now(), status: 'network' });
          if (this.stopping) break;
          await sleep(500);
        }
      }
      done++;
      await pace(startedAt, done, perSecond);
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.publishers);
    await Promise.all(this.clients.map((client) => client.endAsync()));
  }
}

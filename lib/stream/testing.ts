import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { SluiceError } from '../errors.ts';
import { append } from '../group.ts';
import type { PartitionOffset, SinkRecord, SinkWriter } from './destination.ts';

/**
 * A destination for the engine's tests: a real HTTP server holding rows by event id and the offsets
 * stored with them, each write all or nothing, as the sinks' databases do. It can be taken away
 * (connections refused), refuse given rows as invalid (422), or fail writes with an unexplained
 * 500 — the three kinds of failure the engine tells apart.
 */
export class TableServer {
  /** Times each event id was written: more than once is a duplicate. */
  readonly writes = new Map<string, number>();
  /** Offsets in write order, per `topic:partition`. */
  readonly writtenOffsets = new Map<string, number[]>();
  readonly offsets = new Map<string, string>();
  /** Event ids refused as invalid. */
  readonly invalid = new Set<string>();
  /** How long the stored offsets take to come (a destination slow to answer after a restart). */
  offsetsDelayMs = 0;
  /** Writes answered 500 before the server writes again. */
  failNextWrites = 0;
  failedWrites = 0;
  private server?: Server;
  private port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const server = createServer((request, response) => {
      this.answer(request, response).catch((err: unknown) => {
        response.writeHead(500).end(String(err));
      });
    });
    server.listen(this.port, '127.0.0.1');
    await once(server, 'listening');
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Takes the server away: connections are refused until `start()` (on the same port). */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolveClosed) => server.close(() => resolveClosed()));
  }

  private async answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
    if (request.url === '/offsets') {
      await sleep(this.offsetsDelayMs);
      const stored = (body.partitions as number[]).flatMap((partition) => {
        const offset = this.offsets.get(`${body.topic}:${partition}`);
        return offset === undefined ? [] : [{ topic: body.topic as string, partition, offset }];
      });
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(stored));
      return;
    }
    const { rows, offsets } = body as {
      rows: { eventId: string; topic: string; partition: number; offset: string }[];
      offsets: PartitionOffset[];
    };
    if (this.failNextWrites > 0 && rows.length > 0) {
      this.failNextWrites--;
      this.failedWrites++;
      response.writeHead(500).end('the table server is having a bad day');
      return;
    }
    const refused = rows.filter((row) => this.invalid.has(row.eventId)).map((row) => row.eventId);
    if (refused.length > 0) {
      response.writeHead(422, { 'content-type': 'application/json' }).end(JSON.stringify(refused));
      return;
    }
    for (const row of rows) {
      this.writes.set(row.eventId, (this.writes.get(row.eventId) ?? 0) + 1);
      const key = `${row.topic}:${row.partition}`;
      append(this.writtenOffsets, key, Number(row.offset));
    }
    for (const { topic, partition, offset } of offsets) this.offsets.set(`${topic}:${partition}`, offset);
    response.writeHead(204).end();
  }
}

/** A SinkWriter over a TableServer: rows are the decoded values' event ids. */
export class TableWriter implements SinkWriter {
  constructor(private readonly table: TableServer) {}

  async open(): Promise<void> {}

  async write(records: SinkRecord[], offsets: PartitionOffset[]): Promise<void> {
    const rows = records.map(({ topic, partition, offset, value }) => ({
      eventId: (value as { eventId: string }).eventId,
      topic,
      partition,
      offset,
    }));
    const response = await this.post('/write', { rows, offsets });
    if (response.status === 422) {
      throw new SluiceError('ING_VALIDATION_FAILED', `rows refused: ${await response.text()}`);
    }
    if (!response.ok) throw new Error(`table server answered ${response.status}: ${await response.text()}`);
  }

  async storedOffsets(topic: string, partitions: number[]): Promise<PartitionOffset[]> {
    return (await this.post('/offsets', { topic, partitions })).json() as Promise<PartitionOffset[]>;
  }

  async close(): Promise<void> {}

  private async post(path: string, body: unknown): Promise<Response> {
    try {
      return await fetch(`${this.table.url}${path}`, { method: 'POST', body: JSON.stringify(body) });
    } catch (err) {
      // fetch wraps the socket's error (ECONNREFUSED…) in a TypeError: the socket's says what happened
      throw (err as { cause?: unknown }).cause ?? err;
    }
  }
}

import type { ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon, { type Request } from 'autocannon';
import { spawnCompiled } from './producer-process.ts';
import { report } from './report.ts';

/** The API in processes of its own (`sluice run api`), as in production, on one port. */
export class ApiProcesses {
  readonly url: string;
  private readonly children: ChildProcess[] = [];

  constructor(
    private readonly port: number,
    private readonly env: Record<string, string>,
  ) {
    this.url = `http://127.0.0.1:${port}`;
  }

  async start(env: Record<string, string> = {}): Promise<ChildProcess> {
    const child = spawnCompiled(
      ['run', 'api'],
      {
        ...process.env,
        LOG_LEVEL: 'warn',
        API_PORT: String(this.port),
        OPS_PORT: String(this.port + 1),
        API_RATE_LIMIT_PER_MINUTE: '1000000000',
        ...this.env,
        ...env,
      },
      ['ignore', 'inherit', 'inherit'],
    );
    this.children.push(child);
    await this.healthy(child);
    return child;
  }

  async stop(child: ChildProcess): Promise<void> {
    if (child.exitCode !== null) return;
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }

  async stopAll(): Promise<void> {
    for (const child of this.children) await this.stop(child);
  }

  private async healthy(child: ChildProcess): Promise<void> {
    for (let i = 0; i < 120; i++) {
      if (child.exitCode !== null) throw new Error(`the API exited with ${child.exitCode}`);
      try {
        if ((await fetch(`${this.url}/healthz`)).ok) return;
      } catch {
        // not listening yet
      }
      await sleep(500);
    }
    throw new Error('the API did not answer in 60 s');
  }
}

/**
 * Latency under concurrent clients, after a warm-up that asks every distinct request once (and
 * warms the JIT and the connections): `requests` round robin for `seconds`.
 */
export async function latencyRun(
  url: string,
  title: string,
  conditions: Record<string, string>,
  requests: Request[],
  load: { connections: number; seconds: number; p99TargetMs: number },
): Promise<void> {
  for (const request of requests) await fetch(`${url}${request.path}`, { headers: request.headers });
  await autocannon({ url, connections: 10, duration: 3, requests });
  const result = await autocannon({ url, connections: load.connections, duration: load.seconds, requests });
  report(
    title,
    {
      ...conditions,
      clients: `${load.connections} concurrent, ${load.seconds} s, ${requests.length} requests round robin, Accept-Encoding: gzip`,
    },
    [
      ['answers 200', result['2xx'], 'requests'],
      ['answers otherwise', result.non2xx + result.errors + result.timeouts, 'requests'],
      ['requests/s', result.requests.average, 'req/s'],
      ['latency p50', result.latency.p50, 'ms'],
      [`latency p99 (target ≤ ${load.p99TargetMs})`, result.latency.p99, 'ms'],
      ['latency max', result.latency.max, 'ms'],
    ],
  );
}

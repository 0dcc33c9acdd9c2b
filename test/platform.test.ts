import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { portInUse } from '../cli/stack/service.ts';
import { jemallocLibrary } from '../lib/memory.ts';
import { sluice, waitFor } from './support.ts';

// Fixed ports below 32768: Linux gives 32768–60999 to outgoing connections as ephemeral ports, which
// can take a port a test server is about to bind (a Kafka here once failed to start that way).
/** A whole second platform on its own ports and data dir, so the shared local stack is left alone. */
const ports = {
  SLUICE_KAFKA_PORT: '27092',
  SLUICE_KAFKA_CONTROLLER_PORT: '27093',
  SLUICE_REGISTRY_PORT: '27081',
  SLUICE_POSTGRES_PORT: '27432',
  SLUICE_CLICKHOUSE_PORT: '27123',
  SLUICE_CLICKHOUSE_TCP_PORT: '27900',
  SLUICE_MOSQUITTO_PORT: '31883',
  API_PORT: '27080',
};

/** The platform's processes of this test (their SLUICE_HOME is the test's): pid and command line. */
function componentProcesses(home: string): { pid: number; command: string }[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .flatMap((entry) => {
      try {
        const environment = readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0');
        const command = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ').trim();
        return environment.includes(`SLUICE_HOME=${home}`) && command.includes(' run ')
          ? [{ pid: Number(entry), command }]
          : [];
      } catch {
        return []; // gone meanwhile, or not ours to read
      }
    });
}

describe('sluice up --detach / sluice down', () => {
  it('runs the platform with data flowing, prints the URLs, and `down` leaves nothing behind', async () => {
    const home = mkdtempSync(join(tmpdir(), 'sluice-platform-test-'));
    chmodSync(home, 0o755);
    const env = { ...ports, SLUICE_HOME: home, DEMO_READINGS_PER_SECOND: '200' };
    try {
      const up = sluice(['up', '--detach'], env);
      assert.equal(up.status, 0, up.stderr);
      for (const line of [
        'API        http://127.0.0.1:27080/api/v1/overview',
        'dashboard  http://127.0.0.1:27080/',
        'metrics    http://127.0.0.1:27080/metrics',
      ]) {
        assert.ok(up.stderr.includes(line), `missing "${line}" in:\n${up.stderr}`);
      }
      let raw = 0;
      for (let attempt = 0; attempt < 60 && raw === 0; attempt++) {
        const overview = (await (await fetch('http://127.0.0.1:27080/api/v1/overview')).json()) as {
          topics: { topic: string; messages: number }[];
        };
        raw = overview.topics.find((t) => t.topic === 'raw.telemetry.readings.v1')?.messages ?? 0;
        if (raw === 0) await sleep(500);
      }
      assert.ok(raw > 0, 'the demo producer published nothing');
      const dashboard = await fetch('http://127.0.0.1:27080/');
      assert.match(await dashboard.text(), /<title>Sluice<\/title>/);
      // the topic's offsets can move before the demo producer has its acknowledgement and counts it
      await waitFor('the demo producer counting its sends', async () =>
        /sluice_events_sent_total\{component="demo-producer",topic="raw.telemetry.readings.v1"\} [1-9]/.test(
          await (await fetch('http://127.0.0.1:27080/metrics')).text(),
        ),
      );

      // each processor and sink runs in a process of its own, reported in the API's /readyz and
      // /metrics and restarted when it dies
      const states = async () => {
        const answer = (await (await fetch('http://127.0.0.1:27080/readyz')).json()) as {
          components: { name: string; state: string }[];
        };
        return new Map(answer.components.map((c) => [c.name, c.state]));
      };
      const inProcesses = [
        'telemetry-processor',
        'pricing-processor',
        'sink-postgres',
        'sink-postgres-archive',
        'sink-clickhouse',
      ];
      const allReady = async () => {
        const now = await states();
        return inProcesses.every((name) => now.get(name) === 'ready');
      };
      await waitFor('the processors and sinks ready', allReady, 120_000);
      // every process of the platform runs on jemalloc where the machine has it (lib/memory.ts memoryEnv)
      const jemalloc = jemallocLibrary();
      for (const { pid, command } of componentProcesses(home)) {
        const maps = readFileSync(`/proc/${pid}/maps`, 'utf8');
        assert.equal(maps.includes('libjemalloc'), jemalloc !== undefined, `jemalloc in ${command}`);
      }
      const sinkProcess = componentProcesses(home).find((p) => p.command.endsWith('run sink clickhouse'));
      assert.ok(sinkProcess, `no ClickHouse sink process among ${JSON.stringify(componentProcesses(home))}`);
      await waitFor('rows counted by the sink process', async () =>
        /sluice_events_sent_total\{component="sink-clickhouse",topic="normalized.telemetry.readings.v1"\} [1-9]/.test(
          await (await fetch('http://127.0.0.1:27080/metrics')).text(),
        ),
      );
      process.kill(sinkProcess.pid, 'SIGKILL');
      await waitFor(
        'the killed sink reported down',
        async () => (await states()).get('sink-clickhouse') === 'down',
      );
      await waitFor('the sink back in a new process', allReady, 120_000);
      assert.ok(
        componentProcesses(home).some(
          (p) => p.command.endsWith('run sink clickhouse') && p.pid !== sinkProcess.pid,
        ),
      );

      const down = sluice(['down'], env);
      assert.equal(down.status, 0, down.stderr);
      assert.match(down.stderr, /platform\s+stopped/);
      for (const port of Object.values(ports))
        assert.equal(await portInUse(Number(port)), false, `port ${port} still open`);
      assert.deepEqual(componentProcesses(home), [], 'a component process outlived the platform');
    } finally {
      sluice(['down'], env);
      rmSync(home, { recursive: true, force: true });
    }
  });
});

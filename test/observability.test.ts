import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { parser } from '@prometheus-io/lezer-promql';
import mqtt from 'mqtt';
import { parse } from 'yaml';
import { ensureDebianBinary } from '../cli/stack/install.ts';
import { projectRoot } from '../lib/config.ts';
import { PricingFixtureServer } from './pricing-fixture-server.ts';
import { sluice, sluiceAsync } from './support.ts';

const alertsFile = join(projectRoot, 'deploy', 'prometheus', 'alerts.yml');
const dashboardFile = join(projectRoot, 'deploy', 'grafana', 'dashboards', 'sluice.json');

/** Every PromQL expression of the alert rules and the dashboard (Grafana's variables filled in). */
function expressions(): { where: string; expr: string }[] {
  const rules = (
    parse(readFileSync(alertsFile, 'utf8')) as { groups: { rules: { alert: string; expr: string }[] }[] }
  ).groups
    .flatMap((group) => group.rules)
    .map((rule) => ({ where: `alert ${rule.alert}`, expr: rule.expr }));
  const dashboard = JSON.parse(readFileSync(dashboardFile, 'utf8')) as {
    panels: { title: string; targets?: { expr: string }[] }[];
    templating: { list: { name: string; definition?: string }[] };
  };
  const panels = dashboard.panels.flatMap((panel) =>
    (panel.targets ?? []).map((target) => ({ where: `panel "${panel.title}"`, expr: target.expr })),
  );
  const variables = dashboard.templating.list
    .filter((variable) => variable.definition?.startsWith('label_values('))
    .map((variable) => ({
      where: `variable ${variable.name}`,
      expr: (variable.definition as string).replace(/^label_values\((.*),\s*\w+\)$/, '$1'),
    }));
  return [...rules, ...panels, ...variables].map(({ where, expr }) => ({
    where,
    expr: expr.replaceAll('$__rate_interval', '5m').replaceAll('$component', '.*'),
  }));
}

/** The metric names an expression selects, read from PromQL's own grammar (Prometheus's Lezer parser). */
function metricNames(expr: string): string[] {
  const names: string[] = [];
  const cursor = parser.parse(expr).cursor();
  do {
    assert.notEqual(cursor.type.isError, true, `PromQL syntax error at ${cursor.from} in ${expr}`);
    if (cursor.name === 'VectorSelector' && cursor.firstChild()) {
      const child: string = cursor.name;
      if (child === 'Identifier') names.push(expr.slice(cursor.from, cursor.to));
      cursor.parent();
    }
  } while (cursor.next());
  return names;
}

/** The metric names a Prometheus text exposition holds (histogram series by their full names). */
function exported(exposition: string): Set<string> {
  return new Set(
    exposition
      .split('\n')
      .filter((line) => line !== '' && !line.startsWith('#'))
      .map((line) => line.split(/[{ ]/)[0] as string),
  );
}

// A platform of its own (ports from this worktree's block, data in a temp dir), as platform.test.ts does.
const ports = {
  SLUICE_KAFKA_PORT: '16111',
  SLUICE_KAFKA_CONTROLLER_PORT: '16112',
  SLUICE_REGISTRY_PORT: '16113',
  SLUICE_POSTGRES_PORT: '16114',
  SLUICE_CLICKHOUSE_PORT: '16115',
  SLUICE_CLICKHOUSE_TCP_PORT: '16116',
  SLUICE_MOSQUITTO_PORT: '16117',
  API_PORT: '16118',
  HTTP_GATEWAY_PORT: '16119',
};
const pushgatewayPort = 16120;

describe('alert rules and dashboard', () => {
  it('are valid for promtool, and the dashboard queries parse as PromQL', () => {
    const promtool = ensureDebianBinary('prometheus', 'usr/bin/promtool');
    const rules = spawnSync(promtool, ['check', 'rules', alertsFile], { encoding: 'utf8' });
    assert.equal(rules.status, 0, rules.stdout + rules.stderr);
    const config = spawnSync(
      promtool,
      ['check', 'config', '--syntax-only', join(projectRoot, 'deploy', 'prometheus', 'prometheus.yml')],
      { encoding: 'utf8' },
    );
    assert.equal(config.status, 0, config.stdout + config.stderr);
    for (const { expr } of expressions()) metricNames(expr);
  });

  it('fire on the situations they name, and stay quiet otherwise (promtool test rules)', () => {
    const promtool = ensureDebianBinary('prometheus', 'usr/bin/promtool');
    const tests = spawnSync(promtool, ['test', 'rules', 'alerts.test.yml'], {
      cwd: join(projectRoot, 'deploy', 'prometheus'),
      encoding: 'utf8',
    });
    assert.equal(tests.status, 0, tests.stdout + tests.stderr);
  });

  describe('against a running platform', () => {
    const home = mkdtempSync(join(tmpdir(), 'sluice-observability-test-'));
    const env = { ...ports, SLUICE_HOME: home, DEMO_READINGS_PER_SECOND: '100', LOG_LEVEL: 'warn' };
    let pushgateway: ChildProcess | undefined;

    before(() => {
      chmodSync(home, 0o755);
      const up = sluice(['up', '--detach'], env);
      assert.equal(up.status, 0, up.stderr);
      pushgateway = spawn(
        ensureDebianBinary('prometheus-pushgateway', 'usr/bin/prometheus-pushgateway'),
        [`--web.listen-address=127.0.0.1:${pushgatewayPort}`],
        { stdio: 'ignore' },
      );
    });

    after(async () => {
      // whatever failed before, the platform and its servers go
      try {
        if (pushgateway && pushgateway.exitCode === null) {
          pushgateway.kill('SIGTERM');
          await once(pushgateway, 'exit');
        }
      } finally {
        sluice(['down'], env);
        rmSync(home, { recursive: true, force: true });
      }
    });

    it('exports every metric the alert rules and the dashboard name', async () => {
      const ready = Date.now() + 120_000;
      while (
        !(await fetch(`http://127.0.0.1:${ports.API_PORT}/readyz`).then(
          (r) => r.ok,
          () => false,
        ))
      ) {
        assert.ok(Date.now() < ready, 'the platform is not ready after 120 s');
        await sleep(500);
      }
      // a reading in a unit nobody knows: the gateway answers it (sluice_rejected_total), and the
      // same reading over MQTT, which has no one to answer, goes to the DLQ (sluice_dlq_events_total)
      const reading = {
        deviceId: 'dlq-1',
        metric: 'temperature',
        value: 1,
        unit: 'furlongs',
        ts: Date.now(),
      };
      const key = sluice(['apikey', 'create', '--name', 'observability-test', '--roles', 'ingest'], env);
      assert.equal(key.status, 0, key.stderr);
      const ingest = await fetch(`http://127.0.0.1:${ports.HTTP_GATEWAY_PORT}/v1/ingest/telemetry`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': key.stdout.trim() },
        body: JSON.stringify(reading),
      });
      assert.equal(ingest.status, 422, await ingest.text());
      const publisher = await mqtt.connectAsync(`mqtt://127.0.0.1:${ports.SLUICE_MOSQUITTO_PORT}`);
      await publisher.publishAsync('sites/s1/devices/dlq-1/metrics/temperature', JSON.stringify(reading), {
        qos: 1,
      });
      await publisher.endAsync();

      // a price collection (against the fixture server) pushes its outcome to a real Pushgateway
      const fixture = await PricingFixtureServer.start({
        synthetic: { azurePages: 2, azureItemsPerPage: 20 },
      });
      try {
        const collect = await sluiceAsync(['collect', 'azure'], {
          ...env,
          AZURE_PRICING_URL: fixture.azureUrl,
          AZURE_PRICING_RATE_LIMIT_RPS: '500',
          PRICING_COLLECTION_PUBLISHER_THREADS: '1',
          PROMETHEUS_PUSHGATEWAY_URL: `http://127.0.0.1:${pushgatewayPort}`,
        });
        assert.equal(collect.status, 0, `${collect.stdout}\n${collect.stderr}`);
        assert.match(collect.stderr, /outcome pushed to the Pushgateway/);
      } finally {
        await fixture.close();
      }

      const wanted = new Map<string, string[]>();
      for (const { where, expr } of expressions())
        for (const name of metricNames(expr)) wanted.set(name, [...(wanted.get(name) ?? []), where]);
      assert.ok(wanted.size >= 12, [...wanted.keys()].join(', '));
      let missing: string[] = [];
      const deadline = Date.now() + 120_000;
      for (;;) {
        const [platform, pushed] = await Promise.all(
          [`http://127.0.0.1:${ports.API_PORT}/metrics`, `http://127.0.0.1:${pushgatewayPort}/metrics`].map(
            async (url) => (await fetch(url)).text(),
          ),
        );
        const names = new Set([...exported(platform as string), ...exported(pushed as string)]);
        missing = [...wanted.keys()].filter((name) => !names.has(name));
        if (missing.length === 0 || Date.now() > deadline) break;
        await sleep(1000);
      }
      assert.deepEqual(
        missing.map((name) => `${name} (${wanted.get(name)?.join(', ')})`),
        [],
        'metrics named in deploy/prometheus/alerts.yml or the Grafana dashboard that no component exports',
      );
    });
  });
});

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { apiSettings } from '../api/config.ts';
import { ensureGoTool } from '../cli/stack/install.ts';
import { postgresIngestSettings } from '../cli/stack/postgres.ts';
import { stackSettings } from '../cli/stack/settings.ts';
import { loadSettings, projectRoot } from '../lib/config.ts';
import { httpGatewaySettings } from '../producers/http-gateway/config.ts';
import { assertContainerNodeFlags } from './support.ts';

/** Docker Compose itself (its `config` validates against the compose spec and resolves the file). */
const composeVersion = 'v5.6.0';

interface ComposeService {
  image?: string;
  command?: string[];
  profiles?: string[];
  restart?: string;
  ports?: { host_ip?: string; published?: string; target: number }[];
  volumes?: { type: string; source?: string; target: string }[];
  healthcheck?: { test?: string[]; disable?: boolean };
  depends_on?: Record<string, { condition: string }>;
  environment?: Record<string, string>;
}

function composeConfig(
  compose: string,
  file: string,
): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(compose, ['--file', file, '--profile', '*', 'config', '--format', 'json'], {
    cwd: projectRoot,
    encoding: 'utf8',
    // the file's defaults, not whatever the machine's environment holds
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The `sluice run …` commands the image offers, each of which compose must run. */
const components = [
  'run gateway',
  'run mqtt-bridge',
  'run opcua',
  'run modbus',
  'run processor telemetry',
  'run processor pricing',
  'run sink postgres',
  'run sink postgres-archive',
  'run sink clickhouse',
  'run api',
  'run demo',
];

describe('docker-compose.yml', () => {
  let compose: string;
  let services: Record<string, ComposeService>;

  before(() => {
    compose = ensureGoTool('docker-compose', 'github.com/docker/compose/v5', composeVersion, './cmd');
    const config = composeConfig(compose, 'docker-compose.yml');
    assert.equal(config.status, 0, `docker compose config failed:\n${config.stderr}`);
    services = (JSON.parse(config.stdout) as { services: Record<string, ComposeService> }).services;
  });

  it('`docker compose config` accepts it, and refuses a broken copy', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-compose-'));
    try {
      const broken = join(dir, 'docker-compose.yml');
      const text = readFileSync(join(projectRoot, 'docker-compose.yml'), 'utf8');
      writeFileSync(
        broken,
        text.replace('mosquitto: { condition: service_healthy }', 'mosquito: { condition: service_healthy }'),
      );
      const config = composeConfig(compose, broken);
      assert.notEqual(config.status, 0);
      assert.match(config.stderr, /mosquito/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs every component of the one Sluice image, the demo producer behind the `demo` profile', () => {
    const sluice = Object.entries(services).filter(([, s]) => s.image?.startsWith('sluice:'));
    const commands = sluice.map(([, s]) => s.command?.join(' '));
    for (const command of components)
      assert.ok(commands.includes(command), `no service runs \`sluice ${command}\``);
    assert.deepEqual(services.demo?.profiles, ['demo']);
    assert.deepEqual(services.migrate?.command, ['migrate']);
    for (const server of [
      'kafka',
      'registry',
      'postgres',
      'clickhouse',
      'mosquitto',
      'prometheus',
      'grafana',
    ])
      assert.ok(services[server], `no ${server} service`);
  });

  it('starts each component with its own V8 flags (lib/component.ts nodeFlagsOf)', () => {
    for (const [name, service] of Object.entries(services))
      if (service.image?.startsWith('sluice:') && service.command)
        assertContainerNodeFlags(service.command, service.environment?.NODE_OPTIONS, name);
  });

  it('pins every image to a version', () => {
    for (const [name, service] of Object.entries(services)) {
      const tag = service.image?.split(':').at(-1) ?? '';
      assert.match(tag, /^v?\d+\.\d+(\.\d+)*$/, `${name}: image ${service.image} is not pinned to a version`);
    }
  });

  it('gives every long-running service a healthcheck, and only one-shot services none', () => {
    const oneShot = new Set(
      Object.values(services).flatMap((s) =>
        Object.entries(s.depends_on ?? {})
          .filter(([, d]) => d.condition === 'service_completed_successfully')
          .map(([dependency]) => dependency),
      ),
    );
    for (const [name, service] of Object.entries(services)) {
      if (service.healthcheck?.disable) {
        assert.ok(
          service.restart === 'no' && (oneShot.has(name) || service.profiles?.includes('tools')),
          `${name} has no healthcheck but is not a one-shot command`,
        );
      } else assert.ok((service.healthcheck?.test?.length ?? 0) > 1, `${name} has no healthcheck`);
    }
  });

  it('starts a service only after what it depends on is healthy (or, for migrate, done)', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
        const expected = services[dependency]?.healthcheck?.disable
          ? 'service_completed_successfully'
          : 'service_healthy';
        assert.equal(condition, expected, `${name} → ${dependency}`);
      }
    }
    for (const [name, service] of Object.entries(services).filter(([, s]) => s.image?.startsWith('sluice:')))
      if (name !== 'migrate') assert.ok(service.depends_on?.migrate, `${name} does not wait for migrate`);
  });

  it('publishes ports on loopback only, on the same ports as `npm start`', () => {
    const published = new Map<number, string>();
    for (const [name, service] of Object.entries(services)) {
      for (const port of service.ports ?? []) {
        assert.equal(port.host_ip, '127.0.0.1', `${name} publishes ${port.published} beyond loopback`);
        published.set(Number(port.published), name);
      }
    }
    const stack = loadSettings(stackSettings, {});
    const defaults = {
      api: loadSettings(apiSettings, {}).port,
      gateway: loadSettings(httpGatewaySettings, {}).port,
      kafka: stack.kafkaPort,
      registry: stack.registryPort,
      postgres: stack.postgresPort,
      clickhouse: stack.clickhousePort,
      'clickhouse native': stack.clickhouseTcpPort,
      mosquitto: stack.mosquittoPort,
    };
    for (const [name, port] of Object.entries(defaults))
      assert.ok(published.has(port), `${name}'s local port ${port} is not published by compose`);
  });

  it('keeps the data of every server in a named volume', () => {
    for (const name of ['kafka', 'postgres', 'clickhouse', 'mosquitto', 'prometheus', 'grafana']) {
      assert.ok(
        services[name]?.volumes?.some((v) => v.type === 'volume'),
        `${name} keeps its data in no named volume`,
      );
    }
  });

  it("runs PostgreSQL with the local stack's settings for Sluice's load", () => {
    assert.deepEqual(services.postgres?.command, [
      'postgres',
      ...Object.entries(postgresIngestSettings).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
    ]);
  });

  it('connects every Sluice container to PostgreSQL as a role of least privilege, never as the superuser', () => {
    const superuser = services.postgres?.environment?.POSTGRES_USER;
    assert.equal(superuser, 'postgres');
    assert.ok(
      services.postgres?.volumes?.some((v) => v.target.startsWith('/docker-entrypoint-initdb.d/')),
      'no init script makes the roles',
    );
    const userOf = (url: string | undefined) => (url ? decodeURIComponent(new URL(url).username) : undefined);
    for (const [name, service] of Object.entries(services).filter(([, s]) =>
      s.image?.startsWith('sluice:'),
    )) {
      const env = service.environment ?? {};
      assert.equal(userOf(env.DATABASE_URL), 'sluice_writer', `${name}: DATABASE_URL`);
      assert.equal(userOf(env.DATABASE_OWNER_URL), 'sluice', `${name}: DATABASE_OWNER_URL`);
      assert.equal(userOf(env.DATABASE_READER_URL), 'sluice_reader', `${name}: DATABASE_READER_URL`);
    }
    assert.notEqual(services.registry?.environment?.APICURIO_DATASOURCE_USERNAME, superuser);
  });
});

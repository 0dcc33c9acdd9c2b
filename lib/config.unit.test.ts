import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  hostPortList,
  isSecret,
  loadSettings,
  parseEnvFile,
  port,
  type SettingGroup,
  setting,
  unknownVariables,
  url,
} from './config.ts';
import { SluiceError } from './errors.ts';

const group = {
  brokers: setting('T_BROKERS', hostPortList, '127.0.0.1:19092', 'brokers'),
  port: setting('T_PORT', port, '8080', 'port'),
  registry: setting('T_URL', url(['http', 'https']), 'http://127.0.0.1:18081', 'registry'),
};

describe('config loader', () => {
  it('applies documented defaults', () => {
    const settings = loadSettings(group, {});
    assert.deepEqual(settings, {
      brokers: ['127.0.0.1:19092'],
      port: 8080,
      registry: 'http://127.0.0.1:18081',
    });
  });

  it('parses values from the environment', () => {
    const settings = loadSettings(group, {
      T_BROKERS: 'kafka-1:9092, kafka-2:9092,[::1]:9093',
      T_PORT: '9000',
    });
    assert.deepEqual(settings.brokers, ['kafka-1:9092', 'kafka-2:9092', '[::1]:9093']);
    assert.equal(settings.port, 9000);
  });

  it('names the variable and the problem in one line for a bad value', () => {
    for (const [env, value, fragment] of [
      [
        'T_BROKERS',
        'not a host',
        'T_BROKERS="not a host" is invalid: expected a comma-separated list of host:port',
      ],
      ['T_BROKERS', 'kafka:99999', 'T_BROKERS="kafka:99999" is invalid'],
      ['T_PORT', 'eighty', 'T_PORT="eighty" is invalid: expected a port number 1-65535'],
      ['T_URL', 'ftp://x', 'T_URL="ftp://x" is invalid: expected a http or https URL'],
    ] as const) {
      assert.throws(
        () => loadSettings(group, { [env]: value }),
        (err: unknown) => {
          assert.ok(err instanceof SluiceError);
          assert.equal(err.code, 'ING_CONFIG_INVALID');
          assert.equal(err.disposition, 'fatal');
          assert.ok(err.message.includes(fragment), err.message);
          assert.ok(!err.message.includes('\n'));
          return true;
        },
      );
    }
  });

  it('reports every bad variable at once', () => {
    assert.throws(() => loadSettings(group, { T_BROKERS: 'x', T_PORT: '0' }), /T_BROKERS.*; T_PORT/);
  });

  it('reads the .sluice/env format', () => {
    assert.deepEqual(parseEnvFile("# comment\nA=1\n\nexport B=two words\nC='quoted'\nnot a line\n"), {
      A: '1',
      B: 'two words',
      C: 'quoted',
    });
  });

  it('reports variables meant for Sluice that it does not read, with the setting they are close to', () => {
    const catalogue = new Map<string, SettingGroup>([
      [
        'kafka',
        {
          brokers: setting('KAFKA_BROKERS', hostPortList, '127.0.0.1:19092', 'brokers'),
          clientId: setting('KAFKA_CLIENT_ID', url(['http']), 'http://x', 'client'),
        },
      ],
      ['postgres', { url: setting('DATABASE_URL', url(['postgres']), 'postgres://x/y', 'database') }],
    ]);
    const found = unknownVariables(
      {
        KAFKA_BROKER: '127.0.0.1:9092', // a letter short
        DATABSE_URL: 'postgres://x/y', // two letters swapped
        KAFKA_TIMEOUT: '5', // Sluice's prefix, no such setting
        KAFKA_BROKERS: '127.0.0.1:9092', // known
        HOME: '/root', // not Sluice's
        SLUICE_HOME: '/tmp/x', // read outside the settings
        SLUICE_INSTANCE: '2', // a worker's number under --instances
      },
      catalogue,
    );
    assert.deepEqual(found, [
      { name: 'DATABSE_URL', suggestion: 'DATABASE_URL' },
      { name: 'KAFKA_BROKER', suggestion: 'KAFKA_BROKERS' },
      { name: 'KAFKA_TIMEOUT', suggestion: undefined },
    ]);
  });

  it('knows which settings hold secrets', () => {
    for (const name of ['CLICKHOUSE_PASSWORD', 'METRICS_TOKEN', 'AWS_SECRET_ACCESS_KEY', 'SOME_API_KEY'])
      assert.ok(isSecret(name), name);
    for (const name of ['DATABASE_URL', 'KAFKA_BROKERS', 'LOG_LEVEL']) assert.ok(!isSecret(name), name);
  });
});

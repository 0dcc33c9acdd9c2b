import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hostPortList, loadSettings, parseEnvFile, port, setting, url } from './config.ts';
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
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { aliasData, sparkplugScenario } from '../../schemas/fixtures/sparkplug.ts';
import { parseSparkplugTopic, SparkplugHost, type SparkplugTopic, sparkplugCodec } from './sparkplug.ts';
import { metricTable, sluiceMetric } from './sparkplug-metrics.ts';

const scenario = sparkplugScenario({ group: 'Plant1', hostId: 'sluice' });
const topicOf = (topic: string) => parseSparkplugTopic(topic) as SparkplugTopic;

function hostAfter(count: number): SparkplugHost {
  const host = new SparkplugHost(metricTable(Object.entries(scenario.metricTable)));
  for (const message of scenario.messages.slice(0, count))
    host.handle(topicOf(message.topic), message.payload);
  return host;
}

describe('Sparkplug B host application (no broker)', () => {
  it('parses Sparkplug topics and refuses what is not one', () => {
    assert.deepEqual(parseSparkplugTopic('spBv1.0/Plant1/DDATA/Edge-1/Boiler-7'), {
      type: 'DDATA',
      group: 'Plant1',
      edgeNode: 'Edge-1',
      device: 'Boiler-7',
    });
    assert.deepEqual(parseSparkplugTopic('spBv1.0/STATE/scada-1'), {
      type: 'STATE',
      group: '',
      edgeNode: 'scada-1',
      device: null,
    });
    for (const topic of [
      'spBv1.0/Plant1/NBIRTH',
      'spBv1.0/Plant1/DDATA/Edge-1',
      'spBv1.0/P/NDATA/E/D',
      'spBv1.0/P/FOO/E',
    ]) {
      assert.equal(parseSparkplugTopic(topic), undefined, topic);
    }
  });

  it('maps folder names through the table: * one level, ** any, null no reading, else the path with dots', () => {
    const table = metricTable([
      ['Inputs/*/Temperature', 'temperature'],
      ['Diagnostics/**', null],
    ]);
    assert.equal(sluiceMetric(table, 'Inputs/Supply Air/Temperature'), 'temperature');
    assert.equal(
      sluiceMetric(table, 'Inputs/Supply Air/Inner/Temperature'),
      'Inputs.Supply Air.Inner.Temperature',
    );
    assert.equal(sluiceMetric(table, 'Diagnostics/Link/Errors'), null);
    assert.equal(sluiceMetric(table, 'Node Control/Rebirth'), null);
    assert.equal(sluiceMetric(table, 'bdSeq'), null);
  });

  it('counts a sequence gap and asks for a rebirth', () => {
    const host = hostAfter(4);
    const outcome = host.handle(
      topicOf('spBv1.0/Plant1/DDATA/Edge-1/Boiler-7'),
      aliasData(1, 9, [{ alias: 1, timestamp: 1_714_550_409_000, value: 80, datatype: 9 }]),
    );
    assert.equal(outcome.seqGap, true);
    assert.equal(outcome.rebirth, true);
    assert.equal(outcome.readings.length, 1, 'the data is read all the same');
  });

  it('ignores an NDEATH of an older session (bdSeq differs)', () => {
    const host = hostAfter(3);
    const stale = Buffer.from(
      sparkplugCodec.encodePayload({ timestamp: 1, metrics: [{ name: 'bdSeq', type: 'UInt64', value: 7 }] }),
    );
    const outcome = host.handle(topicOf(scenario.ndeath.topic), stale);
    assert.equal(outcome.staleDeath, true);
    assert.deepEqual(outcome.states, []);
    assert.equal(host.edgeNodes, 1);
  });

  it('refuses data from an edge node whose birth it has not seen', () => {
    const host = new SparkplugHost(metricTable([]));
    const data = scenario.messages.find((message) => message.kind === 'DDATA');
    const outcome = host.handle(topicOf(data?.topic ?? ''), data?.payload ?? Buffer.alloc(0));
    assert.deepEqual(
      outcome.refusals.map((refusal) => refusal.reason),
      ['sparkplug_birth_missing'],
    );
    assert.equal(outcome.rebirth, true);
  });
});

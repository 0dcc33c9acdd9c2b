/**
 * Kafka's own ProducerPerformance and ConsumerPerformance, from the jars the stack runs, on the
 * same broker as the benchmark: the ceiling a Kafka client on this machine can reach.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Kafka } from 'kafkajs';
import { loadStackSettings } from '../cli/stack/settings.ts';
import { sluiceCache } from '../lib/config.ts';
import { ensureTopics } from '../lib/kafka.ts';
import { deleteTopics } from '../test/telemetry-load.ts';
import { machineCpuSeconds, sampleTree } from './resources.ts';

/** What one run of a tool cost: its JVM's peak RSS and CPU (sampled every 100 ms), the machine's CPU. */
export interface ToolCost {
  peakMiB: number;
  cpuSeconds: number;
  machineCpuSeconds: number;
}

async function kafkaTool(tool: string, args: string[]): Promise<{ out: string; cost: ToolCost }> {
  const classpath = `${join(sluiceCache(), `kafka-${loadStackSettings().kafkaVersion}`, 'lib')}/*`;
  const child = spawn('java', ['-Xmx512m', '-cp', classpath, `org.apache.kafka.tools.${tool}`, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk) => {
    out += chunk;
  });
  child.stderr.on('data', (chunk) => {
    err += chunk;
  });
  const machineBefore = machineCpuSeconds();
  const sampler = sampleTree(child.pid as number);
  const code = await new Promise((resolveExit) => child.once('exit', resolveExit));
  const seen = sampler.stop();
  if (code !== 0) throw new Error(`${tool} exited ${code}: ${err.trim().split('\n').slice(-3).join(' / ')}`);
  return {
    out,
    cost: {
      peakMiB: Math.round(seen.rss / 2 ** 20),
      cpuSeconds: Math.round(seen.cpuSeconds * 100) / 100,
      machineCpuSeconds: Math.round((machineCpuSeconds() - machineBefore) * 100) / 100,
    },
  };
}

export interface BrokerFigures {
  /** ProducerPerformance, records/s (acks=all, idempotent). */
  producer: number;
  /** ConsumerPerformance, records/s. */
  consumer: number;
  /**
   * What one consume → produce pipe could reach on this machine: the broker and the machine serve
   * both halves at once, so their times add (the harmonic combination of the two rates).
   */
  pipeBound: number;
  records: number;
  recordBytes: number;
  producerCost: ToolCost;
  consumerCost: ToolCost;
}

/** Both tools on a topic of their own, `records` records of `recordBytes` bytes; the topic is deleted after. */
export async function brokerPerformance(
  kafka: Kafka,
  brokers: string,
  options: { records?: number; recordBytes?: number; topic: string },
): Promise<BrokerFigures> {
  const records = options.records ?? 2_000_000;
  const recordBytes = options.recordBytes ?? 300;
  await ensureTopics(kafka, [options.topic]);
  try {
    const { out: producerOut, cost: producerCost } = await kafkaTool('ProducerPerformance', [
      '--topic',
      options.topic,
      '--num-records',
      String(records),
      '--record-size',
      String(recordBytes),
      '--throughput',
      '-1',
      '--producer-props',
      `bootstrap.servers=${brokers}`,
      'acks=all',
      'enable.idempotence=true',
      'linger.ms=5',
      'batch.size=262144',
    ]);
    const producerLine = producerOut.trim().split('\n').at(-1) ?? '';
    const producer = Math.round(Number(/([\d.]+) records\/sec/.exec(producerLine)?.[1] ?? Number.NaN));
    const { out: consumerOut, cost: consumerCost } = await kafkaTool('ConsumerPerformance', [
      '--bootstrap-server',
      brokers,
      '--topic',
      options.topic,
      '--messages',
      String(records),
      '--timeout',
      '60000',
    ]);
    const consumerFields = consumerOut.trim().split('\n').at(-1)?.split(',') ?? [];
    const consumer = Math.round(Number(consumerFields[5]?.trim() ?? Number.NaN));
    return {
      producer,
      consumer,
      pipeBound: Math.round(1 / (1 / producer + 1 / consumer)),
      records,
      recordBytes,
      producerCost,
      consumerCost,
    };
  } finally {
    await deleteTopics(kafka, [options.topic]);
  }
}

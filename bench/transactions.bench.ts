/**
 * One partition's transactions in a row, as the processor commits a caught-up partition's batches:
 * each sends a record, adds the input offset for a consumer group and commits, on one
 * transactional producer from the one Kafka factory. Prints the time a transaction takes and the
 * requests it costs by API (the client's own request events), which is what the kafkajs patch's
 * reused coordinators and 20 ms AddPartitionsToTxn retry change (docs/development.md): with stock
 * kafkajs 2.2.4's transaction manager a transaction took 222 ms and 4.7 FindCoordinator requests
 * on the local broker, with the patch 33 ms and none.
 */
import { createKafka, createProducer, ensureTopics } from '../lib/kafka.ts';
import { uniqueSuffix } from '../test/support.ts';
import { deleteTopics } from '../test/telemetry-load.ts';
import { machineConditions, report, writeResults } from './report.ts';

const transactions = Number(process.env.BENCH_TRANSACTIONS ?? 200);
const suffix = uniqueSuffix();
const topic = `bench.transactions.${suffix}`;
const kafka = createKafka('bench-transactions');
await ensureTopics(kafka, [{ topic, numPartitions: 1 }]);
const producer = createProducer(kafka, { transactionalId: `bench-transactions-${suffix}` });
const requests = new Map<string, number>();
producer.on(producer.events.REQUEST, ({ payload }) => {
  requests.set(payload.apiName, (requests.get(payload.apiName) ?? 0) + 1);
});
try {
  await producer.connect();
  // the first transaction finds the coordinators: not counted
  const durations: number[] = [];
  for (let i = -1; i < transactions; i++) {
    if (i === 0) requests.clear();
    const started = performance.now();
    const transaction = await producer.transaction();
    await transaction.send({ topic, messages: [{ key: 'device', value: `reading ${i}` }] });
    await transaction.sendOffsets({
      consumerGroupId: `bench-transactions-${suffix}`,
      topics: [{ topic, partitions: [{ partition: 0, offset: String(i + 2) }] }],
    });
    await transaction.commit();
    if (i >= 0) durations.push(performance.now() - started);
  }
  durations.sort((a, b) => a - b);
  const at = (q: number) => Math.round((durations[Math.floor(q * (durations.length - 1))] ?? 0) * 10) / 10;
  const mean = durations.reduce((sum, d) => sum + d, 0) / durations.length;
  const perTransaction = Object.fromEntries(
    [...requests].sort(([a], [b]) => a.localeCompare(b)).map(([api, n]) => [api, n / transactions]),
  );
  report(
    'One partition’s transactions in a row (send, offsets, commit)',
    { transactions, machine: machineConditions() },
    [
      ['time a transaction, mean', Math.round(mean * 10) / 10, 'ms'],
      ['time a transaction, p50 / p99', `${at(0.5)} / ${at(0.99)}`, 'ms'],
      ...Object.entries(perTransaction).map(
        ([api, n]) => [`${api} requests a transaction`, n, ''] as [string, number, string],
      ),
    ],
  );
  writeResults('transactions', {
    transactions,
    meanMs: Math.round(mean * 10) / 10,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    requestsPerTransaction: perTransaction,
  });
} finally {
  await producer.disconnect();
  await deleteTopics(kafka, [topic]);
}

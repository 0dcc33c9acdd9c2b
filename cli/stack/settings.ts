import { z } from 'zod';
import { defineSettings, loadSettings, port, type SettingsOf, setting, str } from '../../lib/config.ts';

/** A count of cluster nodes from the environment, 1 to `max`. */
function nodeCount(max: number) {
  return z.string().transform((text, ctx) => {
    const value = Number(text.trim());
    if (!Number.isInteger(value) || value < 1 || value > max)
      ctx.addIssue({ code: 'custom', message: `expected a whole number from 1 to ${max}` });
    return value;
  });
}

/** Ports of the n-th node of a local cluster (1-based): the first node's ports, plus 10 per node after it. */
export function nodePort(firstNodePort: number, node: number): number {
  return firstNodePort + 10 * (node - 1);
}

export const stackSettings = defineSettings('local stack', {
  kafkaVersion: setting(
    'KAFKA_VERSION',
    str,
    '3.9.1',
    'Apache Kafka version the local stack runs (resolved from Maven Central).',
  ),
  kafkaBrokers: setting(
    'SLUICE_KAFKA_BROKERS',
    nodeCount(5),
    '1',
    'Brokers of the local Kafka: 1, or a KRaft cluster (3: each broker also a controller, the quorum survives one loss). Broker n listens on SLUICE_KAFKA_PORT + 10(n−1), its controller on SLUICE_KAFKA_CONTROLLER_PORT + 10(n−1).',
  ),
  kafkaPort: setting('SLUICE_KAFKA_PORT', port, '19092', 'Local Kafka broker port (of the first broker).'),
  kafkaControllerPort: setting(
    'SLUICE_KAFKA_CONTROLLER_PORT',
    port,
    '19093',
    'Local KRaft controller port (of the first broker).',
  ),
  kafkaHeap: setting('SLUICE_KAFKA_HEAP', str, '1g', 'Local Kafka JVM max heap.'),
  registryPort: setting('SLUICE_REGISTRY_PORT', port, '18081', 'Local schema registry port.'),
  registryHeap: setting('SLUICE_REGISTRY_HEAP', str, '512m', 'Local schema registry JVM max heap.'),
  postgresPort: setting('SLUICE_POSTGRES_PORT', port, '15432', 'Local PostgreSQL port.'),
  clickhousePort: setting('SLUICE_CLICKHOUSE_PORT', port, '18123', 'Local ClickHouse HTTP port.'),
  clickhouseTcpPort: setting(
    'SLUICE_CLICKHOUSE_TCP_PORT',
    port,
    '19000',
    'Local ClickHouse native port (clickhouse-client --port).',
  ),
  clickhouseShards: setting(
    'SLUICE_CLICKHOUSE_SHARDS',
    nodeCount(4),
    '1',
    'Shards of the local ClickHouse; above 1 (or with replicas) the stack runs a cluster named `sluice` with ZooKeeper.',
  ),
  clickhouseReplicas: setting(
    'SLUICE_CLICKHOUSE_REPLICAS',
    nodeCount(4),
    '1',
    'Replicas of each shard of the local ClickHouse. Node n (shard by shard) listens on the ClickHouse ports + 10(n−1).',
  ),
  clickhouseInterserverPort: setting(
    'SLUICE_CLICKHOUSE_INTERSERVER_PORT',
    port,
    '19009',
    'Local ClickHouse replication port (of the first node; clusters only).',
  ),
  zookeeperPort: setting(
    'SLUICE_ZOOKEEPER_PORT',
    port,
    '12181',
    'Local ZooKeeper port (replicated ClickHouse only).',
  ),
  zookeeperVersion: setting(
    'ZOOKEEPER_VERSION',
    str,
    '3.9.5',
    'Apache ZooKeeper version the local ClickHouse cluster uses (resolved from Maven Central).',
  ),
  mosquittoPort: setting('SLUICE_MOSQUITTO_PORT', port, '11883', 'Local Mosquitto MQTT port.'),
});

export type StackSettings = SettingsOf<typeof stackSettings>;

/** Stack settings come from the process environment only: `.sluice/env` is the stack's output, not its input. */
export function loadStackSettings(): StackSettings {
  return loadSettings(stackSettings, process.env);
}

import { defineSettings, loadSettings, port, type SettingsOf, setting, str } from '../../lib/config.ts';

export const stackSettings = defineSettings('local stack', {
  kafkaVersion: setting(
    'KAFKA_VERSION',
    str,
    '3.9.1',
    'Apache Kafka version the local stack runs (resolved from Maven Central).',
  ),
  kafkaPort: setting('SLUICE_KAFKA_PORT', port, '19092', 'Local Kafka broker port.'),
  kafkaControllerPort: setting('SLUICE_KAFKA_CONTROLLER_PORT', port, '19093', 'Local KRaft controller port.'),
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
  mosquittoPort: setting('SLUICE_MOSQUITTO_PORT', port, '11883', 'Local Mosquitto MQTT port.'),
});

export type StackSettings = SettingsOf<typeof stackSettings>;

/** Stack settings come from the process environment only: `.sluice/env` is the stack's output, not its input. */
export function loadStackSettings(): StackSettings {
  return loadSettings(stackSettings, process.env);
}

import type { Kafka } from 'kafkajs';
import { allContracts } from '../schemas/catalog.ts';
import { ensureTopics } from './kafka.ts';
import { createRegistryClient, type SchemaRegistryClient } from './registry.ts';
import { AvroSerde } from './serde.ts';

/**
 * What every component needs before it moves data: Sluice's topics exist and their
 * schemas are registered (with their compatibility rules). Idempotent.
 */
export async function prepareTopicsAndSchemas(
  kafka: Kafka,
  registry: SchemaRegistryClient = createRegistryClient(),
): Promise<AvroSerde> {
  await ensureTopics(
    kafka,
    allContracts.map((contract) => contract.topic),
  );
  const serde = new AvroSerde(registry);
  await serde.registerAll(allContracts);
  return serde;
}

import { createHash } from 'node:crypto';
import type { Producer } from 'kafkajs';
import type { AvroSerde } from '../../lib/serde.ts';
import { topics } from '../../schemas/catalog.ts';
import type { CloudProvider, RawPriceOffer } from '../../schemas/types.ts';

export const offersTopic = topics.rawPricing.topic;

/**
 * Deterministic event id (provider, natural key, effective date): a resumed run that republishes
 * a page produces the same ids, so the duplicates collapse downstream.
 */
export function pricingEventId(provider: CloudProvider, naturalKey: string, effectiveDate: string): string {
  return createHash('sha256')
    .update(`${provider}\u0000${naturalKey}\u0000${effectiveDate}`)
    .digest('hex')
    .slice(0, 32);
}

/** Publishes offers keyed provider|sku|region (the order that matters for one price), resolved once Kafka acknowledged all. */
export async function publishOffers(
  producer: Producer,
  serde: AvroSerde,
  offers: RawPriceOffer[],
): Promise<void> {
  await producer.send({
    topic: offersTopic,
    acks: -1,
    messages: offers.map((offer) => ({
      key: `${offer.provider}|${offer.sku}|${offer.region ?? ''}`,
      value: serde.encode(offersTopic, offer),
    })),
  });
}

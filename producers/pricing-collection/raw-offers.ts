import { hash } from 'node:crypto';
import type { CloudProvider } from '../../schemas/types.ts';

/**
 * Deterministic event id (provider, natural key, effective date): a resumed run that republishes
 * a page produces the same ids, so the duplicates collapse downstream.
 */
export function pricingEventId(provider: CloudProvider, naturalKey: string, effectiveDate: string): string {
  return hash('sha256', `${provider}\u0000${naturalKey}\u0000${effectiveDate}`, 'hex').slice(0, 32);
}

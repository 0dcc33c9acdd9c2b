import { accept, reject, type StageResult } from '../runner/pipeline.ts';
import { divide, multiply, ratio, toDecimalString, toNumber } from './decimal.ts';
import type { ListedPrice } from './offers.ts';
import { parsePriceUnit } from './price-units.ts';

export interface CanonicalPrice {
  pricePerUnitUsd: string;
  unit: string;
  originalAmount: string;
  tierStart: number;
}

const hoursPerYear = 8760;
const stage = 'price';

/**
 * The price per canonical unit in USD, exactly: amount × USD rate ÷ canonical units per listed
 * unit. Azure lists a reservation's price for its whole term, so it becomes per hour of the term.
 */
export function canonicalPrice(
  listed: ListedPrice,
  usdRates: Record<string, string>,
): StageResult<CanonicalPrice> {
  const unit = parsePriceUnit(listed.unit);
  if (!unit)
    return reject(
      stage,
      'unit_unknown',
      `price unit ${JSON.stringify(listed.unit)} is not in the unit table`,
    );
  const rate = usdRates[listed.currency];
  if (rate === undefined) {
    return reject(
      stage,
      'currency_unknown',
      `no USD rate for ${JSON.stringify(listed.currency)} (PROCESSOR_PRICING_USD_RATES)`,
    );
  }
  let amount: ReturnType<typeof ratio>;
  let tierStart: number;
  try {
    amount = ratio(listed.amount);
    tierStart = toNumber(ratio(listed.tierStart));
  } catch (err) {
    return reject(stage, 'price_invalid', (err as Error).message);
  }
  if (amount.numerator < 0n) return reject(stage, 'price_invalid', `price ${listed.amount} is negative`);
  let quantity = ratio(unit.quantity);
  let canonicalUnit = unit.unit;
  if (listed.provider === 'azure' && listed.priceType === 'reservation') {
    const years = /^(\d+)\s*years?$/i.exec(listed.term ?? '');
    if (!years)
      return reject(
        stage,
        'term_unknown',
        `reservation term ${JSON.stringify(listed.term)} is not N Year(s)`,
      );
    quantity = ratio(Number(years[1]) * hoursPerYear);
    canonicalUnit = 'hour';
  }
  return accept({
    pricePerUnitUsd: toDecimalString(divide(multiply(amount, ratio(rate)), quantity)),
    unit: canonicalUnit,
    originalAmount: toDecimalString(amount),
    tierStart: tierStart * unit.quantity,
  });
}

import { accept, reject, type StageResult } from '../runner/pipeline.ts';
import { divide, multiply, type Ratio, ratio, toDecimalString, toNumber } from './decimal.ts';
import type { ListedPrice } from './offers.ts';
import { parsePriceUnit } from './price-units.ts';

export interface CanonicalPrice {
  pricePerUnitUsd: string;
  unit: string;
  originalAmount: string;
  /** USD per one unit of the listed currency, as used. */
  usdRate: string;
  tierStart: number;
  tierEnd: number | null;
  /** The listed amount covered a whole term and was spread over its hours. */
  amortized: boolean;
}

const hoursPerYear = 8760;
const stage = 'price';

/**
 * The price per canonical unit in USD, exactly: amount × USD rate ÷ canonical units per listed
 * unit. An amount for a whole term (an Azure reservation, an AWS upfront fee) is spread over the
 * term's hours (1 Year = 8,760 h), so it compares with hourly prices; originalAmount keeps it as listed.
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
  let amount: Ratio;
  let tierStart: number;
  let tierEnd: number | null;
  try {
    amount = ratio(listed.amount);
    tierStart = toNumber(ratio(listed.tierStart));
    tierEnd = listed.tierEnd === null ? null : toNumber(ratio(listed.tierEnd));
  } catch (err) {
    return reject(stage, 'price_invalid', (err as Error).message);
  }
  if (amount.numerator < 0n) return reject(stage, 'price_invalid', `price ${listed.amount} is negative`);
  let quantity = ratio(unit.quantity);
  let canonicalUnit = unit.unit;
  if (listed.wholeTerm) {
    if (listed.termYears === null)
      return reject(stage, 'term_unknown', 'a price for a whole term needs the length of the term');
    quantity = ratio(listed.termYears * hoursPerYear);
    canonicalUnit = 'hour';
  }
  const pricePerUnitUsd = toDecimalString(divide(multiply(amount, ratio(rate)), quantity));
  const originalAmount = toDecimalString(amount);
  for (const [what, value] of [
    ['price', originalAmount],
    ['price in USD', pricePerUnitUsd],
  ]) {
    if (!fitsStoredDecimal(value as string))
      return reject(
        stage,
        'price_invalid',
        `${what} ${value} exceeds decimal(38,12), as the stores hold prices`,
      );
  }
  return accept({
    pricePerUnitUsd,
    unit: canonicalUnit,
    originalAmount,
    usdRate: toDecimalString(ratio(rate)),
    tierStart: tierStart * unit.quantity,
    tierEnd: tierEnd === null ? null : tierEnd * unit.quantity,
    amortized: listed.wholeTerm,
  });
}

/** decimal(38,12), as PostgreSQL and ClickHouse store prices: at most 26 digits before the point. */
function fitsStoredDecimal(text: string): boolean {
  return (text.split('.')[0] as string).replace('-', '').length <= 26;
}

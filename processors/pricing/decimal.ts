import { formatDecimal } from '../../lib/avro.ts';
import { SluiceError } from '../../lib/errors.ts';

/** An exact rational number for money arithmetic: numerator / denominator, both BigInt. */
export interface Ratio {
  numerator: bigint;
  denominator: bigint;
}

const decimalText = /^([+-])?(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

/** "0.0960000000", "1e-7", 12 (a JSON number as listed) → an exact ratio; anything else is poison. */
export function ratio(value: string | number): Ratio {
  const text = typeof value === 'number' ? String(value) : value.trim();
  const match = decimalText.exec(text);
  if (!match || (typeof value === 'number' && !Number.isFinite(value))) {
    throw new SluiceError('ING_VALIDATION_FAILED', `not a decimal number: ${JSON.stringify(value)}`);
  }
  const [, sign, whole = '0', fraction = '', exponentText = '0'] = match;
  const exponent = Number(exponentText) - fraction.length;
  let numerator = BigInt(`${whole}${fraction}`);
  let denominator = 1n;
  if (exponent >= 0) numerator *= 10n ** BigInt(exponent);
  else denominator = 10n ** BigInt(-exponent);
  return { numerator: sign === '-' ? -numerator : numerator, denominator };
}

export function multiply(a: Ratio, b: Ratio): Ratio {
  return { numerator: a.numerator * b.numerator, denominator: a.denominator * b.denominator };
}

export function divide(a: Ratio, b: Ratio): Ratio {
  if (b.numerator === 0n) throw new SluiceError('ING_VALIDATION_FAILED', 'division by zero');
  const negative = b.numerator < 0n;
  return {
    numerator: a.numerator * (negative ? -b.denominator : b.denominator),
    denominator: a.denominator * (negative ? -b.numerator : b.numerator),
  };
}

/** The ratio as a decimal string with at most `scale` places, rounded half to even (banker's). */
export function toDecimalString(value: Ratio, scale = 12): string {
  const scaled = value.numerator * 10n ** BigInt(scale);
  let quotient = scaled / value.denominator;
  const remainder = scaled % value.denominator;
  const twice = (remainder < 0n ? -remainder : remainder) * 2n;
  if (twice > value.denominator || (twice === value.denominator && quotient % 2n !== 0n)) {
    quotient += scaled < 0n ? -1n : 1n;
  }
  return formatDecimal(quotient, scale);
}

export function toNumber(value: Ratio): number {
  return Number(value.numerator) / Number(value.denominator);
}

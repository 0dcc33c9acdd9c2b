/**
 * Price units as listed ('1 Hour', '100 Hours', 'Hrs', '1 GB/Month', 'GB-Mo', '10K', …) → a
 * canonical unit and how many canonical units one listed unit is (the price is divided by it).
 */

export interface PriceUnit {
  unit: string;
  /** Canonical units in one listed unit: '100 Hours' → 100 (hour), '10K' → 0.01 (1M requests). */
  quantity: number;
}

// The unit word (after any leading count) → canonical unit and its size in that unit.
const unitWords: [string[], string, number][] = [
  [['hour', 'hours', 'hrs', 'hr', 'h'], 'hour', 1],
  [['day', 'days'], 'day', 1],
  [['month', 'months', 'mo'], 'month', 1],
  [['year', 'years', 'yr'], 'year', 1],
  [['gb/month', 'gb-mo', 'gb-month', 'gib/month', 'gb/mo'], 'GB-month', 1],
  [['tb/month', 'tb-mo', 'tib/month'], 'GB-month', 1024],
  [['gb/hour', 'gb-hours', 'gb-hour', 'gib/hour'], 'GB-hour', 1],
  [['gb-second', 'gb-seconds', 'lambda-gb-second'], 'GB-second', 1],
  [['gb', 'gib', 'gigabyte'], 'GB', 1],
  [['tb', 'tib'], 'GB', 1024],
  [['vcpu-hours', 'vcpu-hour', 'vcpu/hour'], 'vCPU-hour', 1],
  [
    ['requests', 'request', 'transactions', 'operations', 'calls', 'api calls', 'executions'],
    '1M requests',
    1e-6,
  ],
  [['', 'count', 'units', 'unit'], 'count', 1],
  [['quantity'], 'one-time', 1],
];

const wordIndex = new Map<string, [string, number]>();
for (const [words, unit, size] of unitWords) for (const word of words) wordIndex.set(word, [unit, size]);

const countSuffix: Record<string, number> = { '': 1, k: 1_000, m: 1_000_000 };

/** The canonical unit of a listed one, or undefined when the spelling is not known. */
export function parsePriceUnit(listed: string): PriceUnit | undefined {
  const match = /^\s*(?:(\d+(?:\.\d+)?)\s*([kKmM])?\b)?\s*\/?\s*(.*?)\s*$/.exec(listed);
  if (!match) return undefined;
  const [, countText, suffix = '', wordText = ''] = match;
  const count =
    (countText === undefined ? 1 : Number(countText)) * (countSuffix[suffix.toLowerCase()] as number);
  const word = wordText.toLowerCase();
  // a bare count ('10K', '1M') is a number of requests/operations, as Azure lists them
  if (word === '' && suffix !== '') return { unit: '1M requests', quantity: count / 1_000_000 };
  const known = wordIndex.get(word);
  if (!known) return undefined;
  const [unit, size] = known;
  if (unit === 'count' && countText === undefined && word === '') return undefined;
  return { unit, quantity: count * size };
}

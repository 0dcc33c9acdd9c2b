/**
 * Device times as sent: epoch seconds, milliseconds, microseconds or nanoseconds (told apart by
 * magnitude; seconds may carry a fraction) or ISO-8601 with a UTC offset. Returns UTC epoch ms.
 */

const isoPattern =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)$/i;
const epochPattern = /^[+-]?\d{1,20}(?:\.\d{1,9})?$/;

export type SourceTimeResult = { ok: true; epochMs: number } | { ok: false; reason: string };

const daysInMonth = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isLeapYear(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

function parseIso(match: RegExpExecArray): SourceTimeResult {
  const fraction = match[7] ?? '';
  const zone = match[8] ?? 'Z';
  let offsetMinutes = 0;
  if (zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offsetHours = Number(digits.slice(0, 2));
    const offsetMins = Number(digits.slice(2) || '0');
    if (offsetHours > 18 || offsetMins > 59) return { ok: false, reason: 'has an impossible UTC offset' };
    offsetMinutes = sign * (offsetHours * 60 + offsetMins);
  }
  return utcTime(
    Number(match[1]),
    Number(match[2]),
    Number(match[3]),
    Number(match[4]),
    Number(match[5]),
    Number(match[6] ?? '0'),
    fraction === '' ? 0 : Number(fraction.padEnd(3, '0').slice(0, 3)),
    offsetMinutes,
  );
}

/** Epoch ms of a date and time given at a UTC offset, checked field by field. */
function utcTime(
  y: number,
  mo: number,
  d: number,
  h: number,
  mi: number,
  s: number,
  millis: number,
  offsetMinutes: number,
): SourceTimeResult {
  const lastDay = mo === 2 && isLeapYear(y) ? 29 : daysInMonth[mo - 1];
  // checked field by field, not through a Date (a third of the stage's time): 2026-02-30 does
  // not exist, and Date.UTC would read years below 100 as 19xx
  if (y < 100 || lastDay === undefined || d < 1 || d > lastDay || h > 23 || mi > 59 || s > 60) {
    return { ok: false, reason: 'is not a real date and time' };
  }
  return { ok: true, epochMs: Date.UTC(y, mo - 1, d, h, mi, s, millis) - offsetMinutes * 60_000 };
}

/** The decimal number written by `count` digits from `at`, or -1 if any is not a digit. */
function digitsAt(text: string, at: number, count: number): number {
  let value = 0;
  for (let i = at; i < at + count; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/** Where "YYYY-MM-DDTHH:MM:SS.sssZ" has its separators, and their character codes. */
const canonicalIsoSeparators = (
  [
    [4, '-'],
    [7, '-'],
    [10, 'T'],
    [13, ':'],
    [16, ':'],
    [19, '.'],
    [23, 'Z'],
  ] as const
).map(([at, char]) => [at, char.charCodeAt(0)] as const);

/**
 * "2026-11-21T09:15:30.250Z", what toISOString and most devices send, read by position: the
 * pattern's match (eight strings, then a Number each) cost more than the rest of the stage.
 * Anything else is left to the pattern (undefined).
 */
function parseCanonicalIso(text: string): SourceTimeResult | undefined {
  if (text.length !== 24) return undefined;
  for (const [at, code] of canonicalIsoSeparators) if (text.charCodeAt(at) !== code) return undefined;
  const y = digitsAt(text, 0, 4);
  const mo = digitsAt(text, 5, 2);
  const d = digitsAt(text, 8, 2);
  const h = digitsAt(text, 11, 2);
  const mi = digitsAt(text, 14, 2);
  const sec = digitsAt(text, 17, 2);
  const millis = digitsAt(text, 20, 3);
  // -1 marks a non-digit: the OR of the fields is negative exactly when one is
  if ((y | mo | d | h | mi | sec | millis) < 0) return undefined;
  return utcTime(y, mo, d, h, mi, sec, millis, 0);
}

function parseEpoch(text: string): SourceTimeResult {
  const value = Number(text);
  const magnitude = Math.abs(value);
  // seconds until year 5138, then ms, µs, ns: the ranges do not overlap for any plausible reading
  if (magnitude < 1e11) return { ok: true, epochMs: Math.round(value * 1000) };
  if (magnitude >= 1e20) return { ok: false, reason: 'is too large for an epoch time' };
  if (text.includes('.')) return { ok: false, reason: 'has a fraction on a milli/micro/nanosecond epoch' };
  const divisor = magnitude < 1e14 ? 1 : magnitude < 1e17 ? 1000 : 1_000_000;
  return { ok: true, epochMs: Math.floor(value / divisor) };
}

export function parseSourceTime(text: string): SourceTimeResult {
  const trimmed = text.trim();
  if (trimmed.length > 40) return { ok: false, reason: 'is longer than 40 characters' };
  const canonical = parseCanonicalIso(trimmed);
  if (canonical) return canonical;
  if (epochPattern.test(trimmed)) return parseEpoch(trimmed);
  const iso = isoPattern.exec(trimmed);
  if (iso) return parseIso(iso);
  if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(trimmed))
    return { ok: false, reason: 'has no UTC offset (add Z or ±hh:mm)' };
  return { ok: false, reason: 'is neither epoch seconds/ms/µs/ns nor ISO-8601 with offset' };
}

/**
 * The one unit table: every spelling Sluice accepts, its physical quantity and how to convert it to
 * the quantity's base unit (`base = value * factor + offset`). Lookups are exact first, then
 * case-insensitive where the lower-cased spelling is unambiguous (mW and MW are not).
 */

export type Quantity =
  | 'temperature'
  | 'pressure'
  | 'volume_flow'
  | 'volume'
  | 'energy'
  | 'power'
  | 'voltage'
  | 'current'
  | 'frequency'
  | 'ratio'
  | 'speed'
  | 'rotational_speed';

/** The base unit of each quantity: what normalized readings carry (temperature: degC or K by config). */
export const baseUnits: Record<Quantity, string> = {
  temperature: 'degC',
  pressure: 'kPa',
  volume_flow: 'm3/s',
  volume: 'm3',
  energy: 'kWh',
  power: 'kW',
  voltage: 'V',
  current: 'A',
  frequency: 'Hz',
  ratio: '%',
  speed: 'm/s',
  rotational_speed: 'rpm',
};

export interface UnitDefinition {
  /** The spelling as listed first in the table (e.g. degF). */
  symbol: string;
  quantity: Quantity;
  factor: number;
  offset: number;
}

const usGallonM3 = 0.003785411784;
const cubicFootM3 = 0.028316846592;

// [spellings, quantity, factor to base, offset to base]
const unitRows: [string[], Quantity, number, number?][] = [
  [['degC', '°C', '℃', 'C', 'Cel', 'celsius', 'deg C'], 'temperature', 1],
  [['degF', '°F', '℉', 'F', 'fahrenheit', 'deg F'], 'temperature', 5 / 9, -160 / 9],
  [['K', 'kelvin', 'degK'], 'temperature', 1, -273.15],
  [['Pa'], 'pressure', 0.001],
  [['hPa', 'mbar'], 'pressure', 0.1],
  [['kPa'], 'pressure', 1],
  [['MPa'], 'pressure', 1000],
  [['bar', 'barg', 'bara'], 'pressure', 100],
  [['psi', 'psig', 'psia', 'lbf/in2'], 'pressure', 6.894757293168361],
  [['atm'], 'pressure', 101.325],
  [['mmHg', 'Torr'], 'pressure', 0.133322387415],
  [['inHg'], 'pressure', 3.386388157895],
  [['inH2O'], 'pressure', 0.249088908333],
  [['m3/s', 'm³/s'], 'volume_flow', 1],
  [['m3/h', 'm³/h', 'cmh'], 'volume_flow', 1 / 3600],
  [['l/s', 'L/s'], 'volume_flow', 0.001],
  [['l/min', 'L/min', 'lpm'], 'volume_flow', 0.001 / 60],
  [['l/h', 'L/h'], 'volume_flow', 0.001 / 3600],
  [['gpm', 'gal/min'], 'volume_flow', usGallonM3 / 60],
  [['cfm', 'ft3/min', 'ft³/min'], 'volume_flow', cubicFootM3 / 60],
  [['m3', 'm³'], 'volume', 1],
  [['l', 'L', 'litre', 'liter'], 'volume', 0.001],
  [['gal'], 'volume', usGallonM3],
  [['ft3', 'ft³'], 'volume', cubicFootM3],
  [['Wh'], 'energy', 0.001],
  [['kWh'], 'energy', 1],
  [['MWh'], 'energy', 1000],
  [['GWh'], 'energy', 1_000_000],
  [['J'], 'energy', 1 / 3_600_000],
  [['kJ'], 'energy', 1 / 3600],
  [['MJ'], 'energy', 1 / 3.6],
  [['BTU', 'Btu'], 'energy', 0.00029307107017222],
  [['therm'], 'energy', 29.307107017222],
  [['mW'], 'power', 0.000001],
  [['W'], 'power', 0.001],
  [['kW'], 'power', 1],
  [['MW'], 'power', 1000],
  [['hp'], 'power', 0.745699871582],
  [['mV'], 'voltage', 0.001],
  [['V'], 'voltage', 1],
  [['kV'], 'voltage', 1000],
  [['mA'], 'current', 0.001],
  [['A'], 'current', 1],
  [['kA'], 'current', 1000],
  [['Hz'], 'frequency', 1],
  [['kHz'], 'frequency', 1000],
  [['%', 'percent', 'pct', '%RH'], 'ratio', 1],
  [['ppm'], 'ratio', 0.0001],
  [['m/s'], 'speed', 1],
  [['km/h', 'kph'], 'speed', 1 / 3.6],
  [['mph'], 'speed', 0.44704],
  [['kn', 'knot'], 'speed', 0.514444444444],
  [['rpm', '1/min'], 'rotational_speed', 1],
];

const exactIndex = new Map<string, UnitDefinition>();
const lowerCaseIndex = new Map<string, UnitDefinition | null>();
for (const [spellings, quantity, factor, offset = 0] of unitRows) {
  const definition: UnitDefinition = { symbol: spellings[0] as string, quantity, factor, offset };
  for (const spelling of spellings) {
    exactIndex.set(spelling, definition);
    const lower = spelling.toLowerCase();
    const known = lowerCaseIndex.get(lower);
    // null marks a spelling two units share once lower-cased: only the exact case is accepted
    lowerCaseIndex.set(lower, known === undefined || known === definition ? definition : null);
  }
}

/**
 * UN/CEFACT Recommendation 20 common codes of the units above, as OPC UA servers give them in a
 * node's EngineeringUnits (EUInformation.unitId holds the code's characters, one byte each).
 */
const uneceCodes: [code: string, spelling: string][] = [
  ['CEL', 'degC'],
  ['FAH', 'degF'],
  ['KEL', 'K'],
  ['PAL', 'Pa'],
  ['A97', 'hPa'],
  ['MBR', 'mbar'],
  ['KPA', 'kPa'],
  ['MPA', 'MPa'],
  ['BAR', 'bar'],
  ['PS', 'psi'],
  ['ATM', 'atm'],
  ['HN', 'mmHg'],
  ['F79', 'inHg'],
  ['F78', 'inH2O'],
  ['MQS', 'm3/s'],
  ['MQH', 'm3/h'],
  ['G51', 'l/s'],
  ['L2', 'l/min'],
  ['E32', 'l/h'],
  ['G2', 'gpm'],
  ['2L', 'cfm'],
  ['MTQ', 'm3'],
  ['LTR', 'l'],
  ['GLL', 'gal'],
  ['FTQ', 'ft3'],
  ['WHR', 'Wh'],
  ['KWH', 'kWh'],
  ['MWH', 'MWh'],
  ['GWH', 'GWh'],
  ['JOU', 'J'],
  ['KJO', 'kJ'],
  ['3B', 'MJ'],
  ['BTU', 'BTU'],
  ['C31', 'mW'],
  ['WTT', 'W'],
  ['KWT', 'kW'],
  ['MAW', 'MW'],
  ['2Z', 'mV'],
  ['VLT', 'V'],
  ['KVT', 'kV'],
  ['4K', 'mA'],
  ['AMP', 'A'],
  ['B22', 'kA'],
  ['HTZ', 'Hz'],
  ['KHZ', 'kHz'],
  ['P1', '%'],
  ['59', 'ppm'],
  ['MTS', 'm/s'],
  ['KMH', 'km/h'],
  ['HM', 'mph'],
  ['KNT', 'kn'],
  ['RPM', 'rpm'],
];
const uneceIndex = new Map(uneceCodes.map(([code, spelling]) => [code, exactIndex.get(spelling)]));

/** The unit of a UN/CEFACT common code (CEL, KPA, MQH, …), or undefined when the table has none. */
export function findUnitByUneceCode(code: string): UnitDefinition | undefined {
  return uneceIndex.get(code.trim().toUpperCase());
}

/** The unit a spelling means, or undefined when Sluice does not know it (or it is ambiguous). */
export function findUnit(spelling: string): UnitDefinition | undefined {
  const trimmed = spelling.trim();
  return exactIndex.get(trimmed) ?? lowerCaseIndex.get(trimmed.toLowerCase()) ?? undefined;
}

/**
 * The value in its quantity's base unit. Conversion leaves float noise (82.50000000000001, or
 * -459.67 °F landing below absolute zero): 12 significant digits are beyond any sensor.
 */
export function toBase(value: number, unit: UnitDefinition): number {
  if (unit.factor === 1 && unit.offset === 0) return value;
  return roundToTwelveDigits(value * unit.factor + unit.offset);
}

/** 10^0 … 10^22, every one exact in a double. */
const powersOfTen = Array.from({ length: 23 }, (_, exponent) => 10 ** exponent);

/**
 * Number(value.toPrecision(12)) without the string round trip (a third of the normalize stage).
 * Where 10^(12 - digits) is exact, magnitude × 10^(12 - digits) is below 10^12 and off by less than
 * 10^-4 from the exact product, so rounding it to an integer is the rounding toPrecision makes
 * unless it lies that close to a half (then toPrecision decides); dividing the integer by the power
 * gives the double nearest the 12-digit decimal, as parsing does. Other magnitudes take toPrecision.
 */
export function roundToTwelveDigits(value: number): number {
  const magnitude = Math.abs(value);
  if (!(magnitude >= 1e-10 && magnitude < 1e11)) return Number(value.toPrecision(12));
  // digits before the decimal point: 10^(digits - 1) <= magnitude < 10^digits (log10 can be one off)
  let digits = Math.floor(Math.log10(magnitude)) + 1;
  if (digits < 11 && magnitude >= (powersOfTen[digits] as number)) digits += 1;
  else if (digits > 1 && magnitude < (powersOfTen[digits - 1] as number)) digits -= 1;
  const scale = powersOfTen[12 - digits] as number;
  const scaled = magnitude * scale;
  const fraction = scaled - Math.floor(scaled);
  if (Math.abs(fraction - 0.5) < 1e-3) return Number(value.toPrecision(12));
  const rounded = Math.round(scaled) / scale;
  return value < 0 ? -rounded : rounded;
}

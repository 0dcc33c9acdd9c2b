import { SluiceError } from './errors.ts';

/**
 * ClickHouse SQL built from fragments, never from strings holding outside input. A value enters a
 * query only as a typed `Bound`, and leaves it either as a `{name:Type}` placeholder with its
 * value in `query_params` (servers 19.11+ bind it themselves) or, on servers without query
 * parameters (Debian's 18.16), as a literal written by `clickhouseLiteral` — the one escaping
 * helper. Table and column names are `trusted` constants of the code.
 */

export type ClickHouseType = 'String' | 'Int64' | 'Float64' | 'UInt8' | 'Array(String)';

type BoundValue = string | number | readonly string[];

class Bound {
  constructor(
    readonly value: BoundValue,
    readonly type: ClickHouseType,
    /** Written as a tuple `('a', 'b')`: what `x IN …` takes on every server version. */
    readonly asInList = false,
  ) {}
}

export class Sql {
  constructor(
    readonly parts: readonly string[],
    readonly values: readonly (Sql | Bound)[],
  ) {}
}

export type SqlValue = Sql | Bound;

/** `sql\`SELECT … WHERE device_id = ${str(id)}\``: the template takes only fragments and bound values. */
export function sql(strings: TemplateStringsArray, ...values: SqlValue[]): Sql {
  return new Sql([...strings], values);
}

/** A constant of the code (a table or column name, a function name): never outside input. */
export function trusted(text: string): Sql {
  return new Sql([text], []);
}

export const empty = trusted('');

export function join(fragments: readonly SqlValue[], separator: string): Sql {
  if (fragments.length === 0) return empty;
  return new Sql(['', ...fragments.slice(1).map(() => separator), ''], fragments);
}

export const str = (value: string) => new Bound(value, 'String');
export const int = (value: number) => new Bound(value, 'Int64');
export const float = (value: number) => new Bound(value, 'Float64');
export const strings = (values: readonly string[]) => new Bound(values, 'Array(String)');

/** The right side of `x IN …`, for a non-empty list of strings. */
export function inList(values: readonly string[]): Bound {
  if (values.length === 0) throw new SluiceError('ING_PROGRAMMING', 'an IN list needs at least one value');
  return new Bound(values, 'Array(String)', true);
}

/** Backslash-escapes the backslash, the quote and the ASCII control characters (as \xHH); everything else is kept. */
function quoteString(text: string): string {
  let quoted = "'";
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0x20 && code !== 0x7f && code !== 0x27 && code !== 0x5c) continue;
    quoted += text.slice(from, i);
    quoted += code === 0x27 ? "\\'" : code === 0x5c ? '\\\\' : `\\x${code.toString(16).padStart(2, '0')}`;
    from = i + 1;
  }
  return `${quoted}${text.slice(from)}'`;
}

function numberLiteral(value: number, type: ClickHouseType): string {
  const whole = type === 'Int64' || type === 'UInt8';
  if (!Number.isFinite(value) || (whole && !Number.isSafeInteger(value)) || (type === 'UInt8' && value < 0)) {
    throw new SluiceError('ING_PROGRAMMING', `${value} is not a ${type} value`);
  }
  // parenthesised, so `a - ${x}` never turns into a `--` comment
  return value < 0 ? `(${value})` : String(value);
}

/**
 * The one escaping helper: a value as a ClickHouse literal of its type. Strings are quoted with
 * backslash escapes for `\`, `'` and every control character (`\xHH`), which is all the
 * ClickHouse lexer treats specially inside a quoted string.
 */
export function clickhouseLiteral(value: BoundValue, type: ClickHouseType, asInList = false): string {
  if (type === 'Array(String)') {
    if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
      throw new SluiceError('ING_PROGRAMMING', 'an Array(String) value must be an array of strings');
    }
    const items = (value as readonly string[]).map(quoteString).join(', ');
    return asInList ? `(${items})` : `[${items}]`;
  }
  if (type === 'String') {
    if (typeof value !== 'string')
      throw new SluiceError('ING_PROGRAMMING', 'a String value must be a string');
    return quoteString(value);
  }
  if (typeof value !== 'number') throw new SluiceError('ING_PROGRAMMING', `a ${type} value must be a number`);
  return numberLiteral(value, type);
}

export interface RenderedQuery {
  query: string;
  /** Values for `{name:Type}` placeholders; empty when the values were written as literals. */
  params: Record<string, unknown>;
}

/** The query text for a server with (`parameters`) or without query parameters. */
export function renderSql(fragment: Sql, { parameters }: { parameters: boolean }): RenderedQuery {
  const params: Record<string, unknown> = {};
  let next = 0;
  const bind = (value: BoundValue, type: ClickHouseType): string => {
    const name = `p${next++}`;
    params[name] = value;
    return `{${name}:${type}}`;
  };
  const render = (part: Sql): string => {
    let text = part.parts[0] ?? '';
    part.values.forEach((value, index) => {
      if (value instanceof Sql) text += render(value);
      else if (!parameters) text += clickhouseLiteral(value.value, value.type, value.asInList);
      else if (value.asInList) {
        // one placeholder per item: a tuple of Strings is what `IN` takes on every version
        text += `(${(value.value as readonly string[]).map((item) => bind(item, 'String')).join(', ')})`;
      } else text += bind(value.value, value.type);
      text += part.parts[index + 1] ?? '';
    });
    return text;
  };
  return { query: render(fragment), params };
}

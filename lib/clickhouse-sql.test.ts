import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { createClickHouse, detectFeatures } from './clickhouse.ts';
import {
  clickhouseLiteral,
  float,
  inList,
  int,
  join,
  renderSql,
  sql,
  str,
  strings,
  trusted,
} from './clickhouse-sql.ts';

/** Strings an attacker would try, and strings that are merely awkward. */
const hostile = [
  "' OR 1=1 --",
  "boiler-7'; DROP TABLE telemetry_readings; --",
  "\\' OR '1'='1",
  'back\\slash at the end\\',
  "quote at the end'",
  '/* comment */ x',
  'new\nline\r\nand\ttab',
  'nul\u0000byte',
  'bell\u0007 and del\u007f',
  "{p0:String}') UNION ALL SELECT name FROM system.tables --",
  'café — 東京 🚀',
  '',
  'a'.repeat(10_000),
];

describe('ClickHouse SQL fragments and the escaping helper', () => {
  it('writes literals with backslash escapes for quotes, backslashes and control characters', () => {
    assert.equal(clickhouseLiteral("it's", 'String'), "'it\\'s'");
    assert.equal(clickhouseLiteral('a\\b', 'String'), "'a\\\\b'");
    assert.equal(clickhouseLiteral('a\nb\u0000', 'String'), "'a\\x0ab\\x00'");
    assert.equal(clickhouseLiteral(['a', "b'"], 'Array(String)'), "['a', 'b\\'']");
    assert.equal(clickhouseLiteral(['a', 'b'], 'Array(String)', true), "('a', 'b')");
    assert.equal(clickhouseLiteral(42, 'Int64'), '42');
    assert.equal(clickhouseLiteral(-42, 'Int64'), '(-42)');
    assert.equal(clickhouseLiteral(0.25, 'Float64'), '0.25');
  });

  it('refuses values that are not of their type instead of writing them', () => {
    assert.throws(() => clickhouseLiteral(Number.NaN, 'Float64'), /not a Float64/);
    assert.throws(() => clickhouseLiteral(Number.POSITIVE_INFINITY, 'Float64'), /not a Float64/);
    assert.throws(() => clickhouseLiteral(1.5, 'Int64'), /not a Int64/);
    assert.throws(() => clickhouseLiteral(2 ** 60, 'Int64'), /not a Int64/);
    assert.throws(() => clickhouseLiteral('1', 'Int64'), /must be a number/);
    assert.throws(() => clickhouseLiteral(1 as unknown as string, 'String'), /must be a string/);
    assert.throws(() => inList([]), /at least one value/);
  });

  it('renders placeholders with query_params for servers that bind them', () => {
    const device = 'boiler-7';
    const query = sql`SELECT * FROM ${trusted('telemetry_readings')} WHERE device_id IN ${inList([device, 'x'])} AND source_ms >= ${int(5)} AND value > ${float(-1.5)} AND has(${strings(['a'])}, metric)`;
    assert.deepEqual(renderSql(query, { parameters: true }), {
      query:
        'SELECT * FROM telemetry_readings WHERE device_id IN ({p0:String}, {p1:String}) AND source_ms >= {p2:Int64} AND value > {p3:Float64} AND has({p4:Array(String)}, metric)',
      params: { p0: 'boiler-7', p1: 'x', p2: 5, p3: -1.5, p4: ['a'] },
    });
    assert.deepEqual(renderSql(query, { parameters: false }), {
      query:
        "SELECT * FROM telemetry_readings WHERE device_id IN ('boiler-7', 'x') AND source_ms >= 5 AND value > (-1.5) AND has(['a'], metric)",
      params: {},
    });
  });

  it('joins fragments, nested fragments keep their values in order', () => {
    const conditions = [sql`a = ${str('1')}`, sql`b = ${int(2)}`, trusted('c = 3')];
    const query = sql`SELECT 1 WHERE ${join(conditions, ' AND ')}`;
    assert.equal(renderSql(query, { parameters: false }).query, "SELECT 1 WHERE a = '1' AND b = 2 AND c = 3");
    assert.equal(
      renderSql(query, { parameters: true }).query,
      'SELECT 1 WHERE a = {p0:String} AND b = {p1:Int64} AND c = 3',
    );
    assert.equal(renderSql(join([], ','), { parameters: false }).query, '');
  });

  describe('against the local ClickHouse server', () => {
    const client = createClickHouse();
    after(() => client.close());

    it('reads back every hostile string exactly as written, as a value and inside an IN list', async () => {
      const { queryParameters } = await detectFeatures(client);
      for (const value of hostile) {
        const { query, params } = renderSql(
          sql`SELECT ${str(value)} AS v, ${str(value)} IN ${inList([value, 'other'])} AS found, toUInt8(length(${strings([value])})) AS n`,
          { parameters: queryParameters },
        );
        const result = await client.query({ query, query_params: params, format: 'JSONEachRow' });
        const [row] = await result.json<{ v: string; found: number; n: number }>();
        assert.deepEqual(row, { v: value, found: 1, n: 1 }, `round trip of ${JSON.stringify(value)}`);
      }
    });
  });
});

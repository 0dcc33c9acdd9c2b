import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { SluiceError } from '../../lib/errors.ts';
import { createPgPool } from '../../lib/postgres.ts';
import { BinaryArray, BinaryElements, type ElementType, readTimestampElement } from './binary-array.ts';

/** The values as elements encoded apart (as the sink buffers rows), then copied into an array. */
function fromElements(type: ElementType, values: (string | number | Buffer | null)[]): BinaryArray {
  const elements = new BinaryElements(8);
  const pieces = values.map((value) => elements.piece((row) => row.element(type, value)));
  const array = new BinaryArray(type, 8);
  for (const piece of pieces) array.pushEncoded(piece, 0, piece.length);
  return array;
}

/** What the server reads from each binary array, printed back as text by the server itself. */
describe('binary arrays as PostgreSQL reads them (local stack)', () => {
  const pool = createPgPool();
  after(() => pool.end());

  async function serverText(
    type: ElementType,
    values: (string | number | Buffer | null)[],
  ): Promise<(string | null)[]> {
    const array = new BinaryArray(type, 8); // small: the buffer grows on the way
    for (const value of values) array.push(value);
    assert.deepEqual(fromElements(type, values).bytes(), array.bytes(), 'elements copied as pushed');
    const client = await pool.connect();
    try {
      await client.query("SET TIME ZONE 'UTC'");
      const { rows } = await client.query<{ v: string | null }>(
        `SELECT v::text AS v FROM unnest($1::${type}[]) WITH ORDINALITY AS a(v, i) ORDER BY i`,
        [array.bytes()],
      );
      return rows.map((row) => row.v);
    } finally {
      client.release();
    }
  }

  it('texts: empty, unicode beyond the BMP, long, null', async () => {
    const long = 'ü'.repeat(5_000);
    const values = ['', 'plain', 'Grüße 温度 🌡️', 'quote \' " \\ {a,b} NULL', long, null];
    assert.deepEqual(await serverText('text', values), values);
  });

  it('jsonb: objects and arrays as JSON text, unicode, null', async () => {
    assert.deepEqual(await serverText('jsonb', ['{"site": "Zürich 🌡"}', '["stale"]', '[]', null]), [
      '{"site": "Zürich 🌡"}',
      '["stale"]',
      '[]',
      null,
    ]);
  });

  it('bytes: empty, invalid UTF-8, NUL, every byte value, null', async () => {
    const every = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const values = [Buffer.alloc(0), Buffer.from([0xff, 0xfe, 0x00, 0x41]), every, null];
    assert.deepEqual(
      await serverText('bytea', values),
      values.map((v) => (v === null ? null : `\\x${v.toString('hex')}`)),
    );
  });

  it('numbers: float8 edges, int4 and int8 bounds, nulls', async () => {
    assert.deepEqual(
      await serverText('float8', [0, -0, 1.5, -273.15, 5e-324, 1.7976931348623157e308, null]),
      ['0', '-0', '1.5', '-273.15', '5e-324', '1.7976931348623157e+308', null],
    );
    assert.deepEqual(await serverText('int4', [0, -1, 2_147_483_647, -2_147_483_648, null]), [
      '0',
      '-1',
      '2147483647',
      '-2147483648',
      null,
    ]);
    assert.deepEqual(
      await serverText('int8', [0, -1, 4_294_967_296, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER]),
      ['0', '-1', '4294967296', '9007199254740991', '-9007199254740991'],
    );
  });

  it('times from epoch milliseconds: before and after 2000, milliseconds kept, far future', async () => {
    const times = [
      0,
      -1,
      946_684_799_999,
      946_684_800_000,
      Date.parse('2026-11-21T08:15:30.250Z'),
      Date.parse('9999-12-31T23:59:59.999Z'),
    ];
    const elements = new BinaryElements(8);
    const pieces = times.map((time) => elements.piece((row) => row.element('timestamptz', time)));
    assert.deepEqual(
      pieces.map((piece) => readTimestampElement(piece, 0)),
      times,
    );
    assert.deepEqual(await serverText('timestamptz', [...times, null]), [
      '1970-01-01 00:00:00+00',
      '1969-12-31 23:59:59.999+00',
      '1999-12-31 23:59:59.999+00',
      '2000-01-01 00:00:00+00',
      '2026-11-21 08:15:30.25+00',
      '9999-12-31 23:59:59.999+00',
      null,
    ]);
  });

  it('a value the type cannot hold is refused as bad data, before it reaches the server', () => {
    for (const [type, value] of [
      ['int4', 2 ** 31],
      ['int4', 1.5],
      ['int8', 2 ** 53],
      ['timestamptz', Number.NaN],
    ] as const) {
      assert.throws(
        () => new BinaryArray(type).push(value),
        (err) => err instanceof SluiceError && err.code === 'ING_VALIDATION_FAILED',
        `${type} ${value}`,
      );
    }
  });
});

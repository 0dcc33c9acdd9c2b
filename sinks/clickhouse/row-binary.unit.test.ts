import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RowBinaryReader, RowBinaryWriter } from './row-binary.ts';

function written(write: (rows: RowBinaryWriter) => void): Buffer {
  const rows = new RowBinaryWriter(4); // tiny: every write also grows the buffer
  write(rows);
  return Buffer.from(rows.bytes());
}

/** A string as ClickHouse reads it: unsigned LEB128 byte count, then the UTF-8 bytes. */
function expectedString(value: string): Buffer {
  const bytes = Buffer.from(value, 'utf8');
  const length: number[] = [];
  let rest = bytes.length;
  while (rest >= 0x80) {
    length.push((rest & 0x7f) | 0x80);
    rest >>>= 7;
  }
  length.push(rest);
  return Buffer.concat([Buffer.from(length), bytes]);
}

describe('RowBinaryWriter', () => {
  it('writes strings of every length class, ASCII or not, with their varint byte count', () => {
    const values = ['', 'a', 'x'.repeat(15), 'x'.repeat(16), 'x'.repeat(42), 'x'.repeat(43), 'x'.repeat(127)];
    values.push('x'.repeat(128), 'y'.repeat(20_000), 'Zürich', '東京 🌡', 'é'.repeat(100), '\ud800 lone');
    for (const value of values) {
      assert.deepEqual(
        written((rows) => rows.string(value)),
        expectedString(value),
        `${value.length} chars`,
      );
    }
  });

  it('writes integers, doubles, times, nullables and arrays as little-endian binary', () => {
    const int64 = (value: bigint) => {
      const bytes = Buffer.alloc(8);
      bytes.writeBigInt64LE(value);
      return bytes;
    };
    for (const value of [0, 1, -1, 2 ** 32, 2 ** 40 + 5, -(2 ** 40) - 5, Number.MAX_SAFE_INTEGER]) {
      assert.deepEqual(
        written((rows) => rows.int64(value)),
        int64(BigInt(value)),
        String(value),
      );
    }
    const double = Buffer.alloc(8);
    double.writeDoubleLE(-1.25e-3);
    assert.deepEqual(
      written((rows) => rows.nullableFloat64(-1.25e-3)),
      Buffer.concat([Buffer.from([0]), double]),
    );
    assert.deepEqual(
      written((rows) => rows.nullableString(null)),
      Buffer.from([1]),
    );
    assert.deepEqual(
      written((rows) => rows.time(1_763_709_330_999, false)),
      Buffer.from([0x92, 0x11, 0x20, 0x69]), // 1763709330 seconds, UInt32 LE
    );
    assert.deepEqual(
      written((rows) => rows.time(1_763_709_330_999, true)),
      int64(1_763_709_330_999n),
    );
    assert.deepEqual(
      written((rows) => {
        rows.stringArray(['a', 'bc']);
        rows.uint16(513);
        rows.uint8(7);
      }),
      Buffer.from([2, 1, 0x61, 2, 0x62, 0x63, 1, 2, 7]),
    );
  });
});

describe('RowBinaryReader', () => {
  it('reads back the leading columns it is asked for, skipping strings of every length class', () => {
    const long = 'd'.repeat(300); // a two-byte varint length
    const row = written((rows) => {
      rows.string('event-1');
      rows.string('sensor');
      rows.string(long);
      rows.nullableString('site-ä');
      rows.string('temperature');
    });
    const reader = new RowBinaryReader(row);
    assert.equal(reader.string(), 'event-1');
    reader.skipString();
    reader.skipString();
    assert.equal(reader.nullableString(), 'site-ä');
    assert.equal(reader.string(), 'temperature');
    assert.equal(new RowBinaryReader(written((rows) => rows.nullableString(null))).nullableString(), null);
  });
});

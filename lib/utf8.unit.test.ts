import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { invalidUtf8Offset } from './utf8.ts';

describe('invalidUtf8Offset', () => {
  it('is -1 for valid UTF-8, including U+FFFD itself and 4-byte characters', () => {
    for (const text of ['', 'boiler-7', 'tëmp °C', '\uFFFD', '𝄞 ok', '日本語']) {
      assert.equal(invalidUtf8Offset(Buffer.from(text)), -1, text);
    }
  });

  it('names the offset of the first invalid byte', () => {
    const cases: [number[], number][] = [
      [[0x64, 0xff, 0xfe, 0x31], 1], // FF FE: no UTF-8 byte at all
      [[0x61, 0x62, 0xc3], 2], // truncated 2-byte sequence
      [[0xc0, 0xaf], 0], // overlong '/'
      [[0xe0, 0x80, 0xaf], 0], // overlong 3-byte
      [[0x41, 0xed, 0xa0, 0x80], 1], // a UTF-16 surrogate
      [[0xf4, 0x90, 0x80, 0x80], 0], // past U+10FFFF
      [[0xe2, 0x82, 0x41], 0], // bad continuation
      [[0x7b, 0x22, 0x61, 0x22, 0x3a, 0x80, 0x7d], 5], // lone continuation byte
    ];
    for (const [bytes, offset] of cases)
      assert.equal(invalidUtf8Offset(Buffer.from(bytes)), offset, String(bytes));
  });

  it('agrees with the native check on every 2-byte input', () => {
    for (let a = 0; a < 256; a++) {
      for (let b = 0; b < 256; b++) {
        const bytes = Buffer.from([a, b]);
        assert.equal(invalidUtf8Offset(bytes) === -1, Buffer.from(bytes.toString('utf8')).equals(bytes));
      }
    }
  });
});

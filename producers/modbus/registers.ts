import type { RegisterSpec } from './config.ts';

/** Registers a value of this type spans. */
export function registerCount(type: RegisterSpec['type']): number {
  return type === 'int16' || type === 'uint16' ? 1 : 2;
}

/**
 * Decodes the 16-bit registers of one value. The registers arrive big-endian each; the byte
 * order names where the value's bytes A (most significant) … D sit: ABCD as sent, CDAB with the
 * two words swapped (common on PLCs), BADC with the bytes of each word swapped, DCBA reversed.
 */
export function decodeRegisters(
  words: number[],
  type: RegisterSpec['type'],
  byteOrder: RegisterSpec['byteOrder'],
): number {
  const count = registerCount(type);
  if (words.length !== count) throw new Error(`${type} needs ${count} registers, got ${words.length}`);
  const raw = Buffer.alloc(count * 2);
  for (const [i, word] of words.entries()) raw.writeUInt16BE(word & 0xffff, i * 2);
  const positions =
    count === 1
      ? { ABCD: [0, 1], CDAB: [0, 1], BADC: [1, 0], DCBA: [1, 0] }
      : { ABCD: [0, 1, 2, 3], CDAB: [2, 3, 0, 1], BADC: [1, 0, 3, 2], DCBA: [3, 2, 1, 0] };
  const bytes = Buffer.from(positions[byteOrder].map((p) => raw[p] as number));
  switch (type) {
    case 'int16':
      return bytes.readInt16BE(0);
    case 'uint16':
      return bytes.readUInt16BE(0);
    case 'int32':
      return bytes.readInt32BE(0);
    case 'uint32':
      return bytes.readUInt32BE(0);
    case 'float32':
      return bytes.readFloatBE(0);
  }
}

/** The engineering value: raw × scale + offset. */
export function scaledValue(words: number[], spec: RegisterSpec): number {
  return decodeRegisters(words, spec.type, spec.byteOrder) * spec.scale + spec.offset;
}

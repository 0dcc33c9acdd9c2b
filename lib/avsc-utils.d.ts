// avsc's typings leave out its Tap: a buffer and a position, with the Avro primitive readers and
// writers that every type's `_read` and `_write` use. lib/avro.ts extends it.
declare module 'avsc/lib/utils.js' {
  class Tap {
    constructor(buf: Buffer, pos?: number);
    buf: Buffer;
    pos: number;
    readLong(): number;
    readString(): string | undefined;
    readFixed(length: number): Buffer | undefined;
    writeLong(n: number): void;
    writeString(s: string): void;
    isValid(): boolean;
    _invalidate(): void;
  }
  const utils: { Tap: typeof Tap };
  export default utils;
}

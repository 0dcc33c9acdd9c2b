/**
 * A buffer written front to back that doubles (at least) when a write needs more room than is
 * left: what the binary row and array writers build their bodies in.
 */
export class GrowingBuffer {
  protected buffer: Buffer;
  /** Where the next byte goes. */
  protected at: number;

  constructor(initialBytes: number, start = 0) {
    this.buffer = Buffer.allocUnsafe(Math.max(initialBytes, start));
    this.at = start;
  }

  /** Bytes written so far. */
  get written(): number {
    return this.at;
  }

  /** The buffer, with at least `bytes` free from `at` (a larger copy when it had not). */
  protected room(bytes: number): Buffer {
    if (this.at + bytes > this.buffer.length) {
      const grown = Buffer.allocUnsafe(Math.max(2 * this.buffer.length, this.at + bytes));
      this.buffer.copy(grown, 0, 0, this.at);
      this.buffer = grown;
    }
    return this.buffer;
  }

  /**
   * What `write` writes, as a view of its bytes that stays valid (a later write that needs more
   * room copies into a new buffer and leaves this one alone). A write that throws leaves nothing.
   */
  piece(write: (self: this) => void): Buffer {
    const start = this.at;
    try {
      write(this);
    } catch (err) {
      this.at = start;
      throw err;
    }
    return this.buffer.subarray(start, this.at);
  }
}

/** Bytes of a chunk; a row (some hundred bytes) fits in the headroom past it without a copy. */
const chunkBytes = 1024 * 1024;
const chunkHeadroom = 64 * 1024;

/**
 * Rows encoded one at a time as the sink buffers their records, each a view of a shared chunk: a
 * batch holds bytes instead of decoded values (which would survive every young-generation
 * collection while it is buffered), and a chunk is freed once no buffered row is in it.
 */
export class RowChunks<W extends GrowingBuffer> {
  private chunk: W;

  constructor(private readonly newChunk: (bytes: number) => W) {
    this.chunk = newChunk(chunkBytes + chunkHeadroom);
  }

  row(write: (writer: W) => void): Buffer {
    if (this.chunk.written >= chunkBytes) this.chunk = this.newChunk(chunkBytes + chunkHeadroom);
    return this.chunk.piece(write);
  }
}

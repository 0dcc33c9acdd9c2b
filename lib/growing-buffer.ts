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

  /** The buffer, with at least `bytes` free from `at` (a larger copy when it had not). */
  protected room(bytes: number): Buffer {
    if (this.at + bytes > this.buffer.length) {
      const grown = Buffer.allocUnsafe(Math.max(2 * this.buffer.length, this.at + bytes));
      this.buffer.copy(grown, 0, 0, this.at);
      this.buffer = grown;
    }
    return this.buffer;
  }
}

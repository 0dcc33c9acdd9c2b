import { SluiceError } from '../../lib/errors.ts';

/**
 * Cuts chosen members out of a JSON document as it streams by, as their exact source bytes, without
 * building the rest: the price lists are large (an AWS offer file is gigabytes) and their items
 * are published as the provider wrote them (Azure), so neither a full parse nor a token stream is
 * needed. Member paths are the keys from the root, array elements keyed by their index ('Items',
 * '0'). Inside a selected member nothing is examined but strings and nesting, to find its end.
 *
 * It checks structure (nesting, strings, that the root is an object or array and is closed) but not
 * every token: a member it hands on is still parsed by its reader, which reports anything else.
 */
export class JsonMembers {
  /** Keys of the open containers' current members, outermost first (arrays: the element index). */
  private readonly path: string[] = [];
  private readonly arrays: boolean[] = [];
  private inString = false;
  private escaped = false;
  /** In an object, the next string is a key. */
  private expectingKey = false;
  /** The bytes of the key being read, across chunks. */
  private keyParts: Buffer[] | undefined;
  private keyStart = -1;
  /** A value may start at the next non-blank byte. */
  private awaitingValue = true;
  private started = false;
  private capture: { parts: Buffer[]; start: number; depth: number; scalar: boolean } | undefined;
  private bytes = 0;

  constructor(
    /** Whether the member at this path is wanted (whole), checked where a value starts outside a capture. */
    private readonly select: (path: readonly string[]) => boolean,
    private readonly onMember: (path: readonly string[], value: Buffer) => void,
  ) {}

  private fail(what: string): never {
    throw new SluiceError('ING_PRICING_PAGE_INVALID', `not valid JSON at byte ${this.bytes}: ${what}`);
  }

  /** A value starts at `at`: captured when its path is selected. */
  private valueStarts(chunk: Buffer, at: number, scalar: boolean): void {
    this.awaitingValue = false;
    if (this.capture || !this.select(this.path)) return;
    this.capture = { parts: [], start: at, depth: this.arrays.length, scalar };
    if (scalar && chunk[at] === 0x22) this.capture.scalar = false;
  }

  private endCapture(chunk: Buffer, end: number): void {
    const capture = this.capture as NonNullable<typeof this.capture>;
    this.capture = undefined;
    const tail = chunk.subarray(capture.start, end);
    const value = capture.parts.length === 0 ? tail : Buffer.concat([...capture.parts, tail]);
    this.onMember(this.path, value);
  }

  private endScalar(chunk: Buffer, end: number): void {
    if (this.capture?.scalar && this.capture.depth === this.arrays.length) this.endCapture(chunk, end);
  }

  write(chunk: Buffer): void {
    const length = chunk.length;
    for (let i = 0; i < length; i++) {
      const c = chunk[i] as number;
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === 0x5c) this.escaped = true;
        else if (c === 0x22) {
          this.inString = false;
          if (this.keyParts) {
            const parts = this.keyParts;
            this.keyParts = undefined;
            const tail = chunk.subarray(this.keyStart, i + 1);
            const key = JSON.parse(
              (parts.length === 0 ? tail : Buffer.concat([...parts, tail])).toString('utf8'),
            );
            this.path[this.path.length - 1] = key as string;
          } else if (this.capture && !this.capture.scalar && this.capture.depth === this.arrays.length) {
            // a selected string value ends here
            this.endCapture(chunk, i + 1);
          }
        }
        continue;
      }
      switch (c) {
        case 0x20:
        case 0x0a:
        case 0x0d:
        case 0x09:
          this.endScalar(chunk, i);
          break;
        case 0x22:
          this.inString = true;
          if (this.expectingKey) {
            this.expectingKey = false;
            if (!this.capture) {
              this.keyParts = [];
              this.keyStart = i;
            }
          } else if (this.awaitingValue) this.valueStarts(chunk, i, true);
          break;
        case 0x7b:
        case 0x5b: {
          if (!this.started) this.started = true;
          else if (this.awaitingValue) this.valueStarts(chunk, i, false);
          else this.fail(`unexpected ${String.fromCharCode(c)}`);
          const array = c === 0x5b;
          this.arrays.push(array);
          this.path.push(array ? '0' : '');
          this.expectingKey = !array;
          this.awaitingValue = array;
          break;
        }
        case 0x7d:
        case 0x5d: {
          this.endScalar(chunk, i);
          if (this.arrays.length === 0 || this.arrays.at(-1) !== (c === 0x5d))
            this.fail('mismatched bracket');
          this.arrays.pop();
          this.path.pop();
          this.awaitingValue = false;
          this.expectingKey = false;
          if (this.capture && !this.capture.scalar && this.capture.depth === this.arrays.length)
            this.endCapture(chunk, i + 1);
          break;
        }
        case 0x3a:
          this.awaitingValue = true;
          break;
        case 0x2c: {
          this.endScalar(chunk, i);
          const depth = this.arrays.length;
          if (depth === 0) this.fail('comma outside the document');
          if (this.arrays[depth - 1]) {
            this.path[depth - 1] = String(Number(this.path[depth - 1]) + 1);
            this.awaitingValue = true;
          } else this.expectingKey = true;
          break;
        }
        default:
          if (!this.started) this.fail(`the document starts with ${JSON.stringify(String.fromCharCode(c))}`);
          if (this.awaitingValue) this.valueStarts(chunk, i, true);
      }
    }
    this.bytes += length;
    if (this.keyParts && this.inString) {
      this.keyParts.push(chunk.subarray(Math.max(0, this.keyStart)));
      this.keyStart = 0;
    }
    if (this.capture) {
      this.capture.parts.push(chunk.subarray(this.capture.start));
      this.capture.start = 0;
    }
  }

  /** The document ended: it must have been whole. */
  end(): void {
    if (!this.started) this.fail('the document is empty');
    if (this.inString || this.arrays.length > 0)
      this.fail(`the document ends inside ${this.path.join('.') || 'its root'}`);
  }
}

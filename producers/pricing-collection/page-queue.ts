/**
 * A bounded hand-over between the streams fetching pages and the publisher: fetching runs ahead
 * of Kafka by at most `capacity` bytes of items, and the publisher takes whole pages in arrival order.
 */
export class PageQueue<T extends { items: number; bytes: number }> {
  private readonly entries: T[] = [];
  private queuedSize = 0;
  private closed = false;
  private readonly spaceWaiters: (() => void)[] = [];
  private entryWaiter?: () => void;

  constructor(private readonly capacity: number) {}

  /** Waits for room; returns false (entry not queued) once the queue is closed. */
  async push(entry: T): Promise<boolean> {
    while (this.queuedSize >= this.capacity && !this.closed) {
      await new Promise<void>((resolve) => this.spaceWaiters.push(resolve));
    }
    if (this.closed) return false;
    this.entries.push(entry);
    this.queuedSize += entry.bytes;
    this.entryWaiter?.();
    return true;
  }

  /** The next entries up to `maxItems` and `maxBytes` (at least one); undefined once closed and drained. */
  async take(maxItems: number, maxBytes: number): Promise<T[] | undefined> {
    while (this.entries.length === 0) {
      if (this.closed) return undefined;
      await new Promise<void>((resolve) => {
        this.entryWaiter = resolve;
      });
      this.entryWaiter = undefined;
    }
    let count = 0;
    let items = 0;
    let bytes = 0;
    for (const entry of this.entries) {
      if (count > 0 && (items + entry.items > maxItems || bytes + entry.bytes > maxBytes)) break;
      count += 1;
      items += entry.items;
      bytes += entry.bytes;
    }
    const taken = this.entries.splice(0, count);
    this.queuedSize -= bytes;
    for (const wake of this.spaceWaiters.splice(0)) wake();
    return taken;
  }

  /** No more entries: takers drain what is queued, pushers stop waiting. */
  close(): void {
    this.closed = true;
    this.entryWaiter?.();
    for (const wake of this.spaceWaiters.splice(0)) wake();
  }

  /** Drops what is queued (it was never acknowledged, so a resume fetches it again). */
  discard(): void {
    this.entries.length = 0;
    this.queuedSize = 0;
    this.close();
  }
}

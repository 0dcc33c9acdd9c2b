import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Spaces requests evenly at `perSecond`, shared by every stream of a run: no bursts, so a
 * provider's throttling sees a steady client rather than waves.
 */
export class RateLimiter {
  private nextSlot = 0;
  private readonly intervalMs: number;

  constructor(perSecond: number) {
    this.intervalMs = 1000 / perSecond;
  }

  async acquire(signal?: AbortSignal): Promise<void> {
    const now = Date.now();
    const slot = Math.max(now, this.nextSlot);
    this.nextSlot = slot + this.intervalMs;
    if (slot > now) await sleep(slot - now, undefined, { signal });
  }
}

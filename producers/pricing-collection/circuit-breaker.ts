import type { Health } from '../../lib/component.ts';
import { SluiceError } from '../../lib/errors.ts';

type CircuitState = 'closed' | 'open' | 'half-open';

/**
 * Stops a collector hammering a server that keeps failing: after `threshold` consecutive
 * failures the circuit opens and every request is refused at once until `cooldownMs` passed;
 * then one trial request decides whether it closes again or stays open.
 */
export class CircuitBreaker {
  private state: CircuitState = 'closed';
  private consecutiveFailures = 0;
  private openedAt = 0;
  private lastFailure = '';

  constructor(
    private readonly target: string,
    private readonly threshold: number,
    private readonly cooldownMs: number,
  ) {}

  /** Throws ING_FETCH_CIRCUIT_OPEN while the circuit is open. */
  check(): void {
    if (this.state !== 'open') return;
    if (Date.now() - this.openedAt >= this.cooldownMs) {
      this.state = 'half-open';
      return;
    }
    throw this.openError();
  }

  success(): void {
    this.state = 'closed';
    this.consecutiveFailures = 0;
  }

  /** Counts a failure; returns the open-circuit error when this failure opened the circuit. */
  failure(reason: string): SluiceError | undefined {
    this.consecutiveFailures += 1;
    this.lastFailure = reason;
    if (this.state === 'half-open' || this.consecutiveFailures >= this.threshold) {
      this.state = 'open';
      this.openedAt = Date.now();
      return this.openError();
    }
    return undefined;
  }

  get isOpen(): boolean {
    return this.state === 'open';
  }

  private openError(): SluiceError {
    return new SluiceError(
      'ING_FETCH_CIRCUIT_OPEN',
      `circuit open: ${this.consecutiveFailures} consecutive failed requests to ${this.target} (last: ${this.lastFailure}); not retrying for ${Math.round(this.cooldownMs / 1000)} s`,
      { details: { target: this.target, consecutiveFailures: this.consecutiveFailures } },
    );
  }

  health(): Health {
    if (this.state === 'open') return { state: 'down', reason: this.openError().message };
    if (this.consecutiveFailures > 0) {
      return {
        state: 'degraded',
        reason: `${this.consecutiveFailures} consecutive failed requests to ${this.target} (last: ${this.lastFailure})`,
      };
    }
    return { state: 'ready' };
  }
}

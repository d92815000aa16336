/**
 * The time bound of one operation: the operation rejects with `UNAVAILABLE` once
 * `timeoutMs` has passed, whatever it is waiting for, and sends nothing after that.
 * It also turns a server time read during the operation into the fence that its
 * writes carry (see scripts.ts).
 */
import { TokenStoreError } from '@tokenstore/core';

import { connectionErrorName } from './errors.js';

/**
 * Returns the last connection error since the connection was last ready, or
 * `undefined` while it is ready. A timeout names it as the reason for the wait.
 */
export type LastConnectionError = () => Error | undefined;

/** The clock and deadline of one running operation. */
export class OperationBudget {
  readonly #startedAt = performance.now();
  readonly #lastConnectionError: LastConnectionError;

  constructor(
    readonly timeoutMs: number,
    lastConnectionError: LastConnectionError = () => undefined,
  ) {
    this.#lastConnectionError = lastConnectionError;
  }

  /** Milliseconds since the operation started. */
  elapsed(): number {
    return performance.now() - this.#startedAt;
  }

  /** Milliseconds left until the deadline, at least 0. */
  remainingMs(): number {
    return Math.max(0, this.timeoutMs - this.elapsed());
  }

  /**
   * The error an operation rejects with when its time is up. It names the last
   * connection error, if any, which is also its `cause`.
   */
  timeoutError(): TokenStoreError {
    return timeoutError(this.timeoutMs, this.#lastConnectionError());
  }

  /**
   * Throws the timeout error when the deadline has passed. Called before every command,
   * so that an operation that already rejected never sends another one.
   */
  throwIfExpired(): void {
    if (this.elapsed() >= this.timeoutMs) {
      throw this.timeoutError();
    }
  }

  /**
   * Returns the fence for writes: the last server time, in epoch milliseconds, at which
   * a write may still run. `serverTimeMs` is the server's clock when it ran a command,
   * and `elapsedAtReply` the value of `elapsed()` once its reply arrived. The server ran
   * that command before its reply arrived, so `serverTimeMs + timeoutMs -
   * elapsedAtReply` is no later than the operation's deadline on the server's clock,
   * whatever the offset between the two clocks, as long as neither clock is set back
   * meanwhile. One millisecond is taken off because the server's time is truncated to
   * whole milliseconds.
   */
  fence(serverTimeMs: number, elapsedAtReply: number): number {
    return Math.floor(serverTimeMs + this.timeoutMs - elapsedAtReply) - 1;
  }
}

/**
 * Runs `body` with a new budget and rejects with `UNAVAILABLE` when it has not settled
 * after `timeoutMs`. The timer is cleared when the call settles, so no timer outlives it.
 */
export async function withTimeout<T>(
  timeoutMs: number,
  body: (budget: OperationBudget) => Promise<T>,
  lastConnectionError?: LastConnectionError,
): Promise<T> {
  const budget = new OperationBudget(timeoutMs, lastConnectionError);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(budget.timeoutError()), timeoutMs);
  });
  try {
    return await Promise.race([body(budget), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function timeoutError(timeoutMs: number, lastError: Error | undefined): TokenStoreError {
  if (lastError === undefined) {
    return new TokenStoreError('UNAVAILABLE', `Redis did not respond within ${timeoutMs} ms`);
  }
  return new TokenStoreError(
    'UNAVAILABLE',
    `timed out after ${timeoutMs} ms without a connection to Redis ` +
      `(last connection error: ${connectionErrorName(lastError)})`,
    { cause: lastError },
  );
}

/**
 * The time limit of one store operation. The driver's own timeouts bound each command,
 * but an operation can send several (a find, then a write, then retries), so the store
 * bounds the whole operation as well.
 */
import { TokenStoreError } from '@tokenstore/core';

/** The moment an operation must have finished by. */
export class Deadline {
  readonly #expiresAt: number;
  readonly #timeoutMs: number;

  constructor(timeoutMs: number) {
    this.#timeoutMs = timeoutMs;
    this.#expiresAt = performance.now() + timeoutMs;
  }

  /** Tells whether the time is up. */
  get expired(): boolean {
    return performance.now() >= this.#expiresAt;
  }

  /** The time limit of the whole operation, in milliseconds. */
  get timeoutMs(): number {
    return this.#timeoutMs;
  }

  /** Milliseconds left, at least 0. */
  get remainingMs(): number {
    return Math.max(0, this.#expiresAt - performance.now());
  }

  /** Builds the `UNAVAILABLE` error of an operation that ran out of time. */
  timeoutError(cause?: unknown): TokenStoreError {
    return new TokenStoreError(
      'UNAVAILABLE',
      `the MongoDB server did not complete the operation within ${this.#timeoutMs} ms`,
      cause === undefined ? {} : { cause },
    );
  }
}

/**
 * Runs `body` and rejects with `UNAVAILABLE` when it has not settled after `timeoutMs`.
 * `body` receives the deadline so that it sends nothing more once the time is up. The
 * timer is cleared as soon as the operation settles, so it never keeps a process alive.
 */
export function withDeadline<T>(
  timeoutMs: number,
  body: (deadline: Deadline) => Promise<T>,
): Promise<T> {
  const deadline = new Deadline(timeoutMs);
  const operation = body(deadline);

  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(deadline.timeoutError()), timeoutMs);
    operation.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

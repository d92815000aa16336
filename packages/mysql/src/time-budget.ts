/**
 * Time limits for every step that waits for the server: a connection from the pool, a
 * statement. A server that stops replying then makes a call reject with `UNAVAILABLE`
 * instead of hanging.
 */
import { TokenStoreError } from '@tokenstore/core';

/** How much time the next step that waits for the server may take. */
export interface TimeBudget {
  /** The configured limit in milliseconds, for messages. */
  readonly timeoutMs: number;
  /** Milliseconds left for the next step; 0 when the time is up. */
  remainingMs(): number;
}

/** Returns a budget that every step of one operation shares: they end together after `timeoutMs`. */
export function operationBudget(timeoutMs: number): TimeBudget {
  const endsAt = Date.now() + timeoutMs;
  return { timeoutMs, remainingMs: () => Math.max(0, endsAt - Date.now()) };
}

/** Returns a budget that gives each step the whole `timeoutMs`, for long jobs such as an upgrade. */
export function stepBudget(timeoutMs: number): TimeBudget {
  return { timeoutMs, remainingMs: () => timeoutMs };
}

/** Builds the `UNAVAILABLE` error of a step that ran out of time waiting for `what`. */
export function timeoutError(what: string, budget: TimeBudget): TokenStoreError {
  return new TokenStoreError(
    'UNAVAILABLE',
    `timed out after ${budget.timeoutMs} ms waiting for ${what}`,
  );
}

/** Tells whether `error` is a time-out of this module rather than an error of the server. */
export function isTimeoutError(error: unknown): boolean {
  return error instanceof TokenStoreError && timeoutErrors.has(error);
}

const timeoutErrors = new WeakSet<TokenStoreError>();

/**
 * Resolves or rejects as `work` does, unless the budget runs out first: then it calls
 * `onTimeout` (which stops the work, such as by closing its socket) and rejects with
 * `UNAVAILABLE`. A late result or error of `work` is ignored.
 */
export function withinBudget<T>(
  work: Promise<T>,
  budget: TimeBudget,
  what: string,
  onTimeout: () => void,
): Promise<T> {
  const limitMs = budget.remainingMs();
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const expire = (): void => {
      if (settled) return;
      settled = true;
      const error = timeoutError(what, budget);
      timeoutErrors.add(error);
      onTimeout();
      reject(error);
    };
    const timer = limitMs > 0 ? setTimeout(expire, limitMs) : undefined;
    work.then(
      (value) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(error);
      },
    );
    if (timer === undefined) {
      expire();
    }
  });
}

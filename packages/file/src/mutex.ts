/**
 * A first-in first-out mutex for the writes of one store object, so that they take
 * the lock file one after another instead of polling it against each other.
 */

/** Releases a mutex that was acquired. */
export type Release = () => void;

interface Waiter {
  grant: (release: Release) => void;
  timer: NodeJS.Timeout;
}

/** A mutex whose waiters give up at a deadline. */
export class TimedMutex {
  #held = false;
  readonly #waiters: Waiter[] = [];

  /**
   * Waits until the mutex is free and takes it.
   *
   * @param deadline epoch milliseconds after which the wait fails.
   * @param onTimeout builds the error the wait rejects with at the deadline.
   */
  acquire(deadline: number, onTimeout: () => Error): Promise<Release> {
    if (!this.#held) {
      this.#held = true;
      return Promise.resolve(this.#releaseOnce());
    }

    return new Promise<Release>((resolve, reject) => {
      const waiter: Waiter = {
        grant: resolve,
        timer: setTimeout(
          () => {
            this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
            reject(onTimeout());
          },
          Math.max(0, deadline - Date.now()),
        ),
      };
      this.#waiters.push(waiter);
    });
  }

  #releaseOnce(): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#handOver();
    };
  }

  #handOver(): void {
    const next = this.#waiters.shift();
    if (next === undefined) {
      this.#held = false;
      return;
    }
    clearTimeout(next.timer);
    next.grant(this.#releaseOnce());
  }
}

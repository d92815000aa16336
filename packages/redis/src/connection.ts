/**
 * The store's ioredis client: created from a URL with options that never queue or
 * re-send a command, or given by the caller. It connects on first use, reconnects by
 * itself after the server comes back, and reports its errors to the logger instead
 * of leaving them unhandled. A server that rejects the credentials fails the waiting
 * calls at once, and an owned client then stops reconnecting until the next call.
 */
import { TokenStoreError, invalidOptionsError, type TokenStoreLogger } from '@tokenstore/core';
import { Redis, type RedisOptions } from 'ioredis';

import type { OperationBudget } from './budget.js';
import { connectionErrorName, credentialsError } from './errors.js';

/** The maximum wait between two reconnect attempts, in milliseconds. */
const MAX_RECONNECT_DELAY_MS = 1000;

/**
 * Returns the ioredis options of a client the store owns. Each one keeps a failed
 * call from being applied later or from hanging:
 * - no offline queue: a call made while disconnected fails at once instead of being
 *   sent whenever the connection is back;
 * - no re-sending of commands that were in flight when a connection dropped, and
 *   `maxRetriesPerRequest: 0`, so that those commands fail when it drops;
 * - a command timeout and a connect timeout of `timeoutMs`;
 * - reconnects without end, so that the same store works once the server is back.
 */
export function safetyOptions(timeoutMs: number): RedisOptions {
  return {
    lazyConnect: true,
    enableOfflineQueue: false,
    autoResendUnfulfilledCommands: false,
    maxRetriesPerRequest: 0,
    commandTimeout: timeoutMs,
    connectTimeout: timeoutMs,
    disconnectTimeout: Math.min(timeoutMs, MAX_RECONNECT_DELAY_MS),
    retryStrategy: (attempt: number) => Math.min(attempt * 100, MAX_RECONNECT_DELAY_MS),
  };
}

/** A call waiting for the connection to be ready. */
interface ReadyWaiter {
  resume(): void;
  fail(error: TokenStoreError): void;
}

/** The client of one store, and what the store needs to know about it. */
export class Connection {
  readonly client: Redis;
  readonly #owned: boolean;
  readonly #logger: TokenStoreLogger | undefined;
  readonly #readyWaiters = new Set<ReadyWaiter>();
  #failing = false;
  #lastError: Error | undefined;
  #stoppedByRejection = false;
  #droppedStream: object | undefined;
  readonly #onError = (error: Error): void => this.#reportError(error);
  readonly #onReady = (): void => this.#reportReady();
  readonly #onEnd = (): void => this.#reconnectForWaiters();

  private constructor(client: Redis, owned: boolean, logger: TokenStoreLogger | undefined) {
    this.client = client;
    this.#owned = owned;
    this.#logger = logger;
    client.on('error', this.#onError);
    client.on('ready', this.#onReady);
    client.on('end', this.#onEnd);
  }

  /**
   * The client's last error since it was last ready, such as a refused connection, or
   * `undefined` while the connection is ready.
   */
  get lastError(): Error | undefined {
    return this.client.status === 'ready' ? undefined : this.#lastError;
  }

  /**
   * Creates a client from `url` with the safety options. Nothing connects yet.
   *
   * @throws TokenStoreError `INVALID_OPTIONS` when the URL's query string changes a
   *   safety option (ioredis lets query parameters win over the options object).
   */
  static fromUrl(url: string, timeoutMs: number, logger?: TokenStoreLogger): Connection {
    const expected = safetyOptions(timeoutMs);
    const client = new Redis(url, expected);
    const overridden = Object.keys(expected).filter(
      (name) => client.options[name as keyof RedisOptions] !== expected[name as keyof RedisOptions],
    );
    if (overridden.length > 0) {
      client.disconnect();
      throw invalidOptionsError(
        'redis',
        'createRedisStore',
        `url must not set ${overridden.join(', ')}: the store sets these options itself`,
      );
    }
    return new Connection(client, true, logger);
  }

  /** Uses a client the caller created and keeps open. */
  static fromClient(client: Redis, logger?: TokenStoreLogger): Connection {
    const unsafe = unsafeOptionsOf(client);
    if (unsafe.length > 0) {
      logger?.warn?.(
        `the Redis client given to the store has ${unsafe.join(', ')}: a call reported ` +
          'as failed may still be applied later, or wait for a reconnect',
      );
    }
    return new Connection(client, false, logger);
  }

  /**
   * Resolves once the client is connected and ready, connecting it on first use.
   * Waits for a reconnect in progress; the operation's own timeout bounds the wait.
   *
   * @throws TokenStoreError `BACKEND` at once when the server rejects the credentials.
   * @throws TokenStoreError `UNAVAILABLE` when the client was closed by its owner, or
   *   when it is not ready in time (naming the last connection error).
   */
  async ready(budget: OperationBudget): Promise<void> {
    const { client } = this;
    // A socket that is being dropped is still 'ready' until it closes, but takes no
    // more commands: wait for the reconnect instead of failing at once.
    const { stream } = client as unknown as { stream?: { writable?: boolean } };
    if (client.status === 'ready' && stream?.writable !== false) {
      return;
    }
    if (client.status === 'end' && !this.#stoppedByRejection) {
      throw new TokenStoreError('UNAVAILABLE', 'the Redis client is closed');
    }
    if (client.status === 'wait' || client.status === 'end') {
      this.#connect();
    }

    // Each waiter leaves the set when its time is up, so that calls made during a long
    // outage hold no memory after they failed.
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#readyWaiters.delete(waiter);
        reject(budget.timeoutError());
      }, budget.remainingMs());
      const waiter: ReadyWaiter = {
        resume: () => {
          clearTimeout(timer);
          resolve();
        },
        fail: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      this.#readyWaiters.add(waiter);
    });
    budget.throwIfExpired();
  }

  /**
   * Drops the connection of an owned client after a command got no reply in time.
   * ioredis keeps a timed-out command in its queue until a reply arrives, so on a
   * connection that no longer replies the queue would grow with every call. Dropping
   * it fails the commands still in flight, and the client reconnects.
   */
  dropAfterTimeout(error: unknown): void {
    if (!this.#owned || !(error instanceof Error) || error.message !== 'Command timed out') {
      return;
    }
    // Every command in flight times out together: drop each socket once only.
    const { stream } = this.client as unknown as { stream?: object };
    if (stream !== undefined && stream !== this.#droppedStream) {
      this.#droppedStream = stream;
      this.client.disconnect(true);
    }
  }

  /** Quits an owned client (or disconnects it when quitting fails); detaches from a given one. */
  async close(): Promise<void> {
    const { client } = this;
    this.#stoppedByRejection = false;
    if (this.#owned) {
      if (client.status === 'ready') {
        await client.quit().catch(() => undefined);
      }
      client.disconnect();
    }
    client.off('error', this.#onError);
    client.off('ready', this.#onReady);
    client.off('end', this.#onEnd);
  }

  #connect(): void {
    this.#stoppedByRejection = false;
    this.client.connect().catch(() => {
      // A failed connect reaches the 'error' listener; ioredis retries by itself.
    });
  }

  #reportError(error: Error): void {
    this.#lastError = error;
    const rejection = credentialsError(error);
    if (rejection !== undefined) {
      this.#stopAfterRejection(rejection);
      return;
    }

    // ioredis emits an error on every failed reconnect attempt: the first one of an
    // outage is a warning, the others go to debug.
    const detail = connectionErrorName(error);
    if (this.#failing) {
      this.#logger?.debug?.(`Redis connection error (${detail})`);
      return;
    }
    this.#failing = true;
    this.#logger?.warn?.(`Redis connection error (${detail}); reconnecting`);
  }

  // Reconnecting cannot fix rejected credentials, and each attempt would be one more
  // failed login on the server. So the waiting calls fail now and an owned client
  // disconnects. The next call connects again, in case the password was fixed on the
  // server meanwhile. A given client reconnects on its owner's schedule.
  #stopAfterRejection(rejection: TokenStoreError): void {
    const waiters = [...this.#readyWaiters];
    this.#readyWaiters.clear();
    for (const waiter of waiters) waiter.fail(rejection);

    // Each call tries again and is rejected again, so only the first rejection of a
    // run of failures is a warning.
    const reply = connectionErrorName(rejection.cause as Error);
    const next = this.#owned
      ? 'The store connects again on the next call.'
      : 'Check the user name and password of the client.';
    const message = `Redis rejected the credentials (${reply}). ${next}`;
    if (this.#failing) {
      this.#logger?.debug?.(message);
    } else {
      this.#logger?.warn?.(message);
    }
    this.#failing = true;

    if (this.#owned) {
      this.#stoppedByRejection = true;
      this.client.disconnect();
    }
  }

  // A call that arrived while the rejected connection was still closing waits for it:
  // connect again once it is closed.
  #reconnectForWaiters(): void {
    if (this.#stoppedByRejection && this.#readyWaiters.size > 0) {
      this.#connect();
    }
  }

  #reportReady(): void {
    this.#lastError = undefined;
    const waiters = [...this.#readyWaiters];
    this.#readyWaiters.clear();
    for (const waiter of waiters) waiter.resume();

    if (this.#failing) {
      this.#failing = false;
      this.#logger?.info?.('reconnected to Redis');
    }
  }
}

function unsafeOptionsOf(client: Redis): string[] {
  const { options } = client;
  const unsafe: string[] = [];
  if (options.enableOfflineQueue !== false) unsafe.push('enableOfflineQueue on');
  if (options.autoResendUnfulfilledCommands !== false) {
    unsafe.push('autoResendUnfulfilledCommands on');
  }
  if (options.commandTimeout === undefined) unsafe.push('no commandTimeout');
  return unsafe;
}
